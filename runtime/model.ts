/**
 * Loads and validates a `.ww` model file on the device. The runtime's only defence against a
 * damaged or mismatched model: it checks the magic, the format version, the lengths, every
 * section's bounds and alignment, and the CRC32, and throws a clear Error otherwise, so a bad
 * file never yields a wrong answer or a hang. Sections come back as typed-array VIEWS onto
 * the caller's buffer (no copy): on Espruino that buffer is
 * `require("Storage").readArrayBuffer(name)`, mapped onto flash, so weights cost no JS
 * variables. ES5 subset (see DESIGN.md); the writer is `compiler/emit/wwfile.ts`.
 *
 * Byte layout (mirrors wwfile.ts, which is the authority; little-endian):
 *   0  magic "WWMF" | 4 uint32 CRC32 of bytes [8, end) | 8 uint16 version | 10 uint16 flags
 *   12 uint32 payloadLength (= file length - 16) | 16 uint32 sectionCount
 *   20 sectionCount × 12-byte entries: uint16 tag, uint8 type (1 int8, 2 uint8, 3 int16,
 *      4 uint16, 5 int32), uint8 0, uint32 offset (multiple of 4), uint32 byte length
 *   section data, 4-byte aligned. Tag 0 = strings: uint16 count, then (uint16 n, n bytes UTF-8)*.
 *
 * Labels: UTF-8 is decoded by hand (no TextDecoder on devices) into JS strings whose code
 * units are the label's UTF-16 (code points above U+FFFF become surrogate pairs). Espruino's
 * `String.fromCharCode` keeps only the low 8 bits of each code (src/jswrap_string.c casts
 * to char, even on Unicode builds), so where Espruino has `E.asUTF8` (builds with
 * ESPR_UNICODE_SUPPORT: Bangle.js 2 and other nRF52840 boards) a non-ASCII label is instead
 * made from its raw UTF-8 bytes with `E.asUTF8`, which Espruino treats as a Unicode string
 * and draws with its Unicode font support. On Espruino builds without it, ASCII and
 * Latin-1 (U+0000-U+00FF) labels are exact; other characters come out as their code unit's
 * low byte (e.g. U+263A shows as ":"), i.e. wrong glyphs; the index is always right.
 */
import { crc32 as defaultCrc32 } from './crc32';

/** Espruino's global, present only on Espruino (and in simulator shims). */
declare var E: { asUTF8?: (s: string) => string } | undefined;

export var WW_VERSION = 1;

export type WWView = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array;

export interface WW {
  version: number;
  flags: number;
  labels: string[];
  /** Tags of all sections in file order (tag 0, the strings, included). */
  tags: number[];
  /** A typed-array view (no copy) of a section, of the type it was written with. */
  section(tag: number): WWView;
  has(tag: number): boolean;
}

/** Element size in bytes per type code (index = code). */
var SIZES = [0, 1, 1, 2, 2, 4];
var TYPE_NAMES = ['', 'int8', 'uint8', 'int16', 'uint16', 'int32'];

function fail(msg: string): never {
  throw new Error('watchword: model file ' + msg);
}

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 16777216;
}

function view(buf: ArrayBuffer, type: number, offset: number, bytes: number): WWView {
  var n = bytes / SIZES[type];
  if (type === 1) return new Int8Array(buf, offset, n);
  if (type === 2) return new Uint8Array(buf, offset, n);
  if (type === 3) return new Int16Array(buf, offset, n);
  if (type === 4) return new Uint16Array(buf, offset, n);
  return new Int32Array(buf, offset, n);
}

/** UTF-8 bytes [start, end) of `b` to a JS string of UTF-16 code units. */
function utf8(b: Uint8Array, start: number, end: number, which: number): string {
  var s = '';
  var ascii = true;
  var i = start;
  while (i < end) {
    var c = b[i++];
    if (c >= 0x80) ascii = false;
    var extra = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (extra < 0 || i + extra > end) fail('label ' + which + ' is not valid UTF-8');
    var cp = extra === 0 ? c : extra === 1 ? c & 0x1f : extra === 2 ? c & 0x0f : c & 0x07;
    for (var k = 0; k < extra; k++) {
      var d = b[i++];
      if ((d & 0xc0) !== 0x80) fail('label ' + which + ' is not valid UTF-8');
      cp = cp * 64 + (d & 0x3f);
    }
    if ((extra === 2 && cp < 0x800) || (extra === 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp < 0xe000)) {
      fail('label ' + which + ' is not valid UTF-8');
    }
    if (cp < 0x10000) {
      s += String.fromCharCode(cp);
    } else {
      cp -= 0x10000;
      s += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    }
  }
  if (!ascii && typeof E !== 'undefined' && typeof E.asUTF8 === 'function') {
    var raw = '';
    for (var j = start; j < end; j++) raw += String.fromCharCode(b[j]);
    return E.asUTF8(raw);
  }
  return s;
}

function readStrings(b: Uint8Array, offset: number, bytes: number): string[] {
  var end = offset + bytes;
  if (bytes < 2) fail('strings section is ' + bytes + ' bytes, needs at least 2');
  var count = u16(b, offset);
  var o = offset + 2;
  var out: string[] = [];
  for (var i = 0; i < count; i++) {
    if (o + 2 > end) fail('strings section ends before string ' + i + ' of ' + count);
    var n = u16(b, o);
    o += 2;
    if (o + n > end) fail('string ' + i + ' (' + n + ' bytes) runs past the strings section');
    out.push(utf8(b, o, o + n, i));
    o += n;
  }
  return out;
}

/**
 * Validates `buf` as a `.ww` file and returns its contents. `crc32` computes the zlib CRC32
 * of a Uint8Array; pass `E.CRC32` where the board has it (native, fast); the default is the
 * plain-JS `runtime/crc32.ts`. Throws an Error naming the problem for any malformed file.
 */
export function readWW(buf: ArrayBuffer, crc32?: (bytes: Uint8Array) => number): WW {
  if (!buf || typeof buf.byteLength !== 'number') fail('is missing: no data (is it in Storage?)');
  var len = buf.byteLength;
  if (len < 16) fail('is truncated: ' + len + ' bytes, the header alone is 16');
  var b = new Uint8Array(buf, 0, len);
  if (b[0] !== 0x57 || b[1] !== 0x57 || b[2] !== 0x4d || b[3] !== 0x46) fail('has a bad magic number: not a watchword .ww file');
  var version = u16(b, 8);
  if (version > WW_VERSION) fail('version ' + version + ' is newer than this runtime (' + WW_VERSION + ')');
  if (version < 1) fail('version ' + version + ' is not valid');
  var payload = u32(b, 12);
  if (16 + payload > len) fail('is truncated: ' + len + ' bytes, the header says ' + (16 + payload));
  if (16 + payload < len) fail('is ' + len + ' bytes, the header says ' + (16 + payload) + ' (trailing data)');
  var want = u32(b, 4);
  var got = (crc32 ? crc32(new Uint8Array(buf, 8, len - 8)) : defaultCrc32(new Uint8Array(buf, 8, len - 8))) >>> 0;
  if (got !== want) fail('is corrupted: its CRC32 is ' + got + ', the header says ' + want);
  if (len < 20) fail('is truncated: no section count');
  var count = u32(b, 16);
  var tableEnd = 20 + 12 * count;
  if (tableEnd > len) fail('lists ' + count + ' sections, which do not fit in ' + len + ' bytes');
  var tags: number[] = [];
  var types: number[] = [];
  var offsets: number[] = [];
  var lengths: number[] = [];
  var strings = -1;
  for (var i = 0; i < count; i++) {
    var e = 20 + 12 * i;
    var tag = u16(b, e);
    var type = b[e + 2];
    var off = u32(b, e + 4);
    var n = u32(b, e + 8);
    if (type < 1 || type > 5) fail('section ' + tag + ' has unknown type ' + type);
    if (off % 4 !== 0) fail('section ' + tag + ' offset ' + off + ' is not 4-byte aligned');
    if (off < tableEnd || off + n > len) fail('section ' + tag + ' (' + off + '+' + n + ') is out of bounds (' + tableEnd + '..' + len + ')');
    if (n % SIZES[type] !== 0) fail('section ' + tag + ' length ' + n + ' is not a multiple of ' + TYPE_NAMES[type]);
    if (tag === 0) strings = i;
    tags.push(tag);
    types.push(type);
    offsets.push(off);
    lengths.push(n);
  }
  if (strings < 0) fail('has no strings section');
  var labels = readStrings(b, offsets[strings], lengths[strings]);
  function find(tag: number): number {
    for (var j = 0; j < tags.length; j++) if (tags[j] === tag) return j;
    return -1;
  }
  return {
    version: version,
    flags: u16(b, 10),
    labels: labels,
    tags: tags,
    section: function (tag: number): WWView {
      var j = find(tag);
      if (j < 0) fail('section ' + tag + ' is missing');
      return view(buf, types[j], offsets[j], lengths[j]);
    },
    has: function (tag: number): boolean {
      return find(tag) >= 0;
    }
  };
}
