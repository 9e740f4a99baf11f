/**
 * Runs a `.ww` model through the bundled device runtime on one engine: the runtime bundle
 * (compiler/emit/build-runtime.ts over runtime/index.ts), the model bytes and all sequences
 * go into ONE engine invocation, which streams every sequence frame by frame through
 * `net.step` and prints, per sequence, the argmax index, its integer score, a hash of the
 * outputs at every step and the final integer output vector. `watchword predict --mode int8 --engine X` and the bit-exactness
 * tests use it, comparing against the integer reference in Node.
 *
 * With `kernels: 'espruino'` the Espruino kernel set runs on a desktop engine through an ES5
 * build of the `E` shim (simulator/shims/E.ts), so the E.convolve/E.mapInPlace paths are
 * checked on QuickJS and Duktape too, not only in Node.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRuntime, RUNTIME_DIR } from '../../compiler/emit/build-runtime';
import { runScript, type EngineName } from './index';

export interface EngineModelOutput {
  /** Argmax of the final output (net.topk(out, 1)[0]). */
  index: number;
  /** net.score(out, index): Q0.15 integer (divide by 32768 for [0, 1]). */
  score: number;
  /** The final integer output vector of the sequence. */
  output: number[];
  /**
   * stepHash() of the output after every frame, so streaming results are compared at every
   * step, not only the last (exact integer arithmetic, the same on every engine).
   */
  stepHash: number;
}

/** Folds one step's output vector into the running hash (all values stay below 2^37). */
export function stepHash(h: number, out: ArrayLike<number>): number {
  for (let k = 0; k < out.length; k++) h = (h * 31 + out[k] + 1000003) % 2147483647;
  return h;
}

export interface EngineModelRun { kernels: string; results: EngineModelOutput[] }

export interface RunModelOptions {
  /** Force a kernel set ('ref' | 'espruino'); default: the runtime's own choice (ref here). */
  kernels?: 'ref' | 'espruino';
  /** A prebuilt runtime bundle (defines the global `watchword`); default: built once per process. */
  runtime?: string;
  timeoutMs?: number;
}

let runtimeBundle: Promise<string> | undefined;
let eShimBuilt: Promise<string> | undefined;

/** The runtime bundle for runtime/index.ts, built once per process. */
export function defaultRuntimeBundle(): Promise<string> {
  runtimeBundle ??= buildRuntime({ entry: path.join(RUNTIME_DIR, 'index.ts') }).then((b) => b.code);
  return runtimeBundle;
}

/**
 * The `E` shim as a script defining the global `E` (for the Espruino kernel set). ES5
 * syntax, but not device code: its sub-element mapInPlace path uses BigInt (QuickJS has it,
 * Duktape does not; the runtime maps whole elements only), so the ES5 API check is off.
 */
export function eShimScript(): Promise<string> {
  const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../shims/E.ts');
  eShimBuilt ??= buildRuntime({ entry, globalName: '__wwEShim', es5Check: false }).then((b) => `${b.code}\nvar E = __wwEShim.EShim;\n`);
  return eShimBuilt;
}

const SCRIPT = `
var net = watchword.load(MODEL, KERNELS ? { kernels: KERNELS } : undefined);
var F = net.features;
var L = new Int32Array(LENGTHS);
var V = FLOATS ? new Float64Array(VALUES) : new Int32Array(VALUES);
var st = net.state();
var off = 0;
print("kernels " + net.kernels);
for (var s = 0; s < L.length; s++) {
  net.reset(st);
  var out = null;
  var h = 7;
  for (var t = 0; t < L[s]; t++) {
    out = net.step(st, V.subarray(off, off + F));
    off += F;
    for (var j = 0; j < out.length; j++) h = (h * 31 + out[j] + 1000003) % 2147483647;
  }
  var idx = net.topk(out, 1)[0];
  var parts = [];
  for (var k = 0; k < out.length; k++) parts.push(out[k]);
  print(idx + " " + net.score(out, idx) + " " + h + " " + parts.join(","));
}
print("done " + L.length);
`;

/**
 * Runs `sequences` (each an array of frames of `features` numbers in device units, as the
 * integer reference takes them) through the model on `engine`.
 */
export async function runModelOnEngine(engine: EngineName, ww: Uint8Array, sequences: ArrayLike<ArrayLike<number>>[], opts: RunModelOptions = {}): Promise<EngineModelRun> {
  const lengths = new Int32Array(sequences.length);
  let total = 0;
  let floats = false;
  let features = -1;
  sequences.forEach((seq, s) => {
    if (seq.length === 0) throw new Error(`sequence ${s} is empty`);
    lengths[s] = seq.length;
    for (let t = 0; t < seq.length; t++) {
      const f = seq[t];
      if (features < 0) features = f.length;
      if (f.length !== features) throw new Error(`sequence ${s} frame ${t} has ${f.length} numbers, expected ${features}`);
      total += f.length;
      for (let i = 0; i < f.length; i++) if (!Number.isInteger(f[i]) || Math.abs(f[i]) > 2147483647) floats = true;
    }
  });
  const values = floats ? new Float64Array(total) : new Int32Array(total);
  let o = 0;
  for (const seq of sequences) for (let t = 0; t < seq.length; t++) for (let i = 0; i < seq[t].length; i++) values[o++] = seq[t][i];
  const prelude = [opts.runtime ?? await defaultRuntimeBundle()];
  if (opts.kernels === 'espruino') prelude.unshift(await eShimScript());
  const header = `var KERNELS = ${opts.kernels ? JSON.stringify(opts.kernels) : 'null'};\nvar FLOATS = ${floats};\n`;
  const lines = await runScript(engine, header + SCRIPT, {
    data: { MODEL: ww, LENGTHS: new Uint8Array(lengths.buffer), VALUES: new Uint8Array(values.buffer) },
    prelude,
    timeoutMs: opts.timeoutMs,
  });
  const first = lines[0] ?? '';
  const last = lines[lines.length - 1] ?? '';
  if (!first.startsWith('kernels ') || last !== `done ${sequences.length}` || lines.length !== sequences.length + 2) {
    throw new Error(`${engine}: unexpected runtime output (${lines.length} lines): ${lines.slice(0, 3).join(' | ')}`);
  }
  const results = lines.slice(1, -1).map((line) => {
    const [index, score, hash, out] = line.split(' ');
    return { index: Number(index), score: Number(score), output: out === '' ? [] : out.split(',').map(Number), stepHash: Number(hash) };
  });
  return { kernels: first.slice('kernels '.length), results };
}
