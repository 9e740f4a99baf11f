// The engine harness: the same ES5 script gives the same printed lines on Node vm, QuickJS and
// Duktape; the bundled .ww reader decodes labels to the same UTF-16 code units and refuses
// damaged files with the same message everywhere; uncaught errors and runaway scripts are
// reported, not hung on. Duktape is skipped with a visible note when `duk` is not installed.
import { expect } from 'chai';
import * as path from 'node:path';
import { ENGINE_NAMES, engineAvailable, runScript, type EngineName } from '../simulator/engines/index';
import { buildRuntime, RUNTIME_DIR } from '../compiler/emit/build-runtime';
import { writeWW, WW_VERSION } from '../compiler/emit/wwfile';
import { readWW } from '../runtime/model';
import { crc32 } from '../runtime/crc32';
import { es5Check } from '../compiler/emit/es5check';
import { assembleScript } from '../simulator/engines/index';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { loadModel } from '../compiler/import/index';
import { planModel } from '../compiler/plan/planModel';
import { int8Net } from '../compiler/reference/int8';

const TINY = `
var a = new Int8Array([-128, -7, 0, 7, 127]);
var acc = 0;
for (var i = 0; i < a.length; i++) acc = acc * 31 + a[i] * a[i];
print("acc", acc, Math.floor(-7 / 2), -7 >> 1, (-7 / 2) | 0, 2147483647 + 1, (2147483647 + 1) | 0);
var i16 = new Int16Array(2); i16[0] = 40000; i16[1] = -40000;
var i32 = new Int32Array(1); i32[0] = 4294967295;
print("wrap", i16[0], i16[1], i32[0], new Uint8Array(new Int8Array([-1]).buffer)[0]);
print("big", 9007199254740991, Math.pow(2, 52) * 3, 123456789 * 1000);
print("str", String.fromCharCode(233, 0x263a).length, "x".charCodeAt(0), [3, 1, 2].sort().join("-"));
`;
const TINY_EXPECTED = [
  'acc 15132445471 -4 -4 -3 2147483648 -2147483648',
  'wrap -25536 25536 -1 255',
  'big 9007199254740991 13510798882111488 123456789000',
  'str 2 120 1-2-3',
];

function forEachEngine(title: string, fn: (engine: EngineName) => Promise<void>): void {
  for (const engine of ENGINE_NAMES) {
    it(`${title} [${engine}]`, async function () {
      if (!engineAvailable(engine)) {
        console.log(`      NOTE: ${engine} is not installed here; skipping (CI installs it via .ci/run)`);
        this.skip();
      }
      await fn(engine);
    });
  }
}

describe('engine harness', function () {
  this.timeout(60_000);
  let reader: string;
  before(async () => {
    reader = (await buildRuntime({ entry: path.join(RUNTIME_DIR, 'model.ts'), globalName: 'wwmodel' })).code;
  });

  it('the harness prelude is itself ES5 (it runs on Duktape)', () => {
    expect(es5Check(assembleScript(TINY, { data: { D: new Uint8Array([1, 2, 3]) } }))).to.deep.equal([]);
  });

  forEachEngine('a tiny integer/typed-array script prints the same lines', async (engine) => {
    expect(await runScript(engine, TINY)).to.deep.equal(TINY_EXPECTED);
  });

  forEachEngine('binary data arrives intact as an ArrayBuffer', async (engine) => {
    const bytes = new Uint8Array(1000).map((_, i) => (i * 37 + 11) & 255);
    const lines = await runScript(engine, 'var u = new Uint8Array(DATA); var s = 0; for (var i = 0; i < u.length; i++) s = (s * 7 + u[i]) % 1000003; print(u.length, s, u[0], u[999]);', { data: { DATA: bytes } });
    let s = 0;
    for (const b of bytes) s = (s * 7 + b) % 1000003;
    expect(lines).to.deep.equal([`1000 ${s} ${bytes[0]} ${bytes[999]}`]);
  });

  const LABELS = ['idle', 'dö', '日本語', '😀🎉', 'quote " \\ \'', 'new\nline', ''];
  const model = writeWW([
    { tag: 1, data: new Int8Array([-128, -3, 5, 127]) },
    { tag: 2, data: new Int16Array([-32768, 1000, 32767]) },
    { tag: 3, data: new Int32Array([-2147483648, 65536, 2147483647]) },
  ], LABELS, 3);
  const SCRIPT = `
function sum(v) { var s = 0; for (var i = 0; i < v.length; i++) s += v[i]; return s; }
function units(s) { var u = []; for (var i = 0; i < s.length; i++) u.push(s.charCodeAt(i)); return u.join(","); }
function load(buf) { try { return wwmodel.readWW(buf); } catch (e) { print("ERR", e.message); return null; } }
var ww = load(MODEL);
if (ww) {
  print("v", ww.version, ww.flags, ww.labels.length, ww.tags.join(","));
  for (var i = 0; i < ww.labels.length; i++) print("label", i, units(ww.labels[i]));
  print("sums", sum(ww.section(1)), sum(ww.section(2)), sum(ww.section(3)), ww.section(2).byteOffset % 4);
}
`;

  forEachEngine('the bundled reader loads a .ww: labels as UTF-16 code units, section views', async (engine) => {
    const lines = await runScript(engine, SCRIPT, { data: { MODEL: model }, prelude: [reader] });
    const expected = [
      'v 1 3 7 0,1,2,3',
      ...LABELS.map((l, i) => `label ${i} ${Array.from({ length: l.length }, (_, k) => l.charCodeAt(k)).join(',')}`),
      'sums 1 999 65535 0',
    ];
    expect(lines).to.deep.equal(expected);
  });

  // Damaged files, built here; the expected message is what Node's readWW says.
  const damaged: Record<string, Uint8Array> = {};
  {
    const flipped = model.slice(); flipped[model.length - 5] ^= 0x10; damaged.flipped = flipped;
    damaged.truncated = model.slice(0, model.length - 4);
    damaged.header = model.slice(0, 10);
    const magic = model.slice(); magic[0] = 0x7b; damaged.magic = magic;
    const newer = model.slice();
    new DataView(newer.buffer).setUint16(8, WW_VERSION + 1, true);
    new DataView(newer.buffer).setUint32(4, crc32(newer.subarray(8)), true);
    damaged.newer = newer;
  }
  const nodeMessage = (f: Uint8Array) => { try { readWW(f.buffer as ArrayBuffer); return 'loaded'; } catch (e) { return (e as Error).message; } };

  forEachEngine('the bundled reader refuses damaged files with the same clear Error', async (engine) => {
    const names = Object.keys(damaged);
    const script = names.map((n) => `load(${n.toUpperCase()});`).join('\n');
    const data: Record<string, Uint8Array> = {};
    for (const n of names) data[n.toUpperCase()] = damaged[n];
    const lines = await runScript(engine, SCRIPT.replace('var ww = load(MODEL);', 'var ww = null;') + script, { data, prelude: [reader] });
    const expected = names.map((n) => `ERR ${nodeMessage(damaged[n])}`);
    expect(lines).to.deep.equal(expected);
    expect(lines.join('\n')).to.match(/is corrupted: its CRC32/).and.match(/is truncated/).and.match(/bad magic/)
      .and.match(new RegExp(`version ${WW_VERSION + 1} is newer than this runtime \\(${WW_VERSION}\\)`));
  });

  forEachEngine('an uncaught exception is reported with the engine name and the lines so far', async (engine) => {
    let err: (Error & { lines?: string[] }) | undefined;
    try { await runScript(engine, 'print("before"); var o = null; o.x = 1;'); } catch (e) { err = e as Error; }
    expect(err, 'expected a throw').to.be.instanceOf(Error);
    expect(err!.message).to.match(new RegExp(`^${engine}: .*TypeError`));
    expect(err!.lines).to.deep.equal(['before']);
  });

  forEachEngine('a runaway script is stopped by the timeout', async (engine) => {
    let err: Error | undefined;
    const t0 = Date.now();
    try { await runScript(engine, 'for (;;) {}', { timeoutMs: 300 }); } catch (e) { err = e as Error; }
    expect(err?.message).to.match(new RegExp(`^${engine}: .*time`, 'i'));
    expect(Date.now() - t0).to.be.below(10_000);
  });

  describe('watchword predict --mode int8 --engine', () => {
    const model = 'examples/gestures/model';
    let dir: string;
    let input: string;
    let seqs: number[][][];
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-predict-'));
      input = path.join(dir, 'in.json');
      let x = 7;
      const next = () => { x = (x * 1103515245 + 12345) % 2147483648; return ((x >> 8) % 256) - 128; };
      seqs = Array.from({ length: 12 }, (_, s) => Array.from({ length: 4 + s * 3 }, () => [next(), next(), next()]));
      fs.writeFileSync(input, JSON.stringify({ sequences: seqs }));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('prints the integer reference\'s outputs, index, label and score from the engine', async function () {
      const engine = engineAvailable('duktape') ? 'duktape' : 'quickjs';
      const r = spawnSync('node', ['bin/watchword.js', 'predict', model, '--input', input, '--mode', 'int8', '--engine', engine],
        { encoding: 'utf8', env: { ...process.env, WATCHWORD_QUIET: '1' } });
      expect(r.status, r.stderr).to.equal(0);
      const got = JSON.parse(r.stdout) as { engine: string; predictions: { output: number[]; index: number; label: string; score: number }[] };
      expect(got.engine).to.equal(engine);
      // The same plan in-process: predict calibrates on the input sequences when --data is absent.
      const ir = await loadModel(model);
      const net = int8Net(planModel(ir, seqs, { quiet: true }));
      const want = seqs.map((s) => {
        const st = net.state();
        let out: ArrayLike<number> = [];
        for (const f of s) out = net.step(st, f);
        const c = net.classify(s);
        return { output: Array.from(out), index: c.index, label: c.label, score: c.score };
      });
      expect(got.predictions).to.deep.equal(want);
    });

    it('rejects an unknown engine (exit 2, one line naming it)', () => {
      const r = spawnSync('node', ['bin/watchword.js', 'predict', model, '--input', input, '--mode', 'int8', '--engine', 'spidermonkey'], { encoding: 'utf8' });
      expect(r.status).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/--engine spidermonkey: not one of node, quickjs, duktape/);
    });
  });
});
