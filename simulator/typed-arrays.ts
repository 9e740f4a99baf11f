/**
 * Espruino-strict typed arrays for the Node sandbox. V8 quietly returns undefined for
 * `ta[-1]`, but Espruino throws, so runtime code that strays below index 0 would pass on the
 * desktop and crash on the watch. The sandbox's typed-array constructors are replaced by
 * checked ones returning a Proxy that throws on any negative integer index (read or write),
 * and on writes into a buffer registered as read-only (Storage.readArrayBuffer maps flash).
 * Everything else — methods, `buffer`, `subarray` (itself checked), `instanceof` — behaves as
 * the native typed array, so kernels and E.convolve/E.mapInPlace shims work unchanged; the
 * price is speed (every element access goes through the Proxy), which the simulator accepts
 * and `checkTypedArrays: false` turns off.
 */

export const TYPED_ARRAY_NAMES = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
] as const;

const NEG_INDEX = /^-(?:[1-9]\d*|0)$/;
const TARGET = Symbol('watchword.typedArrayTarget');

/** The native typed array behind a checked one (or the value itself). */
export function unwrapTypedArray<T>(x: T): T {
  const t = x && typeof x === 'object' ? (x as Record<symbol, unknown>)[TARGET] : undefined;
  return (t as T) ?? x;
}

export function makeCheckedTypedArrays(
  natives: Record<string, Function>,
  readOnly: WeakSet<ArrayBuffer>,
): Record<string, Function> {
  const wrap = (t: any): any => {
    const name: string = Object.prototype.toString.call(t).slice(8, -1);
    const ro = readOnly.has(t.buffer);
    const methods = new Map<PropertyKey, Function>();
    return new Proxy(t, {
      get(target, prop) {
        if (prop === TARGET) return target;
        if (typeof prop === 'string' && NEG_INDEX.test(prop)) {
          throw new RangeError(`${name}[${prop}]: negative index (Espruino throws here; Node would return undefined)`);
        }
        const v = Reflect.get(target, prop, target);
        if (typeof v !== 'function' || prop === 'constructor') return v;
        let m = methods.get(prop);
        if (!m) {
          m = function (this: unknown, ...args: unknown[]) {
            const r = (v as Function).apply(target, args.map(unwrapTypedArray));
            return prop === 'subarray' ? wrap(r) : r === target ? receiverOf(target) : r;
          };
          methods.set(prop, m);
        }
        return m;
      },
      set(target, prop, value) {
        if (typeof prop === 'string' && NEG_INDEX.test(prop)) {
          throw new RangeError(`${name}[${prop}] = ...: negative index (Espruino throws here)`);
        }
        if (ro) throw new TypeError(`${name} on a Storage.readArrayBuffer() buffer is read-only (the file is mapped onto flash)`);
        return Reflect.set(target, prop, value, target);
      },
    });
  };
  const proxies = new WeakMap<object, unknown>();
  const receiverOf = (t: object) => proxies.get(t) ?? t;

  const out: Record<string, Function> = {};
  for (const n of TYPED_ARRAY_NAMES) {
    const Native = natives[n] as any;
    if (!Native) continue;
    const Checked = function (this: unknown, ...args: unknown[]) {
      if (!new.target) throw new TypeError(`Constructor ${n} requires 'new'`);
      const t = new Native(...args.map(unwrapTypedArray));
      const p = wrap(t);
      proxies.set(t, p);
      return p;
    } as any;
    Checked.prototype = Native.prototype;
    Checked.BYTES_PER_ELEMENT = Native.BYTES_PER_ELEMENT;
    Checked.from = (...a: unknown[]) => { const p = wrap(Native.from(...a)); return p; };
    Checked.of = (...a: unknown[]) => wrap(Native.of(...a));
    Object.defineProperty(Checked, 'name', { value: n });
    out[n] = Checked;
  }
  return out;
}
