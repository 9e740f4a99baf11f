/**
 * The desktop simulator's device layer, tested with small hand-written ES5 apps and real
 * bytes: Storage semantics, Espruino's negative-index and read-only-flash behaviour, the 6x8
 * font and images in the framebuffer, PNG snapshots re-read with pngjs, traces with bad rows,
 * the same app on Node / QuickJS / Duktape, and the real gestures glue + runtime bundle facing
 * a damaged model file. The end-to-end test against the integer reference runs once a
 * BANGLEJS2 build of the gestures example exists in dist/.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { bytesToString, stringToBytes } from '../simulator/shims/strings';
import { createStorage } from '../simulator/shims/storage';
import { Framebuffer } from '../simulator/framebuffer';
import { createGraphics } from '../simulator/shims/graphics';
import { glyph6x8 } from '../simulator/fonts/font6x8';
import { Device } from '../simulator/device';
import { readPng } from '../simulator/png';
import { parseCsvTrace, parseJsonTrace, readTrace } from '../simulator/trace';
import { simulateOnEngine, selftestOnEngine, eForBoard } from '../simulator/engine-run';
import { engineAvailable } from '../simulator/engines/index';
import { getBoard } from '../boards/index';
import { drawIcon, espruinoImage } from '../compiler/package/icon';
import { writeWW } from '../compiler/emit/wwfile';
import { buildRuntime, RUNTIME_DIR } from '../compiler/emit/build-runtime';
import { assembleGesturesApp, defaultGesturesSettings } from '../examples/gestures/app/assemble';
import { WatchwordError } from '../compiler/errors';
import { runJerryMain } from '../simulator/jerryscript-host';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type GraphicsCalls = Record<string, (...a: unknown[]) => any>;
const B2 = { width: 176, height: 176, bpp: 3 as const };
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `ww-sim-${name}-`));

function device(files: Record<string, Uint8Array | string> = {}, screen: typeof B2 | null = B2, extra: Partial<ConstructorParameters<typeof Device>[0]> = {}): Device {
  const m = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(files)) m.set(k, typeof v === 'string' ? stringToBytes(v) : v);
  return new Device({ board: 'BANGLEJS2', screen, files: m, ...extra });
}

describe('simulator: Espruino strings and Storage', () => {
  it('keeps 8-bit strings byte for byte and stores wide characters as UTF-8', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(stringToBytes(bytesToString(all)))).to.deep.equal(Array.from(all));
    expect(Array.from(stringToBytes('é'))).to.deep.equal([0xe9]);
    expect(Array.from(stringToBytes('€'))).to.deep.equal([0xe2, 0x82, 0xac]);
  });

  it('follows jswrap_storage semantics: sized files filled in later, offsets, JSON, list, erase', () => {
    const { module: S } = createStorage({});
    expect(S.write('a', 'Hello', 0, 14)).to.equal(true);
    S.write('a', ' ', 5);
    S.write('a', 'World!!!', 6);
    expect(S.read('a')).to.equal('Hello World!!!');
    expect(S.read('a', 6, 5)).to.equal('World');
    expect(S.read('a', 100)).to.equal('');
    expect(() => S.write('a', 'xx', 13)).to.throw('Too much data for file size');
    expect(() => S.write('nofile', 'x', 3)).to.throw('Unable to find or create file');
    expect(() => S.write('z', '')).to.throw("Can't create zero length file");
    expect(() => S.read('a'.repeat(29))).to.throw(/longer than 28/);
    S.write('bits', '\xff', 0, 2);
    S.write('bits', '\x0f', 0); // same size, not erased -> a new file
    expect(S.read('bits')).to.equal('\x0f');
    S.write('and', '\xff\xff', 0, 2);
    S.write('and', '\xf0', 1); // flash can only clear bits
    S.write('and', '\x3c', 1);
    expect((S.read('and') as string).charCodeAt(1)).to.equal(0x30);
    S.write('cfg.json', { a: 1, b: 'x' }, 5, 99);
    expect(S.readJSON('cfg.json')).to.deep.equal({ a: 1, b: 'x' });
    S.write('bytes', [1, 2, 257]);
    expect(S.read('bytes')).to.equal('\x01\x02\x01');
    S.write('m.ww', new Int8Array([-1, 2]));
    expect(Array.from(new Uint8Array(S.readArrayBuffer('m.ww') as ArrayBuffer))).to.deep.equal([255, 2]);
    expect(S.list(/\.ww$/)).to.deep.equal(['m.ww']);
    expect(S.read('none')).to.equal(undefined);
    expect(S.readArrayBuffer('none')).to.equal(undefined);
    S.erase('m.ww');
    expect(S.list(/\.ww$/)).to.deep.equal([]);
  });
});

describe('simulator: sandbox behaves like Espruino', () => {
  it('throws on a negative typed-array index (Node would return undefined)', () => {
    const d = device();
    d.run('var a = new Int8Array(4); var s = a.subarray(1); var ok = a[0] + s[2]; var v = a[-1];', 'neg.js');
    expect(d.errors).to.have.length(1);
    expect(d.errors[0].message).to.match(/Int8Array\[-1\]: negative index/);
    d.run('new Uint8Array(2).subarray(1)[-1] = 3;', 'neg2.js');
    expect(d.errors).to.have.length(2);
    const lax = device({}, B2, { checkTypedArrays: false });
    lax.run('var v = new Int8Array(4)[-1]; print(v);', 'lax.js');
    expect(lax.errors).to.have.length(0);
    expect(lax.prints).to.deep.equal(['undefined']);
  });

  it('maps Storage.readArrayBuffer read-only, and reports app errors without stopping', () => {
    const d = device({ 'm.bin': new Uint8Array([1, 2, 3, 4]) });
    d.run('var v = new Int16Array(require("Storage").readArrayBuffer("m.bin")); print(v[0], v[1], v.length, v instanceof Int16Array);', 'ro.js');
    expect(d.prints).to.deep.equal(['513 1027 2 true']);
    d.run('v[0] = 7;', 'ro2.js');
    expect(d.errors[0].message).to.match(/read-only/);
    d.run('print(E.toArrayBuffer("\\x01\\xff").byteLength, atob(btoa("\\xff\\x00")).charCodeAt(0));', 'e.js');
    expect(d.prints.slice(-1)).to.deep.equal(['2 255']);
  });

  it('runs timers on virtual time', () => {
    const d = device();
    d.run('var n = 0; setTimeout(function (x) { print("t", getTime(), x); }, 1500, "arg"); var id = setInterval(function () { n++; if (n === 3) clearInterval(id); }, 400);', 't.js');
    d.advanceTo(1);
    expect(d.prints).to.deep.equal([]);
    d.advanceTo(2);
    expect(d.prints).to.deep.equal(['t 1.5 arg']);
    d.run('print(n)', 'n.js');
    expect(d.prints[1]).to.equal('3');
  });

  it('plays traces only on boards with Bangle.js events', async () => {
    const trace = parseJsonTrace('{"kind":"accel","samples":[{"t":0,"x":0,"y":0,"z":1}]}', 'a.json');
    let err: unknown;
    try { await simulateOnEngine('node', { board: getBoard('PUCKJS'), app: writeFakeApp(), trace }); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(WatchwordError);
    expect((err as Error).message).to.match(/board PUCKJS has no Bangle\.js 'accel' events/);
  });

  it('gives the app only the E natives its board profile lists', () => {
    expect(Object.keys(eForBoard(getBoard('BANGLEJS2'))).sort()).to.deep.equal(['CRC32', 'convolve', 'mapInPlace']);
    for (const id of ['PUCKJS', 'PIXLJS', 'MICROBIT2', 'ESP32', 'BANGLEJS']) {
      const b = getBoard(id);
      expect('convolve' in eForBoard(b), id).to.equal(b.features.has('eConvolve'));
    }
  });
});

describe('simulator: screen', () => {
  it('draws Espruino\'s 6x8 font pixel for pixel, scaled and aligned', () => {
    const fb = new Framebuffer(B2);
    const { g } = createGraphics(fb) as unknown as { g: GraphicsCalls };
    g.clear();
    expect(fb.get(0, 0)).to.equal(7); // Bangle.js 2 light theme: white background
    g.drawString('A', 10, 20);
    const A = glyph6x8(65)!;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 6; x++) {
      expect(fb.get(10 + x, 20 + y), `A ${x},${y}`).to.equal((A[y] >> (5 - x)) & 1 ? 0 : 7);
    }
    g.clear().setFont('6x8', 3).setFontAlign(0, 0).drawString('W', 88, 88);
    const W = glyph6x8(87)!;
    // centred: 18x24 box starting at (79, 76)
    for (let y = 0; y < 24; y++) for (let x = 0; x < 18; x++) {
      expect(fb.get(79 + x, 76 + y)).to.equal((W[y / 3 | 0] >> (5 - (x / 3 | 0))) & 1 ? 0 : 7);
    }
    expect(() => g.setFont('Vector', 20)).to.throw(/not built into the watchword simulator/);
  });

  it('draws the packager\'s app icon (Espruino image, 1 bpp, transparent 0) and Bangle.js 1 colours', () => {
    const bm = drawIcon(48);
    const img = espruinoImage(bm);
    const fb = new Framebuffer({ width: 240, height: 240, bpp: 16 });
    const { g } = createGraphics(fb) as unknown as { g: GraphicsCalls };
    g.clear().setColor(1, 0, 0).drawImage(bytesToString(img), 5, 7);
    for (let y = 0; y < 48; y++) for (let x = 0; x < 48; x++) {
      expect(fb.get(5 + x, 7 + y)).to.equal(bm.bits[y * 48 + x] ? 0xf800 : 0);
    }
    expect(fb.rgb(0xf800)).to.deep.equal([255, 0, 0]);
    g.setColor('#00ff00').fillRect({ x: 0, y: 0, w: 2, h: 2 });
    expect(fb.get(1, 1)).to.equal(0x07e0);
    expect(fb.get(2, 2)).to.equal(0);
  });
});

/** A small real ES5 app: reads its labels and a byte file from Storage, answers gestures by drawing, buzzing and announcing. */
const FAKE_APP = `
var s = require("Storage");
var labels = s.read("fake.labels").split("\\n");
var w = new Int8Array(s.readArrayBuffer("fake.bin"));
Bangle.on("gesture", function (xyz) {
  var sum = 0;
  for (var i = 0; i < xyz.length; i++) sum += xyz[i];
  var k = ((sum % labels.length) + labels.length) % labels.length;
  g.clear();
  g.setFont("6x8", 2);
  g.setFontAlign(0, 0);
  g.drawString(labels[k], g.getWidth() / 2, g.getHeight() / 2);
  g.drawImage(s.read("fake.img"), 4, 4);
  Bangle.buzz(150);
  Bangle.emit("watchword", { index: k, label: labels[k], score: w[k] / 100 });
});
print("fake app ready", labels.length);
`;

function writeFakeApp(): string {
  const dir = tmp('fake');
  fs.writeFileSync(path.join(dir, 'fake.app.js'), FAKE_APP);
  fs.writeFileSync(path.join(dir, 'fake.labels'), 'left\nright\n"odd\u00e9"');
  fs.writeFileSync(path.join(dir, 'fake.bin'), Buffer.from([50, 75, 99]));
  fs.writeFileSync(path.join(dir, 'fake.img'), espruinoImage(drawIcon(24)));
  return dir;
}

describe('simulator: a real app on every engine', () => {
  const trace = parseJsonTrace(JSON.stringify({
    kind: 'gesture',
    events: [{ t: 1, label: 'left', xyz: [3, 0, 0] }, { t: 2.5, label: 'right', xyz: [[1, 0, 0]] }, { t: 4, xyz: [2, 0, 0, 0, 0, 0] }],
  }), 'inline');

  it('recognizes, buzzes and writes PNG snapshots that match the framebuffer (Node)', async () => {
    const dir = writeFakeApp();
    const shots = tmp('shots');
    const r = await simulateOnEngine('node', { board: getBoard('BANGLEJS2'), app: dir, trace, screenshots: shots });
    expect(r.errors).to.deep.equal([]);
    expect(r.prints).to.deep.equal(['fake app ready 3']);
    expect(r.recognitions.map((x) => [x.t, x.label, x.score, x.expected])).to.deep.equal([
      [1, 'left', 0.5, 'left'], [2.5, 'right', 0.75, 'right'],
      // Storage.read gives one character per byte: the UTF-8 of "é" arrives as two 8-bit characters, as on the watch
      [4, '"odd\u00c3\u00a9"', 0.99, undefined],
    ]);
    expect(r.buzzes.map((b) => b.ms)).to.deep.equal([150, 150, 150]);
    expect(r.screenshots.map((f) => path.basename(f))).to.deep.equal(['001-1.00s-left.png', '002-2.50s-right.png', '003-4.00s-_odd_.png']);
    const png = readPng(r.screenshots[2]);
    expect([png.width, png.height]).to.deep.equal([176, 176]);
    const fb = r.device!.fb!;
    let dark = 0;
    for (let i = 0; i < fb.pixels.length; i++) {
      const [R, G, B] = fb.rgb(fb.pixels[i]);
      expect([png.data[i * 4], png.data[i * 4 + 1], png.data[i * 4 + 2]]).to.deep.equal([R, G, B]);
      if (fb.pixels[i] === 0) dark++;
    }
    expect(dark).to.be.greaterThan(100); // the label and the icon were drawn
  });

  for (const engine of ['quickjs', 'duktape'] as const) {
    it(`gives the same recognitions, prints and screenshots on ${engine}`, async function () {
      if (!engineAvailable(engine)) { console.log(`      (skipped: ${engine} not installed)`); this.skip(); }
      const dir = writeFakeApp();
      const a = tmp('a');
      const b = tmp('b');
      const ref = await simulateOnEngine('node', { board: getBoard('BANGLEJS2'), app: dir, trace, screenshots: a });
      const r = await simulateOnEngine(engine, { board: getBoard('BANGLEJS2'), app: dir, trace, screenshots: b });
      expect(r.errors).to.deep.equal([]);
      expect(r.prints).to.deep.equal(ref.prints);
      expect(r.recognitions).to.deep.equal(ref.recognitions);
      expect(r.buzzes).to.deep.equal(ref.buzzes);
      expect(r.screenshots.map((f) => fs.readFileSync(f).toString('hex'))).to.deep.equal(ref.screenshots.map((f) => fs.readFileSync(f).toString('hex')));
    });
  }
});

describe('simulator: traces', () => {
  it('reads JSON events, sequence files and accelerometer CSV', () => {
    const seq = parseJsonTrace(JSON.stringify({ sequences: [[[1, 2, 3], [4, 5, 6]], [[0, 0, 64]]], targets: ['a', 'b'] }), 's.json');
    expect(seq.items.map((i) => [i.t, i.kind === 'gesture' ? Array.from(i.xyz) : null, (i as { label?: string }).label])).to.deep.equal([
      [2, [1, 2, 3, 4, 5, 6], 'a'], [4, [0, 0, 64], 'b'],
    ]);
    const acc = parseCsvTrace('t,x,y,z\n0,0.1,-1,0\n0.08,0.2,-0.9,0.1\n', 'a.csv');
    expect(acc.kind).to.equal('accel');
    expect(acc.items[1]).to.deep.equal({ kind: 'accel', t: 0.08, x: 0.2, y: -0.9, z: 0.1 });
    const ges = parseCsvTrace('event,t,x,y,z,label\n1,0.5,1,2,3,up\n1,0.5,4,5,6,up\n2,3,0,0,0,\n', 'g.csv');
    expect(ges.items.map((i) => [i.t, Array.from((i as { xyz: Int8Array }).xyz), (i as { label?: string }).label])).to.deep.equal([
      [0.5, [1, 2, 3, 4, 5, 6], 'up'], [3, [0, 0, 0], undefined],
    ]);
    expect(readTrace('examples/gestures/demo-trace.json').items).to.have.length(9);
    const rec = path.join(tmp('rec'), 'wwgestures.csv');
    fs.writeFileSync(rec, '# from the recorder app\nswipe_left,2,1,2,3,4,5,6\ntwist,1,0,0,64\n');
    expect(readTrace(rec).items.map((i) => [i.t, Array.from((i as { xyz: Int8Array }).xyz), (i as { label?: string }).label])).to.deep.equal([
      [2, [1, 2, 3, 4, 5, 6], 'swipe_left'], [4, [0, 0, 64], 'twist'],
    ]);
    fs.writeFileSync(rec, 'swipe_left,2,1,2,3,4,5,6\ntwist,1,0,0,640\n');
    expect(() => readTrace(rec)).to.throw(WatchwordError, /wwgestures\.csv:2: sample 0 z = "640" is not an int8/);
  });

  it('rejects a bad row with a WatchwordError naming the row', () => {
    const bad = (f: () => unknown, re: RegExp) => {
      expect(f).to.throw(WatchwordError, re);
    };
    bad(() => parseJsonTrace('{"kind":"gesture","events":[{"t":1,"xyz":[1,2,3]},{"t":2,"xyz":[1,2,3,4,200,6]}]}', 'g.json'), /g\.json: events\[1\]\.xyz\[4\]: value = 200 is not an int8/);
    bad(() => parseJsonTrace('{"kind":"gesture","events":[{"t":2,"xyz":[1,2,3]},{"t":1,"xyz":[1,2,3]}]}', 'g.json'), /events\[1\]: t = 1 goes back in time/);
    bad(() => parseJsonTrace('{"kind":"gesture","events":[{"t":2,"xyz":[1,2]}]}', 'g.json'), /events\[0\]: "xyz" has 2 values/);
    bad(() => parseJsonTrace('{"kind":"accel","samples":[{"t":0,"x":0,"y":"a","z":1}]}', 'a.json'), /samples\[0\]: y is not a finite number \("a"\)/);
    bad(() => parseJsonTrace('{"sequences":[[[1,2,3]],[[1,2]]]}', 's.json'), /sequences\[1\]\[0\]: is not an \[x,y,z\] frame/);
    bad(() => parseJsonTrace('[1,2', 'x.json'), /x\.json: not valid JSON/);
    bad(() => parseCsvTrace('t,x,y,z\n0,0,0,1\n0.1,0,zz,1\n', 'a.csv'), /a\.csv: line 3: y is not a finite number \("zz"\)/);
    bad(() => parseCsvTrace('# recorded\nt,x,y,z\n\n0,0,0,1\n0.1,0,1\n', 'a.csv'), /a\.csv: line 5: has 3 fields, the header has 4/);
    bad(() => parseCsvTrace('event,t,x,y,z\n1,0,1,2,3\n2,1,1,2,3\n1,2,1,2,3\n', 'g.csv'), /line 4: event "1" continues after another event/);
    bad(() => parseCsvTrace('time,x,y,z\n0,0,0,1\n', 'h.csv'), /h\.csv: line 1: header .* lacks column "t"/);
  });
});

describe('simulator: the gestures glue facing a damaged model file', function () {
  this.timeout(60000);
  let appJs = '';
  before(async () => {
    const runtime = await buildRuntime({ entry: path.join(RUNTIME_DIR, 'index.ts') });
    appJs = assembleGesturesApp({ runtimeJs: runtime.code, settings: { ...defaultGesturesSettings('gest', { scale: 1 / 64 }), name: 'Gest "</script>' } });
  });

  function appDir(model: Uint8Array | null): string {
    const dir = tmp('glue');
    fs.writeFileSync(path.join(dir, 'gest.app.js'), appJs);
    if (model) fs.writeFileSync(path.join(dir, 'gest.ww'), model);
    return dir;
  }
  const trace = parseJsonTrace(JSON.stringify({ kind: 'gesture', events: [{ t: 1, xyz: [1, 2, 3, 4, 5, 6] }, { t: 3, xyz: [0, 0, 64] }] }), 'inline');

  const cases: [string, () => Uint8Array | null, RegExp][] = [
    ['a flipped byte (CRC)', () => { const w = writeWW([{ tag: 1, data: new Int8Array([1, 2, 3, 4]) }], ['a', 'b']); w[w.length - 3] ^= 0x40; return w; }, /gest\.ww is damaged/],
    ['a truncated file', () => writeWW([{ tag: 1, data: new Int8Array(64) }], ['a']).subarray(0, 40), /gest\.ww is damaged/],
    ['random bytes', () => Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 255), /gest\.ww is damaged/],
    ['a valid container without a network', () => writeWW([{ tag: 1, data: new Int8Array(8) }], ['x']), /gest\.ww is damaged/],
    ['a missing file', () => null, /gest\.ww not found/],
  ];
  for (const [what, make, re] of cases) {
    it(`shows a clear error for ${what} and keeps running`, async () => {
      const r = await simulateOnEngine('node', { board: getBoard('BANGLEJS2'), app: appDir(make()), trace });
      expect(r.errors, JSON.stringify(r.errors)).to.deep.equal([]);
      expect(r.recognitions).to.deep.equal([]);
      expect(r.prints.join('\n')).to.match(re);
      const fb = r.device!.fb!;
      let dark = 0;
      for (const p of fb.pixels) if (p !== 7) dark++;
      expect(dark, 'the message is on screen').to.be.greaterThan(200);
      // still alive: the device keeps taking code and events after the failure
      r.device!.run('print("alive", typeof Bangle.on)', 'probe.js');
      r.device!.gesture([1, 2, 3]);
      expect(r.device!.prints.slice(-1)).to.deep.equal(['alive function']);
      expect(r.device!.errors).to.deep.equal([]);
    });
  }

  it('embeds settings text safely (quotes, </script>) in the generated app', () => {
    expect(appJs).to.not.contain('</script>');
    const d = device({ 'gest.app.js': appJs });
    d.load('gest.app.js');
    expect(d.prints[0]).to.equal('watchword: Model file gest.ww not found. Reinstall the app.');
    const title = d.errors.length === 0;
    expect(title).to.equal(true);
  });
});

describe('watchword simulate (CLI)', () => {
  it('explains how to build when there is no app, and names a bad row in the trace', function () {
    const r = spawnSync('node', ['bin/watchword.js', 'simulate', '--app', path.join(os.tmpdir(), 'ww-no-such-app')], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/build first: npm run build:board/);
    const dir = writeFakeApp();
    const badTrace = path.join(tmp('trace'), 'bad.csv');
    fs.writeFileSync(badTrace, 'event,t,x,y,z\n1,0,1,2,3\n1,0,1,2,999\n');
    const r2 = spawnSync('node', ['bin/watchword.js', 'simulate', '--app', dir, '--input', badTrace], { encoding: 'utf8' });
    expect(r2.status).to.equal(2);
    expect(r2.stderr.trim().split('\n')).to.have.length(1);
    expect(r2.stderr).to.match(/bad\.csv: line 3: z = 999 is not an int8/);
    const r3 = spawnSync('node', ['bin/watchword.js', 'simulate', '--app', dir, '--input', 'examples/gestures/demo-trace.json', '--json'], { encoding: 'utf8' });
    expect(r3.status, r3.stderr).to.equal(0);
    const out = JSON.parse(r3.stdout);
    expect(out.recognitions).to.have.length(9);
  });
});

/**
 * End to end: the gestures example's committed model, quantized and planned for BANGLEJS2 as
 * the build does, serialized to a real .ww, wrapped with the runtime bundle and the glue into
 * `<id>.app.js`; the whole test split played as gesture events must give exactly the integer
 * reference's label and score for every event, on every engine (the Node device runs the
 * Espruino kernels through the E shim with Espruino-strict typed arrays).
 */
describe('simulator: the gestures test set through the built app = the integer reference', function () {
  this.timeout(300000);
  const MODEL = 'examples/gestures/model/model.json';
  let ready = false;
  let trace: ReturnType<typeof parseJsonTrace>;
  let refs: { label: string; score: number; index: number }[] = [];
  let dir = '';
  let runtimeJs = '';
  let ww: Uint8Array;
  let test: { frames: number[][]; label: number }[] = [];
  let irInput: { scale: number; sampleRateHz?: number; maxSteps?: number };

  before(async function () {
    if (!fs.existsSync(MODEL)) { console.log(`      (skipped: ${MODEL} not committed yet)`); this.skip(); }
    const { loadModel } = await import('../compiler/import/index');
    const { calibrate } = await import('../compiler/compress/calibrate');
    const { quantize } = await import('../compiler/compress/quantize');
    const { plan } = await import('../compiler/plan/plan');
    const { wwBytes, int8Net, runInt8 } = await import('../compiler/reference/int8');
    const { generateGestureDataset, GESTURE_DEFAULTS } = await import('../examples/gestures/generate');
    const ir = await loadModel(MODEL);
    irInput = ir.input;
    const ds = generateGestureDataset({ seed: GESTURE_DEFAULTS.seed, train: 10, validation: 1, test: GESTURE_DEFAULTS.test });
    const board = getBoard('BANGLEJS2');
    const p = plan(quantize(ir, calibrate(ir, ds.splits.train.map((e) => e.frames), { quiet: true })), { features: board.features });
    ww = wwBytes(p);
    const net = int8Net(p);
    test = ds.splits.test;
    refs = test.map((e) => runInt8(net, e.frames));
    runtimeJs = (await buildRuntime({ entry: path.join(RUNTIME_DIR, 'index.ts') })).code;
    dir = tmp('e2e');
    fs.writeFileSync(path.join(dir, 'gestures.app.js'), assembleGesturesApp({ runtimeJs, settings: { ...defaultGesturesSettings('gestures', ir.input), threshold: 0, ignore: [] } }));
    fs.writeFileSync(path.join(dir, 'gestures.ww'), ww);
    fs.writeFileSync(path.join(dir, 'gestures.img'), espruinoImage(drawIcon(48)));
    trace = parseJsonTrace(JSON.stringify({ sequences: test.map((e) => e.frames), targets: test.map((e) => ds.labels[e.label]) }), 'test split');
    ready = true;
  });

  // The whole split (150 per class) on Node with Espruino-strict typed arrays; the first 50 per class on the
  // other engines (the split is generated class by class in rounds, so they are its first third), to keep CI time.
  for (const [engine, share] of [['node', 1], ['quickjs', 1 / 3], ['duktape', 1 / 3]] as const) {
    it(`${share === 1 ? 'every one' : 'the first third'} of the test split's events on ${engine}`, async function () {
      if (!ready) this.skip();
      if (!engineAvailable(engine)) { console.log(`      (skipped: ${engine} not installed)`); this.skip(); }
      const n = Math.round(refs.length * share);
      const part = { ...trace, items: trace.items.slice(0, n) };
      const r = await simulateOnEngine(engine, { board: getBoard('BANGLEJS2'), app: dir, trace: part });
      expect(r.errors).to.deep.equal([]);
      expect(r.recognitions).to.have.length(n);
      const got = r.recognitions.map((x) => `${x.label} ${x.score}`);
      const want = refs.slice(0, n).map((x) => `${x.label} ${x.score}`);
      expect(got).to.deep.equal(want);
      expect(r.recognitions.map((x) => x.t)).to.deep.equal(part.items.map((i) => i.t));
    });
  }

  it('streams accelerometer samples (accel mode) to the same decisions', async function () {
    if (!ready) this.skip();
    // Events of the most common length L, replayed as 12.5 Hz accel samples in g; deciding at exactly L samples
    // (minSteps = maxSteps = L) must give the reference's result for each, and reset the state between them.
    const lengths = new Map<number, number>();
    for (const e of test) lengths.set(e.frames.length, (lengths.get(e.frames.length) ?? 0) + 1);
    const L = [...lengths.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const picked = test.map((e, i) => ({ e, i })).filter((x) => x.e.frames.length === L).slice(0, 40);
    const adir = tmp('accel');
    const settings = { ...defaultGesturesSettings('gestures', irInput), mode: 'accel' as const, threshold: 0, ignore: [], minSteps: L, maxSteps: L };
    fs.writeFileSync(path.join(adir, 'gestures.app.js'), assembleGesturesApp({ runtimeJs, settings }));
    fs.writeFileSync(path.join(adir, 'gestures.ww'), ww);
    const samples: { t: number; x: number; y: number; z: number }[] = [];
    picked.forEach((p, k) => p.e.frames.forEach((f, j) => samples.push({ t: k * 10 + j * 0.08, x: f[0] / 64, y: f[1] / 64, z: f[2] / 64 })));
    const atrace = parseJsonTrace(JSON.stringify({ kind: 'accel', samples }), 'accel');
    const r = await simulateOnEngine('node', { board: getBoard('BANGLEJS2'), app: adir, trace: atrace });
    expect(r.errors).to.deep.equal([]);
    expect(r.device!.bangle.log.pollInterval).to.deep.equal([80]);
    const want = picked.map((p) => `${refs[p.i].label} ${refs[p.i].score}`);
    expect(r.recognitions.map((x) => `${x.label} ${x.score}`)).to.deep.equal(want);
    for (const engine of ['quickjs', 'duktape'] as const) {
      if (!engineAvailable(engine)) continue;
      const e = await simulateOnEngine(engine, { board: getBoard('BANGLEJS2'), app: adir, trace: atrace });
      expect(e.errors, engine).to.deep.equal([]);
      expect(e.recognitions, engine).to.deep.equal(r.recognitions);
    }
  });

  it('a packaged App Loader folder (packageApp) installed from metadata.json or by running upload.js gives the same commands', async function () {
    if (!ready) this.skip();
    const { packageApp } = await import('../compiler/package/index');
    const { defaultAppDir } = await import('../simulator/app-files');
    const board = getBoard('BANGLEJS2');
    const distRoot = tmp('dist');
    packageApp({
      board, appId: 'gestures', appName: 'Gestures', description: 'Wrist gestures', version: '0.01',
      appJs: assembleGesturesApp({ runtimeJs, settings: defaultGesturesSettings('gestures', irInput) }), modelBytes: ww,
      // A self-test as a build would write it: the runtime, vectors with the integer reference's answers, one summary line.
      selftestJs: `${runtimeJs}
(function () {
  var net = watchword.load(require("Storage").readArrayBuffer("gestures.ww"));
  var V = ${JSON.stringify(test.slice(0, 6).map((e, i) => [e.frames, refs[i].index, refs[i].score * 32768]))};
  var ok = 0;
  for (var i = 0; i < V.length; i++) { var r = net.classify(V[i][0]); if (r.index === V[i][1] && r.score * 32768 === V[i][2]) ok++; }
  print("watchword selftest gestures BANGLEJS2: " + ok + "/" + V.length + " exact");
})();`,
      labels: [], ram: { typedArrayBytes: 2048, typedArrays: 32 }, report: { model: 'examples/gestures/model/model.json' },
    }, { distRoot });
    const appDir = defaultAppDir(distRoot, 'BANGLEJS2');
    const demo = readTrace('examples/gestures/demo-trace.json');
    const shots = tmp('demo-shots');
    const a = await simulateOnEngine('node', { board, app: appDir, trace: demo, screenshots: shots });
    const b = await simulateOnEngine('node', { board, app: appDir, trace: demo, install: 'upload' });
    expect(a.errors).to.deep.equal([]);
    expect(b.errors).to.deep.equal([]);
    expect(a.prints).to.deep.equal(['watchword: Gestures ready']);
    expect(b.recognitions).to.deep.equal(a.recognitions);
    // upload.js rebuilt the files byte for byte, the icon as the App Loader would evaluate it
    expect(Buffer.from(b.device!.storage.files.get('gestures.ww')!).equals(Buffer.from(ww))).to.equal(true);
    expect(Buffer.from(b.device!.storage.files.get('gestures.img')!).equals(Buffer.from(a.device!.storage.files.get('gestures.img')!))).to.equal(true);
    expect(Buffer.from(a.device!.storage.files.get('gestures.img')!).equals(Buffer.from(espruinoImage(drawIcon(48))))).to.equal(true);
    expect(a.recognitions.length).to.be.greaterThan(0);
    expect(a.screenshots).to.have.length(a.recognitions.length);
    expect(a.buzzes).to.have.length(a.recognitions.length);
    // selftest.js (espruino CLI output: Storage write of the model + the code) on the simulated watch
    for (const engine of ['node', 'quickjs', 'duktape'] as const) {
      if (!engineAvailable(engine)) continue;
      const st = await selftestOnEngine(engine, board, appDir);
      expect(st.errors, engine).to.deep.equal([]);
      expect(st.prints, engine).to.deep.equal(['watchword selftest gestures BANGLEJS2: 6/6 exact']);
    }
  });

  it('carries untrusted labels (quotes, newlines, </script>, U+2028, emoji, "constructor", "__proto__") from the .ww to the screen unchanged', async function () {
    if (!ready) this.skip();
    const { loadModel } = await import('../compiler/import/index');
    const { calibrate } = await import('../compiler/compress/calibrate');
    const { quantize } = await import('../compiler/compress/quantize');
    const { plan } = await import('../compiler/plan/plan');
    const { wwBytes, int8Net, runInt8 } = await import('../compiler/reference/int8');
    const ir = await loadModel(MODEL);
    const weird = ['say "hi"', 'line\nbreak', '</script><script>throw 1</script>', 'para\u2028sep', 'smile \u{1F600}', 'constructor', '__proto__', "it's", 'back\\slash'];
    expect(weird).to.have.length(ir.labels.length);
    ir.labels = weird;
    const p = plan(quantize(ir, calibrate(ir, test.slice(0, 50).map((e) => e.frames), { quiet: true })), { features: getBoard('BANGLEJS2').features });
    const net = int8Net(p);
    const wdir = tmp('weird');
    fs.writeFileSync(path.join(wdir, 'gestures.app.js'), assembleGesturesApp({ runtimeJs, settings: { ...defaultGesturesSettings('gestures', irInput), threshold: 0, ignore: [] } }));
    fs.writeFileSync(path.join(wdir, 'gestures.ww'), wwBytes(p));
    const events = test.slice(0, 90);
    const wtrace = parseJsonTrace(JSON.stringify({ sequences: events.map((e) => e.frames) }), 'weird');
    const shots = tmp('weird-shots');
    const r = await simulateOnEngine('node', { board: getBoard('BANGLEJS2'), app: wdir, trace: wtrace, screenshots: shots });
    expect(r.errors).to.deep.equal([]);
    expect(r.recognitions.map((x) => x.label)).to.deep.equal(events.map((e) => runInt8(net, e.frames).label));
    expect(new Set(r.recognitions.map((x) => x.label)).size).to.be.greaterThan(5);
    for (const f of fs.readdirSync(shots)) expect(f).to.match(/^\d{3}-[\d.]+s-[A-Za-z0-9_-]+\.png$/);
  });

  it('a fresh BANGLEJS2 build (watchword build) agrees with the integer reference of its own .ww', async function () {
    const { buildBoard } = await import('../compiler/index');
    const built = (await buildBoard({ board: 'BANGLEJS2', distRoot: tmp('dist'), quiet: true })).dir;
    const { readWW } = await import('../runtime/model');
    const { load } = await import('../runtime/net');
    const { refKernels } = await import('../runtime/kernels/ref/index');
    const { runInt8 } = await import('../compiler/reference/int8');
    const bytes = fs.readFileSync(path.join(built, 'gestures.ww'));
    const net = load(readWW(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer), refKernels);
    const r = await simulateOnEngine('node', { board: getBoard('BANGLEJS2'), app: built, trace });
    expect(r.errors).to.deep.equal([]);
    // The build's own settings (threshold, ignored labels) decide which results become commands.
    const cfg = (r.device!.context as unknown as { WATCHWORD_APP: { thresholdQ15: number; ignore: string[] } }).WATCHWORD_APP;
    const want: string[] = [];
    test.forEach((e, i) => {
      const x = runInt8(net, e.frames);
      if (x.score * 32768 >= cfg.thresholdQ15 && !cfg.ignore.includes(x.label)) want.push(`${trace.items[i].t} ${x.label} ${x.score}`);
    });
    expect(r.recognitions.map((x) => `${x.t} ${x.label} ${x.score}`)).to.deep.equal(want);
  });
});

describe('simulator: JerryScript host', function () {
  this.timeout(120000);
  it('runs main.js with print and WW_MODEL from model.h, and rejects a model.h that differs from the .ww', async function () {
    const MODEL = 'examples/gestures/model/model.json';
    if (!fs.existsSync(MODEL)) this.skip();
    const { modelHeader } = await import('../compiler/package/jerryscript');
    const { loadModel } = await import('../compiler/import/index');
    const { calibrate } = await import('../compiler/compress/calibrate');
    const { quantize } = await import('../compiler/compress/quantize');
    const { plan } = await import('../compiler/plan/plan');
    const { wwBytes, int8Net, runInt8 } = await import('../compiler/reference/int8');
    const { generateGestureDataset } = await import('../examples/gestures/generate');
    const ir = await loadModel(MODEL);
    const ds = generateGestureDataset({ seed: 7, train: 5, validation: 1, test: 3 });
    const p = plan(quantize(ir, calibrate(ir, ds.splits.train.map((e) => e.frames), { quiet: true })), { features: getBoard('JERRYSCRIPT').features });
    const ww = wwBytes(p);
    const net = int8Net(p);
    const dir = tmp('jerry');
    const runtimeJs = (await buildRuntime({ entry: path.join(RUNTIME_DIR, 'index.ts') })).code;
    const seqs = ds.splits.test.map((e) => e.frames);
    fs.writeFileSync(path.join(dir, 'main.js'), `${runtimeJs}
var net = watchword.load(WW_MODEL);
var env = [typeof E, typeof require, typeof atob, typeof console].join(",");
print("env " + env + " kernels " + net.kernels);
var seqs = ${JSON.stringify(seqs)};
for (var i = 0; i < seqs.length; i++) { var r = net.classify(seqs[i]); print(r.label + " " + r.score); }
`);
    fs.writeFileSync(path.join(dir, 'model.h'), modelHeader('gestures', ww, MODEL));
    fs.writeFileSync(path.join(dir, 'gestures.ww'), ww);
    const want = seqs.map((s) => { const r = runInt8(net, s); return `${r.label} ${r.score}`; });
    for (const engine of ['quickjs', 'node', 'duktape'] as const) {
      if (!engineAvailable(engine)) continue;
      const r = await runJerryMain(dir, { engine });
      expect(r.lines, engine).to.deep.equal(['env undefined,undefined,undefined,undefined kernels ref', ...want]);
      expect(r.modelBytes).to.equal(ww.length);
    }
    const stale = new Uint8Array(ww);
    stale[20] ^= 1;
    fs.writeFileSync(path.join(dir, 'gestures.ww'), stale);
    let err: unknown;
    try { await runJerryMain(dir); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(WatchwordError);
    expect((err as Error).message).to.match(/model\.h: its \d+ bytes differ from gestures\.ww/);
  });
});
