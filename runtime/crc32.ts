/**
 * CRC32 (the zlib / PNG / Ethernet one: reflected polynomial 0xEDB88320, initial value and
 * final xor 0xFFFFFFFF) in plain ES5, for engines without Espruino's native `E.CRC32`
 * (JerryScript, Node, QuickJS, Duktape, SAVE_ON_FLASH Espruino builds). It must give the
 * same number as `E.CRC32` and zlib's crc32 so the `.ww` header checksum written by the
 * compiler verifies on every device. Returns an unsigned 32-bit number. (Espruino's
 * jswrap_espruino_CRC32 is the same bitwise algorithm, one byte per element, result ~crc
 * as an unsigned integer.)
 *
 * The 256-entry table is built on first use (1 KB of Int32Array), not at load, so boards
 * that check the CRC natively never pay for it.
 */
var table: Int32Array | null = null;

/**
 * 0xEDB88320 as an int32 literal: the same bits under `^`, but no literal above 2^31 for an
 * engine to store as a float and convert back (Espruino keeps integers in int32).
 */
var POLY = -306674912;

function makeTable(): Int32Array {
  var t = new Int32Array(256);
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** CRC32 of `bytes`, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  if (table === null) table = makeTable();
  var t = table;
  var c = -1;
  var n = bytes.length;
  for (var i = 0; i < n; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
