/**
 * onnxruntime-web as a test oracle: runs an .onnx model (file path or bytes) in Node on the
 * WASM backend with one thread (the machine is shared, and results must not depend on
 * scheduling). The wasm binary is loaded from the installed package, never fetched.
 */
import fs from 'node:fs';
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.logLevel = 'error';

export interface OrtFeed {
  type: 'float32' | 'int32' | 'int64';
  data: ArrayLike<number>;
  dims: number[];
}

export interface OrtOutput {
  data: Float32Array;
  dims: number[];
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function session(model: string | Uint8Array): Promise<ort.InferenceSession> {
  if (typeof model !== 'string') return ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  let s = sessions.get(model);
  if (!s) {
    s = ort.InferenceSession.create(new Uint8Array(fs.readFileSync(model)), { executionProviders: ['wasm'] });
    sessions.set(model, s);
  }
  return s;
}

/** Runs the model once; returns every float output by name. */
export async function runOrt(model: string | Uint8Array, feeds: Record<string, OrtFeed>): Promise<Record<string, OrtOutput>> {
  const s = await session(model);
  const inputs: Record<string, ort.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) {
    const data = f.type === 'float32' ? Float32Array.from(f.data)
      : f.type === 'int32' ? Int32Array.from(f.data)
      : BigInt64Array.from(Array.from(f.data, (v) => BigInt(v)));
    inputs[name] = new ort.Tensor(f.type, data, f.dims);
  }
  const res = await s.run(inputs);
  const out: Record<string, OrtOutput> = {};
  for (const [name, t] of Object.entries(res)) {
    out[name] = { data: Float32Array.from(t.data as Float32Array), dims: t.dims.slice() };
  }
  return out;
}
