/**
 * Writes the `.ww` model file: the container that carries a planned model's integer
 * sections (weights, biases, lookup tables, layer descriptors) and its label strings to the
 * device. The device reader is `runtime/model.ts`; both sides share the byte layout below,
 * which this writer is the authority for (model.ts mirrors the comment).
 *
 * Byte layout (all integers little-endian; offsets from the start of the file):
 *
 *   0   4  magic "WWMF" (0x57 0x57 0x4d 0x46)
 *   4   4  uint32 CRC32 (zlib / E.CRC32) of bytes [8, 16 + payloadLength): the rest of the
 *          header and the payload, so a flipped byte anywhere but the magic fails the CRC
 *   8   2  uint16 format version (WW_VERSION)
 *   10  2  uint16 flags (meaning defined by the plan / runtime; 0 when unused)
 *   12  4  uint32 payloadLength = file length - 16 (the reader requires equality)
 *   16  4  uint32 sectionCount (including the strings section)
 *   20  12 × sectionCount, one entry per section:
 *            uint16 tag (0 = strings, reserved; 1..65535 = the plan's sections)
 *            uint8  type (WW_TYPES: 1 int8, 2 uint8, 3 int16, 4 uint16, 5 int32)
 *            uint8  reserved, 0
 *            uint32 byte offset of the data from the start of the file, a multiple of 4
 *            uint32 byte length of the data, a multiple of the element size
 *   ...    section data in table order, each starting on a 4-byte boundary, zero padding
 *          in between and at the end (the file length is a multiple of 4).
 *
 * The strings section (tag 0, type uint8) holds: uint16 count, then per string a uint16
 * byte length and that many bytes of UTF-8. Labels are decoded by hand on the device because
 * Espruino's String.fromCharCode is 8-bit.
 *
 * Sections are 4-byte aligned so the runtime makes Int8/Int16/Int32 views straight onto the
 * buffer without copying (on Espruino that buffer is flash-mapped by
 * `require("Storage").readArrayBuffer`, so weights cost no JS variables).
 */
import { WatchwordError } from '../errors';
import { crc32 } from '../../runtime/crc32';

export const WW_MAGIC = [0x57, 0x57, 0x4d, 0x46];
export const WW_VERSION = 1;
export const WW_HEADER_BYTES = 16;
export const WW_ENTRY_BYTES = 12;
export const WW_STRINGS_TAG = 0;

/** Section element types, by the code stored in the table. */
export const WW_TYPES = { int8: 1, uint8: 2, int16: 3, uint16: 4, int32: 5 } as const;

export type WWSectionData = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array;
export interface WWSection { tag: number; data: WWSectionData }

function typeCode(data: WWSectionData, tag: number): number {
  if (data instanceof Int8Array) return WW_TYPES.int8;
  if (data instanceof Uint8Array) return WW_TYPES.uint8;
  if (data instanceof Int16Array) return WW_TYPES.int16;
  if (data instanceof Uint16Array) return WW_TYPES.uint16;
  if (data instanceof Int32Array) return WW_TYPES.int32;
  throw new WatchwordError(`.ww section ${tag}: unsupported data type ${Object.prototype.toString.call(data)} (Int8/Uint8/Int16/Uint16/Int32Array)`);
}

function encodeStrings(strings: string[]): Uint8Array {
  if (strings.length > 0xffff) throw new WatchwordError(`.ww strings: ${strings.length} strings, at most 65535`);
  const enc = new TextEncoder();
  const parts = strings.map((s, i) => {
    if (typeof s !== 'string') throw new WatchwordError(`.ww strings: entry ${i} is ${typeof s}, not a string`);
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) {
      throw new WatchwordError(`.ww strings: entry ${i} ${JSON.stringify(s)} has an unpaired UTF-16 surrogate, which UTF-8 cannot carry`);
    }
    const b = enc.encode(s);
    if (b.length > 0xffff) throw new WatchwordError(`.ww strings: entry ${i} is ${b.length} bytes of UTF-8, at most 65535`);
    return b;
  });
  const out = new Uint8Array(2 + parts.reduce((n, b) => n + 2 + b.length, 0));
  out[0] = strings.length & 0xff; out[1] = strings.length >> 8;
  let o = 2;
  for (const b of parts) {
    out[o] = b.length & 0xff; out[o + 1] = b.length >> 8;
    out.set(b, o + 2);
    o += 2 + b.length;
  }
  return out;
}

const align4 = (n: number) => (n + 3) & ~3;

/**
 * Serializes sections and strings into a `.ww` file. Tags must be unique integers in
 * 1..65535 (0 is the strings section); `flags` is a uint16 stored verbatim.
 */
export function writeWW(sections: WWSection[], strings: string[], flags = 0): Uint8Array {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffff) throw new WatchwordError(`.ww flags ${flags}: must be an integer in 0..65535`);
  const seen = new Set<number>();
  for (const s of sections) {
    if (!Number.isInteger(s.tag) || s.tag < 1 || s.tag > 0xffff) throw new WatchwordError(`.ww section tag ${s.tag}: must be an integer in 1..65535 (0 is reserved for strings)`);
    if (seen.has(s.tag)) throw new WatchwordError(`.ww section tag ${s.tag} appears twice`);
    seen.add(s.tag);
  }
  const all: { tag: number; type: number; bytes: Uint8Array }[] = [
    { tag: WW_STRINGS_TAG, type: WW_TYPES.uint8, bytes: encodeStrings(strings) },
    ...sections.map((s) => ({ tag: s.tag, type: typeCode(s.data, s.tag), bytes: new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength) })),
  ];
  let offset = align4(WW_HEADER_BYTES + 4 + WW_ENTRY_BYTES * all.length);
  const offsets = all.map((s) => { const o = offset; offset = align4(offset + s.bytes.length); return o; });
  const total = offset;
  if (total > 0xffffffff) throw new WatchwordError(`.ww file would be ${total} bytes, over 4 GiB`);
  const file = new Uint8Array(total);
  const dv = new DataView(file.buffer);
  file.set(WW_MAGIC, 0);
  dv.setUint16(8, WW_VERSION, true);
  dv.setUint16(10, flags, true);
  dv.setUint32(12, total - WW_HEADER_BYTES, true);
  dv.setUint32(16, all.length, true);
  all.forEach((s, i) => {
    const e = WW_HEADER_BYTES + 4 + i * WW_ENTRY_BYTES;
    dv.setUint16(e, s.tag, true);
    dv.setUint8(e + 2, s.type);
    dv.setUint8(e + 3, 0);
    dv.setUint32(e + 4, offsets[i], true);
    dv.setUint32(e + 8, s.bytes.length, true);
    file.set(s.bytes, offsets[i]);
  });
  dv.setUint32(4, crc32(file.subarray(8)), true);
  return file;
}
