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
    // The C code keeps a bit accumulator `el`. Modelled with plain numbers (no BigInt, so
    // the shim also builds for ES5 engines): `low` holds the unconsumed bits, and a negative
    // source element (read signed, sign-extended in C) sets every bit above its own, which
    // the C code ORs over the bits still pending.
    const fullMask = 2 ** bitsFrom;
    let low = 0;
    let neg = false;
    let b = 0;
    let iFrom = 0;
    let iTo = 0;
    while ((iFrom < from.length || b >= nb) && iTo < to.length) {
      const index = iFrom;
      while (b < nb) {
        const raw = from[iFrom] ?? 0;
        const bitsOf = ((raw % fullMask) + fullMask) % fullMask;
        if (msbFirst) {
          // el = (el << bitsFrom) | raw
          low = raw < 0 ? (2 ** b - 1) * fullMask + bitsOf : low * fullMask + bitsOf;
        } else {
          // el |= raw << b
          low += (neg ? fullMask - 1 : bitsOf) * 2 ** b;
          if (raw < 0) neg = true;
        }
        iFrom++;
        b += bitsFrom;
      }
      let v: number;
      if (msbFirst) {
        v = Math.floor(low / 2 ** (b - nb)) % 2 ** nb;
        low = low % 2 ** (b - nb); // bits above the unconsumed ones are never read again
      } else {
        v = low % 2 ** nb;
        low = Math.floor(low / 2 ** nb);
      }
      b -= nb;
      to[iTo] = lookup(map, v, index);
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
