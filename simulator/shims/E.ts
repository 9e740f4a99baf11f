/**
 * A desktop stand-in for the Espruino `E` object's native helpers the runtime uses, written
 * from Espruino's source (src/jswrap_espruino.c) so tests exercise the same semantics:
 * - `E.convolve(a, b, offset)`: conv = 0; for each i < a.length: conv += a[i] * b[(i+offset) % b.length],
 *   accumulated in a double (JsVarFloat); offset is reduced mod b.length first (negative
 *   offsets wrap). An empty `b` divides by zero on the device (a crash), so the shim throws.
 * - `E.mapInPlace(from, to, map, bits)`: walks both arrays while each has elements; each
 *   element is read as an integer and masked to `bits` bits (default: the source's element
 *   size), so an Int8Array source indexes the map as uint8 (-1 -> 255); the mapped value
 *   is written with the target's typed-array conversion. `map` may be an array, a typed
 *   array, a function (value, index), or undefined (straight copy). Whole elements
 *   (bits = element size) and the msb-first / lsb-first sub-element splits are modelled.
 * - `E.CRC32(data)`: the zlib CRC32 of the bytes (each element & 0xFF), unsigned.
 */

type Arr = ArrayLike<number> & { [i: number]: number };

function elementBits(a: ArrayLike<number>): number {
  const b = (a as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT;
  if (!b) throw new Error('E.mapInPlace: First 2 arguments should be array buffers');
  return b * 8;
}

function lookup(map: unknown, v: number, index: number): number {
  if (map === undefined) return v;
  if (typeof map === 'function') return (map as (v: number, i: number) => number)(v, index);
  const m = map as ArrayLike<number>;
  return v < m.length ? m[v] : 0;
}

export const EShim = {
  convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number): number {
    const l = b.length;
    if (l === 0) throw new Error('E.convolve: empty second array (crashes Espruino: modulo by zero)');
    let off = offset % l;
    if (off < 0) off += l;
    let conv = 0;
    for (let i = 0; i < a.length; i++) conv += a[i] * b[(i + off) % l];
    return conv;
  },

  mapInPlace(from: ArrayLike<number>, to: Arr, map?: unknown, bits?: number): void {
    const bitsFrom = elementBits(from);
    elementBits(to);
    if (map !== undefined && typeof map !== 'function' && typeof (map as ArrayLike<number>).length !== 'number') {
      throw new Error('E.mapInPlace: Third argument should be a function or array');
    }
    let msbFirst = true;
    let nb = bits ?? 0;
    if (nb < 0) { nb = -nb; msbFirst = false; }
    if (nb === 0) nb = bitsFrom;
    // The C code keeps a bit accumulator; for whole elements it reduces to v = from[i] & mask.
    let el = 0n;
    let b = 0;
    let iFrom = 0;
    let iTo = 0;
    const mask = (1n << BigInt(nb)) - 1n;
    while ((iFrom < from.length || b >= nb) && iTo < to.length) {
      const index = iFrom;
      while (b < nb) {
        // Read signed, as jsvArrayBufferIteratorGetIntegerValue does (its sign extension
        // is ORed in just like in the C code).
        const raw = BigInt(from[iFrom] ?? 0);
        if (msbFirst) el = (el << BigInt(bitsFrom)) | raw;
        else el |= raw << BigInt(b);
        iFrom++;
        b += bitsFrom;
      }
      let v: bigint;
      if (msbFirst) {
        v = (el >> BigInt(b - nb)) & mask;
        el &= (1n << BigInt(b - nb)) - 1n; // bits above the unconsumed ones are never read again
      } else {
        v = el & mask;
        el >>= BigInt(nb);
      }
      b -= nb;
      to[iTo] = lookup(map, Number(v), index);
      iTo++;
    }
  },

  CRC32(data: ArrayLike<number> | ArrayBuffer): number {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    let crc = 0xffffffff;
    for (let i = 0; i < bytes.length; i++) {
      crc ^= bytes[i] & 0xff;
      for (let t = 0; t < 8; t++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return (~crc) >>> 0;
  },
};

/** Installs the shim as the global `E` (returns a function that removes it again). */
export function installE(): () => void {
  const g = globalThis as unknown as { E?: unknown };
  const prev = g.E;
  g.E = EShim;
  return () => { g.E = prev; };
}
