/**
 * Ambient declarations for the Espruino globals the runtime may use when the board has them
 * (feature flags eConvolve, eMapInPlace, and E.CRC32). The runtime only touches `E` after
 * checking `typeof E !== 'undefined'`; in Node tests a shim (simulator/shims/E.ts) provides it.
 */
type EArray = ArrayLike<number>;
interface EspruinoE {
  /** sum over i < a.length of a[i] * b[(i + offset) % b.length], in doubles. */
  convolve(a: EArray, b: EArray, offset: number): number;
  /** to[i] = map[from[i] as unsigned `bits`-bit value] (or map(value, index) for a function). */
  mapInPlace(from: EArray, to: EArray, map: EArray | ((v: number, i: number) => number) | undefined, bits?: number): void;
  /** zlib CRC32 of the bytes of an iterable, unsigned. */
  CRC32(data: EArray | ArrayBuffer): number;
}
declare var E: EspruinoE;
