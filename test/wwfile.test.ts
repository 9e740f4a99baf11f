// The .ww container: writer/reader round trip, the plain-JS CRC32, writer input checks, and
// the reader's refusal of every kind of damaged file (flipped bytes, truncation, wrong magic,
// newer version, bad section table) with a clear Error — never a wrong answer.
import { expect } from 'chai';
import * as zlib from 'node:zlib';
import seedrandom from 'seedrandom';
import { writeWW, WW_VERSION, WW_HEADER_BYTES, WW_ENTRY_BYTES } from '../compiler/emit/wwfile';
import { readWW, WW_VERSION as RUNTIME_VERSION } from '../runtime/model';
import { crc32 } from '../runtime/crc32';
import { WatchwordError } from '../compiler/errors';

const LABELS = ['idle', 'wave', 'dö', '日本語', 'emoji 😀🎉', 'quote " \' \\ back', 'new\nline\ttab', '', 'zero\u0000byte'];

function sample(): Uint8Array {
  return writeWW([
    { tag: 1, data: new Int8Array([-128, -1, 0, 1, 127]) },
    { tag: 2, data: new Uint8Array([0, 255, 7]) },
    { tag: 3, data: new Int16Array([-32768, 32767, 0]) },
    { tag: 4, data: new Uint16Array([65535]) },
    { tag: 5, data: new Int32Array([-2147483648, 2147483647, 12345]) },
    { tag: 6, data: new Int8Array(0) },
  ], LABELS, 0xa5);
}

/** Re-signs a (deliberately edited) file so only the edit, not the CRC, is under test. */
function resign(f: Uint8Array): Uint8Array {
  new DataView(f.buffer, f.byteOffset).setUint32(4, crc32(f.subarray(8)), true);
  return f;
}

const load = (f: Uint8Array) => readWW(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) as ArrayBuffer);

describe('.ww model file', () => {
  it('CRC32 equals zlib crc32 (check value and random data)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).to.equal(0xcbf43926);
    expect(crc32(new Uint8Array(0))).to.equal(0);
    const rng = seedrandom('crc');
    for (let n = 0; n < 300; n += 7) {
      const b = new Uint8Array(n).map(() => Math.floor(rng() * 256));
      expect(crc32(b), `length ${n}`).to.equal(zlib.crc32(b));
    }
  });

  it('round-trips every section type, empty and odd-length sections, flags and unicode labels', () => {
    const f = sample();
    expect(f.length % 4).to.equal(0);
    const ww = load(f);
    expect(ww.version).to.equal(WW_VERSION);
    expect(RUNTIME_VERSION).to.equal(WW_VERSION);
    expect(ww.flags).to.equal(0xa5);
    expect(ww.labels).to.deep.equal(LABELS);
    expect(ww.tags).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(ww.section(1)).to.be.instanceOf(Int8Array).and.deep.equal(new Int8Array([-128, -1, 0, 1, 127]));
    expect(ww.section(2)).to.be.instanceOf(Uint8Array).and.deep.equal(new Uint8Array([0, 255, 7]));
    expect(ww.section(3)).to.be.instanceOf(Int16Array).and.deep.equal(new Int16Array([-32768, 32767, 0]));
    expect(ww.section(4)).to.be.instanceOf(Uint16Array).and.deep.equal(new Uint16Array([65535]));
    expect(ww.section(5)).to.be.instanceOf(Int32Array).and.deep.equal(new Int32Array([-2147483648, 2147483647, 12345]));
    expect(ww.section(6)).to.be.instanceOf(Int8Array).with.length(0);
    expect(ww.has(5)).to.equal(true);
    expect(ww.has(99)).to.equal(false);
    expect(() => ww.section(99)).to.throw(Error, /section 99 is missing/);
  });

  it('returns views onto the caller\'s buffer (no copy), 4-byte aligned', () => {
    const f = sample();
    const buf = f.buffer.slice(0) as ArrayBuffer;
    const ww = readWW(buf);
    for (const t of [1, 2, 3, 4, 5]) {
      const v = ww.section(t);
      expect(v.buffer).to.equal(buf);
      expect(v.byteOffset % 4).to.equal(0);
    }
    new Int32Array(buf, ww.section(5).byteOffset, 1)[0] = 42;
    expect(ww.section(5)[0]).to.equal(42);
  });

  it('handles no labels and no sections', () => {
    const ww = load(writeWW([], []));
    expect(ww.labels).to.deep.equal([]);
    expect(ww.flags).to.equal(0);
    expect(ww.tags).to.deep.equal([0]);
  });

  it('accepts an externally supplied crc32 (E.CRC32 on Espruino) and checks with it', () => {
    const f = sample();
    let calls = 0;
    const ww = readWW(f.buffer as ArrayBuffer, (b) => { calls++; return zlib.crc32(b) | 0; }); // signed result is fine
    expect(calls).to.equal(1);
    expect(ww.labels).to.deep.equal(LABELS);
    expect(() => readWW(f.buffer as ArrayBuffer, () => 1)).to.throw(Error, /corrupted: its CRC32 is 1/);
  });

  it('on Espruino Unicode builds (E.asUTF8 present) makes non-ASCII labels from their raw UTF-8 bytes', () => {
    const g = globalThis as { E?: unknown };
    const saved = g.E;
    const seen: string[] = [];
    g.E = { asUTF8: (s: string) => { seen.push(s); return `utf8:${s}`; } };
    try {
      const ww = load(writeWW([], ['idle', 'dö', '😀']));
      expect(ww.labels).to.deep.equal(['idle', 'utf8:d\xc3\xb6', 'utf8:\xf0\x9f\x98\x80']);
      expect(seen).to.deep.equal(['d\xc3\xb6', '\xf0\x9f\x98\x80']);
    } finally {
      if (saved === undefined) delete g.E; else g.E = saved;
    }
  });

  it('writer rejects bad input with a WatchwordError naming it', () => {
    const d = new Int8Array(1);
    expect(() => writeWW([{ tag: 0, data: d }], [])).to.throw(WatchwordError, /tag 0.*reserved/);
    expect(() => writeWW([{ tag: 70000, data: d }], [])).to.throw(WatchwordError, /tag 70000/);
    expect(() => writeWW([{ tag: 3, data: d }, { tag: 3, data: d }], [])).to.throw(WatchwordError, /tag 3 appears twice/);
    expect(() => writeWW([{ tag: 3, data: new Float32Array(1) as unknown as Int8Array }], [])).to.throw(WatchwordError, /section 3: unsupported.*Float32Array/);
    expect(() => writeWW([], [], 65536)).to.throw(WatchwordError, /flags 65536/);
    expect(() => writeWW([], ['ok', 'bad \ud800'])).to.throw(WatchwordError, /entry 1.*unpaired/);
    expect(() => writeWW([], ['x'.repeat(70000)])).to.throw(WatchwordError, /entry 0 is 70000 bytes/);
  });

  it('writes the documented header', () => {
    const f = sample();
    const dv = new DataView(f.buffer);
    expect(Array.from(f.subarray(0, 4))).to.deep.equal([0x57, 0x57, 0x4d, 0x46]);
    expect(dv.getUint32(4, true)).to.equal(zlib.crc32(f.subarray(8)));
    expect(dv.getUint16(8, true)).to.equal(1);
    expect(dv.getUint32(12, true)).to.equal(f.length - WW_HEADER_BYTES);
    expect(dv.getUint32(16, true)).to.equal(7);
    // entry 3 (tag 3): int16, offset aligned, 6 bytes
    const e = WW_HEADER_BYTES + 4 + 3 * WW_ENTRY_BYTES;
    expect([dv.getUint16(e, true), dv.getUint8(e + 2), dv.getUint32(e + 4, true) % 4, dv.getUint32(e + 8, true)]).to.deep.equal([3, 3, 0, 6]);
  });

  describe('corruption → clear Error at load', () => {
    it('a flipped byte anywhere (every position, several values)', () => {
      const f = sample();
      for (let i = 0; i < f.length; i++) {
        for (const x of [0x01, 0x80, 0xff]) {
          const g = f.slice();
          g[i] ^= x;
          expect(() => load(g), `byte ${i} ^ ${x}`).to.throw(Error, /^watchword: model file /);
        }
      }
    });

    it('truncation at every length', () => {
      const f = sample();
      for (let n = 0; n < f.length; n++) {
        expect(() => load(f.slice(0, n)), `length ${n}`).to.throw(Error, /^watchword: model file (is truncated|has a bad magic)/);
      }
    });

    it('trailing data', () => {
      const f = sample();
      const g = new Uint8Array(f.length + 4);
      g.set(f);
      expect(() => load(g)).to.throw(Error, /trailing data/);
    });

    it('wrong magic', () => {
      const g = sample();
      g.set([0x50, 0x4b, 0x03, 0x04], 0); // a zip file
      expect(() => load(g)).to.throw(Error, /bad magic number: not a watchword \.ww file/);
    });

    it('newer format version', () => {
      const g = sample();
      new DataView(g.buffer).setUint16(8, WW_VERSION + 1, true);
      expect(() => load(resign(g))).to.throw(Error, `model file version ${WW_VERSION + 1} is newer than this runtime (${WW_VERSION})`);
      new DataView(g.buffer).setUint16(8, 0, true);
      expect(() => load(resign(g))).to.throw(Error, /version 0 is not valid/);
    });

    it('section table errors even with a valid CRC', () => {
      const f = sample();
      const entry = (i: number) => WW_HEADER_BYTES + 4 + i * WW_ENTRY_BYTES;
      const edit = (fn: (dv: DataView) => void) => { const g = f.slice(); fn(new DataView(g.buffer)); return resign(g); };
      expect(() => load(edit((dv) => dv.setUint32(entry(5) + 8, 1 << 20, true)))).to.throw(Error, /section 5 \(.*\) is out of bounds/);
      expect(() => load(edit((dv) => dv.setUint32(entry(5) + 4, 0xfffffffc, true)))).to.throw(Error, /section 5 .*out of bounds/);
      expect(() => load(edit((dv) => dv.setUint32(entry(5) + 4, 8, true)))).to.throw(Error, /section 5 .*out of bounds/); // inside the header
      expect(() => load(edit((dv) => dv.setUint32(entry(3) + 4, dv.getUint32(entry(3) + 4, true) + 2, true)))).to.throw(Error, /section 3 offset \d+ is not 4-byte aligned/);
      expect(() => load(edit((dv) => dv.setUint8(entry(2) + 2, 9)))).to.throw(Error, /section 2 has unknown type 9/);
      expect(() => load(edit((dv) => dv.setUint32(entry(5) + 8, 6, true)))).to.throw(Error, /section 5 length 6 is not a multiple of int32/);
      expect(() => load(edit((dv) => dv.setUint32(16, 0x10000000, true)))).to.throw(Error, /lists 268435456 sections/);
      expect(() => load(edit((dv) => dv.setUint16(entry(0), 77, true)))).to.throw(Error, /no strings section/);
    });

    it('malformed label strings even with a valid CRC', () => {
      const f = writeWW([], ['ab', 'é']);
      const strOff = new DataView(f.buffer).getUint32(WW_HEADER_BYTES + 4 + 4, true);
      const g1 = f.slice();
      g1[strOff + 2 + 2 + 2 + 2 + 1] = 0x41; // continuation byte of é → 'A'
      expect(() => load(resign(g1))).to.throw(Error, /label 1 is not valid UTF-8/);
      const g2 = f.slice();
      g2[strOff] = 200; // 200 strings announced
      expect(() => load(resign(g2))).to.throw(Error, /strings section ends before string 2 of 200/);
      const g3 = f.slice();
      g3[strOff + 2] = 0xff; // first string 255 bytes long
      expect(() => load(resign(g3))).to.throw(Error, /string 0 \(255 bytes\) runs past/);
    });

    it('no data at all (Storage.readArrayBuffer of a missing file returns undefined)', () => {
      expect(() => readWW(undefined as unknown as ArrayBuffer)).to.throw(Error, /model file is missing/);
    });
  });
});
