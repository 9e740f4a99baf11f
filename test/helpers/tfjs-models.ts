/**
 * Test helpers around TF.js as an oracle: give a freshly built tf.layers model deterministic
 * non-trivial weights (biases included, large enough to reach the clipped ends of
 * hard_sigmoid), save it in the layers format to a temporary folder, and run `predict` on one
 * sequence at a time so the comparison with the float reference is step-exact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import type * as TF from '@tensorflow/tfjs';
import { initTf } from '../../compiler/train/backend';
import { saveTfjsModel } from '../../compiler/train/save';

export type Tf = typeof TF;

/** Replaces every weight with uniform values in [-scale, scale) from a seeded generator. */
export function randomizeWeights(tf: Tf, model: TF.LayersModel, seed: string, scale = 0.8): void {
  const rng = seedrandom(seed);
  const ws = model.getWeights().map((w) => {
    const isEmbedding = w.shape.length === 2 && model.layers.some((l) => l.getClassName() === 'Embedding' && l.getWeights()[0]?.shape.join() === w.shape.join());
    const s = isEmbedding ? 1.5 : scale;
    return tf.tensor(Array.from({ length: w.size }, () => (rng() * 2 - 1) * s), w.shape);
  });
  model.setWeights(ws);
  ws.forEach((w) => w.dispose());
}

const made: string[] = [];
/** A fresh temporary folder under the OS temp dir (removed by `removeTempDirs`). */
export function tempDir(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `ww-tfjs-${tag}-`));
  made.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export async function saveToTemp(model: TF.LayersModel, tag: string, meta?: unknown): Promise<string> {
  const dir = tempDir(tag);
  await saveTfjsModel(model, dir, meta);
  return path.join(dir, 'model.json');
}

/** Random sequences of frames (or token ids) with lengths in [minLen, maxLen]. */
export function randomSequences(seed: string, n: number, features: number, minLen: number, maxLen: number, vocab?: number): number[][][] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => {
    const len = minLen + Math.floor(rng() * (maxLen - minLen + 1));
    return Array.from({ length: len }, () =>
      vocab ? [Math.floor(rng() * vocab)] : Array.from({ length: features }, () => (rng() * 2 - 1) * 2));
  });
}

/**
 * TF.js prediction for one sequence: every step's output when the model returns sequences
 * ([steps][outputs]), else one row with the final output.
 */
export async function predictTf(model: TF.LayersModel, seq: number[][], tokens = false): Promise<number[][]> {
  const tf = await initTf();
  const x = tokens ? tf.tensor2d(seq.map((f) => f[0]), [1, seq.length]) : tf.tensor3d([seq]);
  const y = model.predict(x) as TF.Tensor;
  const arr = (await y.array()) as number[][] | number[][][];
  x.dispose();
  y.dispose();
  return y.shape.length === 3 ? (arr as number[][][])[0] : [(arr as number[][])[0]];
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
