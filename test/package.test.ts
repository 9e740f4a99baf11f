// The per-board packager, end to end with a small real ES5 app and real .ww bytes: the files of
// dist/<BOARD>/<id>/ for Bangle.js 2, Puck.js and JerryScript; upload.js from the real espruino
// CLI executed against a Storage shim on Node, QuickJS and Duktape (so the model bytes and app
// arrive intact and the app runs); model.h compiled with cc; selftest.js run on every engine;
// byte-identical rebuilds; budgets that fail with the figures and leave the old dist/ intact;
// escaping of hostile labels evaluated on every engine; `watchword flash --dry-run`.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as acorn from 'acorn';
import { PNG } from 'pngjs';
import { getBoard, BOARD_IDS } from '../boards/index';
import { packageApp, type PackageInput } from '../compiler/package/index';
import { asciiJson, commentText, jsLiteral, jsString, markdownCode } from '../compiler/package/escape';
import { drawIcon, espruinoImage, iconJs, iconPng, parseEspruinoImage } from '../compiler/package/icon';
import { modelHeaderBytes } from '../compiler/package/jerryscript';
import { sanityCheckApp } from '../compiler/package/sanitycheck';
import { storageWrites } from '../compiler/package/upload';
import { dryRunText, planFlash } from '../compiler/commands/flash';
import { WatchwordError } from '../compiler/errors';
import { writeWW } from '../compiler/emit/wwfile';
import { buildRuntime, RUNTIME_DIR } from '../compiler/emit/build-runtime';
import { ENGINE_NAMES, engineAvailable, runScript, type EngineName } from '../simulator/engines/index';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-package-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Labels built to break naive embedding. */
const HOSTILE = [
  'swipe "left"', "it's", 'back\\slash', 'line\nbreak', 'cr\rlf', '</script><script>injected=1</script>',
  '<!-- x -->', 'ls\u2028ps\u2029end', '"; injected = 1; "', "'); injected = 1; ('", '*/ injected = 1; /*',
  'tab\there', 'nul\u0000byte', 'del\u007f', 'é ü ✓', '😀 astral', 'lone \ud800 surrogate', '${x}`', '',
];

/** A real .ww (the emit stage's writer) carrying the hostile labels (UTF-8 cannot carry a lone surrogate). */
const MODEL_LABELS = HOSTILE.filter((l) => !/[\ud800-\udfff]/.test(l.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
const MODEL = writeWW([
  { tag: 1, data: Int8Array.from({ length: 300 }, (_, i) => ((i * 37) % 256) - 128) },
  { tag: 2, data: Int32Array.from({ length: 17 }, (_, i) => i * 100003 - 800000) },
], MODEL_LABELS);

function byteSum(b: Uint8Array): number {
  let s = 0;
  for (const x of b) s = (s * 31 + x) % 1000003;
  return s;
}

/** ES5 app: reads the model the way the board provides it, checks the magic, prints size and checksum. */
function appCode(read: string, board: string): string {
  return [
    `var LABELS=${jsLiteral(HOSTILE)};`,
    `var m=new Uint8Array(${read});`,
    'var s=0;for(var i=0;i<m.length;i++)s=(s*31+m[i])%1000003;',
    `print("app "+${jsString(board)}+" "+String.fromCharCode(m[0],m[1],m[2],m[3])+" "+m.length+" "+s+" "+LABELS.length);`,
  ].join('');
}
function selftestCode(read: string, board: string): string {
  return `var m=new Uint8Array(${read});var s=0;for(var i=0;i<m.length;i++)s=(s*31+m[i])%1000003;` +
    `print("watchword selftest demo "+${jsString(board)}+": "+(s===${byteSum(MODEL)}?1:0)+"/1 exact, 0 ms/step, 0 vars");`;
}

function input(boardId: string, over: Partial<PackageInput> = {}): PackageInput {
  const board = getBoard(boardId);
  const read = board.engine === 'jerryscript' ? 'WW_MODEL' : 'require("Storage").readArrayBuffer("demo.ww")';
  return {
    board, appId: 'demo', appName: 'Demo gestures', description: 'Recognises gestures (test build)', version: '0.02',
    changelog: [{ version: '0.01', changes: 'First' }, { version: '0.02', changes: 'Second' }],
    tags: ['tool', 'gesture'],
    appJs: appCode(read, board.id), modelBytes: MODEL, selftestJs: selftestCode(read, board.id), labels: HOSTILE,
    ram: { typedArrayBytes: 256, typedArrays: 6 },
    report: { model: 'examples/demo/model.json', params: 1234, macsPerStep: 1100, msPerStep: 6.4, accuracy: { float: 0.95, int8: 0.94, samples: 200 }, sparsity: 0, selftestVectors: 1 },
    ...over,
  };
}

/** A minimal Espruino: Storage (write with offset/size, read, readArrayBuffer), atob and load. */
const ESPRUINO_SHIM = `
var __files = {};
function atob(s) {
  var A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", out = "", acc = 0, bits = 0;
  for (var i = 0; i < s.length; i++) {
    var v = A.indexOf(s.charAt(i)); if (v < 0) continue;
    acc = ((acc & 0xffff) << 6) | v; bits += 6;
    if (bits >= 8) { bits -= 8; out += String.fromCharCode((acc >> bits) & 255); }
  }
  return out;
}
var __Storage = {
  write: function (name, data, offset, size) {
    if (typeof data !== "string") throw new Error("shim: write expects a string");
    offset = offset || 0;
    if (size !== undefined || !__files[name]) __files[name] = new Uint8Array(size !== undefined ? size : data.length);
    var f = __files[name];
    if (offset + data.length > f.length) throw new Error("shim: write past the end of " + name);
    for (var i = 0; i < data.length; i++) f[offset + i] = data.charCodeAt(i) & 255;
    return true;
  },
  read: function (name) { var f = __files[name], s = ""; if (!f) return undefined; for (var i = 0; i < f.length; i++) s += String.fromCharCode(f[i]); return s; },
  readArrayBuffer: function (name) { var f = __files[name]; return f ? f.buffer : undefined; },
  list: function () { var r = []; for (var k in __files) r.push(k); return r; }
};
function require(m) { if (m !== "Storage") throw new Error("shim: no module " + m); return __Storage; }
function load(name) { (0, eval)(__Storage.read(name)); }
// load() evaluates in the global scope, so make the shim global even if the harness wraps scripts.
(0, eval)("this").require = require;
(0, eval)("this").atob = atob;
(0, eval)("this").load = load;
`;

function forEngines(title: string, fn: (engine: EngineName) => Promise<void>): void {
  for (const engine of ENGINE_NAMES) {
    it(`${title} [${engine}]`, async function () {
      if (!engineAvailable(engine)) this.skip();
      await fn(engine);
    });
  }
}

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name));
const listing = (dir: string) => fs.readdirSync(dir).sort();

describe('escape: untrusted strings in generated code', () => {
  it('jsString output is ASCII, has no </script>, <!-- or raw U+2028/2029, and parses as ES5', () => {
    for (const s of HOSTILE) {
      const lit = jsString(s);
      expect(lit).to.match(/^[\x20-\x7e]*$/);
      expect(lit).not.to.match(/<\/script|<!--|\u2028|\u2029/i);
      acorn.parse(`var x = ${lit};`, { ecmaVersion: 5 });
    }
  });

  forEngines('labels round-trip unchanged and inject nothing', async (engine) => {
    const code = `var injected = 0; var L = ${jsLiteral(HOSTILE)}; var o = ${jsLiteral({ 'k"ey\u2028': HOSTILE[0], n: [1, -2, 0] })};` +
      'for (var i = 0; i < L.length; i++) { var c = []; for (var j = 0; j < L[i].length; j++) c.push(L[i].charCodeAt(j)); print(c.join(",")); }' +
      'for (var k in o) print(k.length, o[k] === L[0], String(o.n));' +
      'print("injected", injected, typeof o);';
    const lines = await runScript(engine, code);
    const want = HOSTILE.map((s) => Array.from({ length: s.length }, (_, j) => s.charCodeAt(j)).join(','));
    expect(lines.slice(0, HOSTILE.length)).to.deep.equal(want);
    expect(lines.slice(HOSTILE.length)).to.deep.equal(['5 true 1,-2,0', '1 false 1,-2,0', 'injected 0 object']);
  });

  it('asciiJson is ASCII and parses back to the same value', () => {
    const v = { labels: HOSTILE, name: 'a\u2028b' };
    const j = asciiJson(v, 2);
    expect(j).to.match(/^[\x00-\x7f]*$/);
    expect(JSON.parse(j)).to.deep.equal(v);
  });

  it('commentText cannot close a comment or a line', () => {
    for (const s of HOSTILE) {
      const prog = `/* ${commentText(s)} */ // ${commentText(s)}\n`;
      const ast = acorn.parse(prog, { ecmaVersion: 5 }) as unknown as { body: unknown[] };
      expect(ast.body, JSON.stringify(s)).to.have.length(0);
    }
  });

  it('markdownCode keeps backticks and newlines inside one code span', () => {
    expect(markdownCode('a`b')).to.equal('``a`b``');
    expect(markdownCode('x\ny')).to.equal('`x y`');
  });
});

describe('icon', () => {
  it('is a valid 48x48 Espruino image that decodes back to the drawing', () => {
    const bm = drawIcon();
    const img = espruinoImage(bm);
    expect(Array.from(img.subarray(0, 4))).to.deep.equal([48, 48, 0x81, 0]);
    expect(img.length).to.equal(4 + (48 * 48) / 8);
    const back = parseEspruinoImage(img);
    expect([back.width, back.height, back.bpp, back.transparent]).to.deep.equal([48, 48, 1, 0]);
    expect(Array.from(back.pixels)).to.deep.equal(Array.from(bm.bits));
    const ink = bm.bits.reduce((a, b) => a + b, 0);
    expect(ink).to.be.within(300, 1500); // a drawing, not blank or solid
  });

  it('has the App Loader atob form and a PNG of the same size', () => {
    const bm = drawIcon();
    const img = espruinoImage(bm);
    const js = iconJs(img);
    const m = /^atob\("([^"]*)"\)$/.exec(js);
    expect(m).to.not.equal(null);
    expect(new Uint8Array(Buffer.from(m![1], 'base64'))).to.deep.equal(img);
    const png = PNG.sync.read(iconPng(bm));
    expect([png.width, png.height]).to.deep.equal([48, 48]);
    expect(png.data[3 + 4 * bm.bits.indexOf(1)]).to.equal(255);
    expect(png.data[3]).to.equal(0);
  });
});

describe('packageApp', function () {
  this.timeout(120_000);
  const dist = path.join(tmp, 'dist');
  const built: Record<string, string> = {};
  before(() => {
    for (const b of ['BANGLEJS2', 'PUCKJS', 'JERRYSCRIPT']) built[b] = packageApp(input(b), { distRoot: dist }).dir;
  });

  it('writes the Bangle.js 2 App Loader folder, upload.js, selftest.js and reports', () => {
    const dir = built.BANGLEJS2;
    expect(dir).to.equal(path.join(dist, 'BANGLEJS2', 'demo'));
    expect(listing(dir)).to.deep.equal(['ChangeLog', 'README.md', 'app-icon.js', 'app.png', 'demo.app.js', 'demo.img', 'demo.info', 'demo.ww',
      'metadata.json', 'report.json', 'report.md', 'selftest.js', 'upload.js']);
    expect(new Uint8Array(read(dir, 'demo.ww'))).to.deep.equal(MODEL);
    expect(read(dir, 'ChangeLog').toString()).to.equal('0.01: First\n0.02: Second\n');
    const meta = JSON.parse(read(dir, 'metadata.json').toString());
    expect(meta).to.include({ id: 'demo', version: '0.02', type: 'app', icon: 'app.png', readme: 'README.md', tags: 'tool,gesture' });
    expect(meta.supports).to.deep.equal(['BANGLEJS2']);
    expect(meta.storage.map((s: { name: string }) => s.name)).to.deep.equal(['demo.ww', 'demo.app.js', 'demo.img']);
    expect(sanityCheckApp(dir)).to.deep.equal([]);
    const app = read(dir, 'demo.app.js').toString();
    expect(app).to.match(/^\/\* demo\.app\.js generated by watchword from examples\/demo\/model\.json for BANGLEJS2; do not edit\. \*\//);
    acorn.parse(app, { ecmaVersion: 5 });
  });

  it('upload.js comes from the espruino CLI, parses as ES5 and writes the model, icon, info and app to Storage', () => {
    const up = read(built.BANGLEJS2, 'upload.js').toString('latin1');
    acorn.parse(up, { ecmaVersion: 5 });
    const writes = storageWrites(up);
    expect(writes.map((w) => w.name).sort()).to.deep.equal(['demo.app.js', 'demo.img', 'demo.info', 'demo.ww']);
    expect(writes.find((w) => w.name === 'demo.ww')!.bytes).to.equal(MODEL.length);
    expect(up.trimEnd().split('\n').pop()).to.equal('load("demo.app.js")');
    // Reassemble the model from the atob chunks: the exact bytes, in order.
    const chunks = [...up.matchAll(/require\("Storage"\)\.write\("demo\.ww",atob\("([^"]*)"\),(\d+)/g)];
    const bytes = new Uint8Array(MODEL.length);
    for (const c of chunks) bytes.set(Buffer.from(c[1], 'base64'), Number(c[2]));
    expect(bytes).to.deep.equal(MODEL);
  });

  forEngines('upload.js installs the app, which reads the model from Storage (Bangle.js 2)', async (engine) => {
    const lines = await runScript(engine, read(built.BANGLEJS2, 'upload.js').toString('latin1'), { prelude: [ESPRUINO_SHIM] });
    expect(lines).to.deep.equal([`app BANGLEJS2 WWMF ${MODEL.length} ${byteSum(MODEL)} ${HOSTILE.length}`]);
  });

  forEngines('with the real .ww reader as the app, the labels arrive intact through upload.js and Storage', async (engine) => {
    const reader = (await buildRuntime({ entry: path.join(RUNTIME_DIR, 'model.ts'), globalName: 'wwmodel' })).code;
    const glue = 'var ww=wwmodel.readWW(require("Storage").readArrayBuffer("demo.ww"));' +
      'for(var i=0;i<ww.labels.length;i++){var u=[];for(var j=0;j<ww.labels[i].length;j++)u.push(ww.labels[i].charCodeAt(j));print(i,u.join(","));}';
    const dir = packageApp(input('BANGLEJS2', { appJs: reader + '\n' + glue }), { distRoot: path.join(tmp, `reader-${engine}`) }).dir;
    const lines = await runScript(engine, read(dir, 'upload.js').toString('latin1'), { prelude: [ESPRUINO_SHIM] });
    expect(lines).to.deep.equal(MODEL_LABELS.map((l, i) => `${i} ${Array.from({ length: l.length }, (_, k) => l.charCodeAt(k)).join(',')}`));
  });

  forEngines('Puck.js installs the app as boot code and runs it', async (engine) => {
    const dir = built.PUCKJS;
    expect(listing(dir)).to.deep.equal(['README.md', 'demo.app.js', 'demo.ww', 'report.json', 'report.md', 'selftest.js', 'upload.js']);
    const up = read(dir, 'upload.js').toString('latin1');
    expect(storageWrites(up).map((w) => w.name)).to.deep.equal(['demo.ww', '.bootcde']);
    const lines = await runScript(engine, up + '\nprint(require("Storage").list().sort().join(","));', { prelude: [ESPRUINO_SHIM] });
    expect(lines).to.deep.equal([`app PUCKJS WWMF ${MODEL.length} ${byteSum(MODEL)} ${HOSTILE.length}`, '.bootcde,demo.ww']);
  });

  forEngines('the Espruino selftest.js uploads the model itself and reports N/N exact', async (engine) => {
    const lines = await runScript(engine, read(built.BANGLEJS2, 'selftest.js').toString('latin1'), { prelude: [ESPRUINO_SHIM] });
    expect(lines).to.deep.equal(['watchword selftest demo BANGLEJS2: 1/1 exact, 0 ms/step, 0 vars']);
  });

  it('JerryScript: main.js, model.h (compiles with cc, same bytes as the .ww), README with the C glue', function () {
    const dir = built.JERRYSCRIPT;
    expect(listing(dir)).to.deep.equal(['README.md', 'demo.ww', 'main.js', 'model.h', 'report.json', 'report.md', 'selftest.js']);
    acorn.parse(read(dir, 'main.js').toString(), { ecmaVersion: 5 });
    const h = read(dir, 'model.h').toString();
    expect(modelHeaderBytes(h)).to.deep.equal(MODEL);
    expect(h).to.match(/static const uint8_t ww_model_demo\[\d+\] WW_ALIGN4 = \{/);
    expect(read(dir, 'README.md').toString()).to.include('jerry_arraybuffer_external ((uint8_t *) ww_model_demo, ww_model_demo_length, NULL)');
    const cc = spawnSync('cc', ['--version']);
    if (cc.status !== 0) this.skip();
    const c = path.join(tmp, 'use_model.c');
    fs.writeFileSync(c, `#include "model.h"\n#include <stddef.h>\nconst uint8_t *ww_p(void) { return ww_model_demo; }\nuint32_t ww_n(void) { return ww_model_demo_length; }\n` +
      `typedef char size_ok[sizeof(ww_model_demo) == WW_MODEL_DEMO_LENGTH ? 1 : -1];\n`);
    const r = spawnSync('cc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic', '-I', dir, '-c', c, '-o', path.join(tmp, 'use_model.o')], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
  });

  forEngines('the JerryScript selftest.js embeds the model and runs with only print', async (engine) => {
    const lines = await runScript(engine, read(built.JERRYSCRIPT, 'selftest.js').toString());
    expect(lines).to.deep.equal(['watchword selftest demo JERRYSCRIPT: 1/1 exact, 0 ms/step, 0 vars']);
  });

  forEngines('the JerryScript main.js runs once the host binds WW_MODEL', async (engine) => {
    const lines = await runScript(engine, read(built.JERRYSCRIPT, 'main.js').toString(), { data: { WW_MODEL: MODEL } });
    expect(lines).to.deep.equal([`app JERRYSCRIPT WWMF ${MODEL.length} ${byteSum(MODEL)} ${HOSTILE.length}`]);
  });

  it('report.json carries the figures and report.md shows them', () => {
    const rep = JSON.parse(read(built.PUCKJS, 'report.json').toString());
    expect(rep.board).to.deep.equal({ id: 'PUCKJS', name: 'Puck.js', engine: 'espruino' });
    expect(rep.bytes.model).to.equal(MODEL.length);
    expect(rep.bytes.code).to.equal(input('PUCKJS').appJs.length);
    expect(rep.bytes.storageCapacity).to.equal(40960);
    expect(rep.bytes.storageUsed).to.be.greaterThan(MODEL.length + rep.bytes.code);
    expect(rep.ram.kind).to.equal('jsvars');
    expect(rep.ram.availableVariables).to.equal(2630);
    expect(rep.latency.msPerStep).to.equal(6.4);
    expect(rep.labels).to.deep.equal(HOSTILE);
    const jr = JSON.parse(read(built.JERRYSCRIPT, 'report.json').toString());
    expect(jr.ram).to.include({ kind: 'heap', heapBytes: 65536, selftestExtraBytes: 4 * Math.ceil(MODEL.length / 3) + MODEL.length });
    expect(read(built.JERRYSCRIPT, 'report.md').toString()).to.match(/\| selftest\.js extra heap \| [\d,]+ bytes \(embedded model; fits the heap\) \|/);
    const md = read(built.PUCKJS, 'report.md').toString();
    expect(md).to.include('| accuracy float / int8 | 95.0% / 94.0% (200 samples) |');
    expect(md).to.include('(2,630 x 13 B, 25% reserve)');
  });

  it('building twice gives byte-identical files (no timestamps, no paths)', () => {
    for (const b of ['BANGLEJS2', 'JERRYSCRIPT']) {
      const again = packageApp(input(b), { distRoot: path.join(tmp, 'dist2') }).dir;
      expect(listing(again)).to.deep.equal(listing(built[b]));
      for (const f of listing(again)) expect(read(again, f).equals(read(built[b], f)), `${b}/${f}`).to.equal(true);
      for (const f of listing(again)) expect(read(again, f).toString('latin1')).not.to.include(tmp);
    }
  });

  it('every board profile builds a small model', () => {
    for (const b of BOARD_IDS) {
      const r = packageApp(input(b), { distRoot: path.join(tmp, 'all') });
      expect(r.files.length, b).to.be.greaterThan(5);
    }
  });
});

describe('budgets and atomic dist', function () {
  this.timeout(60_000);
  it('a model too large for Puck.js Storage fails naming the figures and leaves the old dist intact', () => {
    const root = path.join(tmp, 'atomic');
    const dir = packageApp(input('PUCKJS'), { distRoot: root }).dir;
    const before = new Map(listing(dir).map((f) => [f, read(dir, f)]));
    const big = new Uint8Array(48 * 1024).fill(7);
    expect(() => packageApp(input('PUCKJS', { modelBytes: big }), { distRoot: root }))
      .to.throw(WatchwordError, /board PUCKJS: the build does not fit: Storage needs [\d,]+ bytes \(demo\.ww 49,152 B, .*\) but Puck\.js has 40,960 bytes/);
    expect(listing(dir)).to.deep.equal([...before.keys()]);
    for (const [f, b] of before) expect(read(dir, f).equals(b), f).to.equal(true);
    expect(fs.readdirSync(path.join(root, 'PUCKJS'))).to.deep.equal(['demo']); // no temp folders left
  });

  it('a failure after staging (the espruino CLI cannot run) also leaves the old dist intact', () => {
    const root = path.join(tmp, 'atomic2');
    const dir = packageApp(input('BANGLEJS2'), { distRoot: root }).dir;
    const before = new Map(listing(dir).map((f) => [f, read(dir, f)]));
    // Same board data but a board JSON the espruino CLI chokes on (binary_version must be a
    // string): the files are staged, then producing upload.js fails.
    const badJson = path.join(tmp, 'bad-board.json');
    fs.writeFileSync(badJson, JSON.stringify({ info: { builtin_modules: ['Storage'], binary_version: 5 } }));
    const broken = { ...getBoard('BANGLEJS2'), espruinoBoardJson: badJson };
    expect(() => packageApp({ ...input('BANGLEJS2', { version: '0.02' }), board: broken, appName: 'Changed name' }, { distRoot: root }))
      .to.throw(WatchwordError, /the espruino CLI failed to produce upload\.js/);
    expect(listing(dir)).to.deep.equal([...before.keys()]);
    for (const [f, b] of before) expect(read(dir, f).equals(b), f).to.equal(true);
    expect(fs.readdirSync(path.join(root, 'BANGLEJS2'))).to.deep.equal(['demo']);
    expect(() => packageApp(input('BANGLEJS2', { tags: ['has,comma'] }), { distRoot: root })).to.throw(WatchwordError, /tag "has,comma"/);
    const missing = { ...getBoard('BANGLEJS2'), espruinoBoardJson: path.join(tmp, 'none.json') };
    expect(() => packageApp({ ...input('BANGLEJS2'), board: missing }, { distRoot: root })).to.throw(WatchwordError, /board BANGLEJS2: cannot read its board description .*none\.json/);
  });

  it('too many JS variables fails with the estimate and the board figures', () => {
    expect(() => packageApp(input('PUCKJS', { ram: { typedArrayBytes: 30000, typedArrays: 4 } }), { distRoot: path.join(tmp, 'ram') }))
      .to.throw(WatchwordError, /estimated [\d,]+ JS variables \(code \d+, typed arrays [\d,]+, model 1\) exceed the 1,972 available to an app \(2,630 variables x 13 B, 25% kept in reserve\)/);
  });

  it('checks the RAM the longest statement of upload.js needs while installing', () => {
    // The espruino CLI sends a stored file as chunked Storage.write lines: a 12 KB app installs
    // on a small board; the budget is computed from the generated upload.js.
    const big = 'var s=' + jsString('x'.repeat(12000)) + ';print(s.length);';
    const r = packageApp(input('PUCKJS', { appJs: big }), { distRoot: path.join(tmp, 'upload') });
    const ram = r.budget.ram as { kind: string; uploadVariables: number; limitVariables: number };
    const longest = Math.max(...fs.readFileSync(path.join(r.dir, 'upload.js'), 'utf8').split('\n').map((l) => l.length));
    expect(longest).to.be.lessThan(2000);
    expect(ram.uploadVariables).to.be.greaterThan(0).and.lessThan(ram.limitVariables);
    // With almost no RAM left for the app, even one chunk does not fit: a clear error.
    expect(() => packageApp(input('PUCKJS', { appJs: big }), { distRoot: path.join(tmp, 'upload'), reserve: 0.9 }))
      .to.throw(WatchwordError, /(installing the app needs about [\d,]+ JS variables \(its longest statement|exceed the [\d,]+ available)/);
  });

  it('too much JerryScript heap fails; a larger heap parameter fits', () => {
    const ram = { typedArrayBytes: 60000, typedArrays: 4 };
    expect(() => packageApp(input('JERRYSCRIPT', { ram }), { distRoot: path.join(tmp, 'heap') }))
      .to.throw(WatchwordError, /estimated [\d,]+ bytes of heap .* exceed the 49,152 available to an app \(65,536-byte heap/);
    const r = packageApp({ ...input('JERRYSCRIPT', { ram }), board: getBoard('JERRYSCRIPT', { heapBytes: 128 * 1024 }) }, { distRoot: path.join(tmp, 'heap') });
    expect(r.budget.ram.kind).to.equal('heap');
  });

  it('rejects bad input with a clear error', () => {
    const d = { distRoot: path.join(tmp, 'bad') };
    expect(() => packageApp(input('BANGLEJS2', { appJs: 'let x = 1;' }), d)).to.throw(WatchwordError, /demo\.app\.js is not in the device ES5 subset:\ndemo\.app\.js:1:5: not ES5/);
    expect(() => packageApp(input('JERRYSCRIPT', { selftestJs: 'print(Math.round(-2.5));' }), d)).to.throw(WatchwordError, /selftest\.js:1:7: Math\.round is forbidden/);
    expect(() => packageApp(input('BANGLEJS2', { appJs: 'var s = "é";' }), d)).to.throw(WatchwordError, /non-ASCII or control character U\+00e9 at offset 9/);
    expect(() => packageApp(input('BANGLEJS2', { appId: 'My App' }), d)).to.throw(WatchwordError, /app id "My App" is invalid/);
    expect(() => packageApp(input('BANGLEJS2', { version: '1' }), d)).to.throw(WatchwordError, /version "1" is invalid/);
    expect(() => packageApp(input('BANGLEJS2', { version: '0.03' }), d)).to.throw(WatchwordError, /newest entry is 0\.02 but the app version is 0\.03/);
    expect(() => packageApp(input('BANGLEJS2', { modelBytes: new Uint8Array(0) }), d)).to.throw(WatchwordError, /model for app demo is empty/);
    expect(() => packageApp(input('PUCKJS', { appJs: 'var h = require("heatshrink"); var w = require("Wifi");' }), d))
      .to.throw(WatchwordError, /app code for demo requires "Wifi", which board PUCKJS does not have built in \(it has timer, Flash, Storage, heatshrink/);
    expect(fs.existsSync(path.join(tmp, 'bad', 'BANGLEJS2', 'demo'))).to.equal(false);
  });
});

describe('watchword flash', function () {
  this.timeout(60_000);
  const root = path.join(tmp, 'flash');
  before(() => { packageApp(input('BANGLEJS2'), { distRoot: root }); });

  it('--dry-run prints the command, the Storage writes and the exact code', () => {
    const plan = planFlash({ board: 'banglejs2', port: '/dev/ttyACM0', dist: root });
    const text = dryRunText(plan);
    expect(plan.args.slice(1, 5)).to.deep.equal(['-p', '/dev/ttyACM0', '--board', path.join(process.cwd(), 'boards', 'espruino', 'BANGLEJS2.json')]);
    expect(text).to.include(`  demo.ww: ${MODEL.length} bytes in `);
    expect(text).to.include(fs.readFileSync(path.join(root, 'BANGLEJS2', 'demo', 'upload.js'), 'latin1').trimEnd());
    const st = planFlash({ board: 'BANGLEJS2', port: '/dev/ttyACM0', dist: root, selftest: true });
    expect(st.uploadJs).to.equal(path.join(root, 'BANGLEJS2', 'demo', 'selftest.js'));
    expect(st.writes.map((w) => w.name)).to.deep.equal(['demo.ww', 'demo.test.js']);
    expect(dryRunText(st)).to.include('load("demo.test.js")');
  });

  it('runs from the CLI (dry run) and refuses boards and folders it cannot flash', () => {
    const r = spawnSync('node', ['bin/watchword.js', 'flash', '--board', 'BANGLEJS2', '--port', 'aa:bb:cc:dd:ee:ff', '--dist', root, '--dry-run'], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^watchword flash \(dry run\): would send .*upload\.js \(\d+ bytes\) to the BANGLEJS2/);
    expect(r.stdout).to.include('load("demo.app.js")');
    expect(() => planFlash({ board: 'JERRYSCRIPT', port: 'x', dist: root })).to.throw(WatchwordError, /not programmed through the espruino CLI/);
    expect(() => planFlash({ board: 'PUCKJS', port: 'x', dist: root })).to.throw(WatchwordError, /nothing built for PUCKJS/);
    expect(() => planFlash({ board: 'BANGLEJS2', port: ' ', dist: root })).to.throw(WatchwordError, /--port is empty/);
  });
});
