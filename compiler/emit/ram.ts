/**
 * `measureRuntimeRam`: what the runtime allocates when it loads a model and creates a state —
 * measured, not guessed: the runtime modules are run in Node with the typed-array constructors
 * counted, using the kernel set the board will select. Allocations that own memory (state,
 * scratch, expanded sparse weights) count their bytes; views onto the model file (which on
 * Espruino stays in flash) count only as objects. The packager's budget turns both into JS
 * variables (Espruino) or heap bytes (JerryScript).
 */
import type { RuntimeRam } from '../package/types';
import { load } from '../../runtime/index';
import { installE } from '../../simulator/shims/E';

const CTORS = ['Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array'] as const;

export function measureRuntimeRam(ww: Uint8Array, kernels: 'ref' | 'espruino'): RuntimeRam {
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = CTORS.map((n) => g[n]);
  let bytes = 0;
  let arrays = 0;
  CTORS.forEach((name, i) => {
    const Base = saved[i] as new (...a: unknown[]) => ArrayBufferView;
    const Counting = function (this: unknown, ...args: unknown[]) {
      const a = new Base(...args);
      arrays++;
      if (!(args[0] instanceof ArrayBuffer)) bytes += a.byteLength;
      return a;
    } as unknown as { prototype: unknown; BYTES_PER_ELEMENT: number };
    Counting.prototype = (Base as unknown as { prototype: unknown }).prototype;
    Counting.BYTES_PER_ELEMENT = (Base as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    g[name] = Counting;
  });
  const uninstall = kernels === 'espruino' ? installE() : () => {};
  try {
    const buf = ww.buffer.slice(ww.byteOffset, ww.byteOffset + ww.byteLength) as ArrayBuffer;
    const net = load(buf, { kernels });
    net.state();
  } finally {
    uninstall();
    CTORS.forEach((name, i) => { g[name] = saved[i]; });
  }
  return { typedArrayBytes: bytes, typedArrays: arrays };
}
