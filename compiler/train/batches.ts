/**
 * Mini-batches without padding: sequences are grouped by length and each batch holds
 * sequences of one length only. A padded sequence would run the recurrent layers over the
 * padding (zeros still move the state through the biases), and the model would learn the
 * padded inputs — but the watch and the float reference run every sequence at its natural
 * length, and the importer does not support a Masking layer. Bucketing trains on exactly
 * what will be run.
 *
 * Shuffling is our own and seeded (seedrandom), so a run is reproducible: the order within
 * each length and the order of the batches change every epoch, deterministically.
 */
import type { Example } from '../data/dataset';

export type Rng = () => number;

export function shuffleInPlace<T>(a: T[], rng: Rng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]; a[i] = a[j]; a[j] = t;
  }
  return a;
}

/** Indices of `rows` grouped by sequence length, ascending length. */
export function lengthBuckets(rows: Example[]): number[][] {
  const by = new Map<number, number[]>();
  rows.forEach((e, i) => {
    const b = by.get(e.frames.length);
    if (b) b.push(i); else by.set(e.frames.length, [i]);
  });
  return [...by.keys()].sort((a, b) => a - b).map((k) => by.get(k)!);
}

/** One epoch's batches (lists of row indices, each list of one length), shuffled. */
export function epochBatches(buckets: number[][], batchSize: number, rng: Rng): number[][] {
  const batches: number[][] = [];
  for (const b of buckets) {
    const order = shuffleInPlace(b.slice(), rng);
    for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  }
  return shuffleInPlace(batches, rng);
}

/** Evaluation batches: every row once, grouped by length, in a fixed order. */
export function evalBatches(buckets: number[][], batchSize: number): number[][] {
  const out: number[][] = [];
  for (const b of buckets) for (let i = 0; i < b.length; i += batchSize) out.push(b.slice(i, i + batchSize));
  return out;
}
