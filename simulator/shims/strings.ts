/**
 * Espruino's 8-bit strings. On the device a String is a sequence of bytes: `Storage.read`
 * returns one character per file byte (codes 0..255), `E.toArrayBuffer(s)` and
 * `Storage.write(name, s)` take the bytes back, and `String.fromCharCode` keeps only the low
 * 8 bits on builds without Unicode support. Firmware built with ESPR_UNICODE_SUPPORT (Bangle.js 2)
 * stores a string holding characters above 255 as UTF-8, so its bytes are the UTF-8 encoding;
 * this module reproduces both rules so the shims hand the app exactly the bytes the watch would.
 */

/** Bytes → an Espruino binary string (one char per byte, codes 0..255). */
export function bytesToString(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + CHUNK)));
  }
  return s;
}

/** An Espruino string → its bytes: 8-bit strings byte for byte, strings with wider characters as UTF-8. */
export function stringToBytes(s: string): Uint8Array {
  let wide = false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) { wide = true; break; }
  if (wide) return new Uint8Array(Buffer.from(s, 'utf8'));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * The bytes Espruino takes from a value passed where it wants data (JSV_GET_AS_CHAR_ARRAY /
 * jsvIterateCallback): a String's bytes, an ArrayBuffer's bytes, a typed array's bytes (its
 * view, not the whole buffer), an array's elements each as one byte (low 8 bits).
 * Returns null for anything else.
 */
export function dataToBytes(data: unknown): Uint8Array | null {
  if (typeof data === 'string') return stringToBytes(data);
  if (isArrayBuffer(data)) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }
  if (Array.isArray(data)) {
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]) & 255;
    return out;
  }
  return null;
}

/** ArrayBuffer test that also works for buffers created inside another vm context. */
export function isArrayBuffer(x: unknown): x is ArrayBuffer {
  return Object.prototype.toString.call(x) === '[object ArrayBuffer]';
}
