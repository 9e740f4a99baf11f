/**
 * `pruneMagnitude(ir, opts)`: magnitude pruning, the classic rule W_ij = 0 if |W_ij| < θ.
 *
 * What is pruned: the weight matrices — recurrent W (input) and R (recurrent), Dense W, and
 * the Embedding table only when asked (`embedding: true`; an embedding row is a token's whole
 * representation, and zeroing it costs more accuracy than it saves bytes). Biases and initial
 * states are never pruned: they are few, and a zeroed bias shifts every output.
 *
 * θ is either given (`theta`: one number for every matrix, or one per layer name) or derived
 * from a target fraction of zero weights (`sparsity`) over a pool of weights:
 *   scope 'global' — one θ over all pruned matrices (large layers absorb most of the cut),
 *   scope 'layer'  — one θ per layer (W and R of a recurrent layer pooled), each layer at the target,
 *   scope 'tensor' — one θ per matrix.
 * With a target, exactly round(sparsity × pool size) weights are zeroed: the smallest
 * magnitudes, ties at the boundary broken by position, so the figure is exact even when many
 * weights are equal (e.g. already zero). θ reported for such a pool is the smallest surviving
 * magnitude: every pruned |w| ≤ θ ≤ every kept |w|.
 * Weights that are already zero count as pruned, so pruning a pruned model to a higher target
 * only adds zeros (the property gradual pruning relies on).
 */
import { WatchwordError } from '../errors';
import { contiguous, tensor } from '../ir/tensor';
import type { Layer, ModelIR, Tensor } from '../ir/types';
import { verify } from '../ir/verify';
import { cloneModel } from './clone-model';
import { weightTensors } from './sparsity';

export type PruneScope = 'global' | 'layer' | 'tensor';

export interface PruneOptions {
  /** Target fraction of zero weights in [0, 1). Exclusive with `theta`. */
  sparsity?: number;
  /** Threshold: zero every |w| < theta. One number, or one per layer name. */
  theta?: number | Record<string, number>;
  /** Pool over which a `sparsity` target is met (default 'global'). */
  scope?: PruneScope;
  /** Also prune the Embedding table (default false). */
  embedding?: boolean;
}

/** One pruned matrix: its threshold and how many weights are zero afterwards. */
export interface PrunedTensor {
  layer: string;
  tensor: string;
  theta: number;
  size: number;
  zeros: number;
}

interface Slot { layer: Layer; name: string; t: Tensor; flat: Float32Array }

function slots(ir: ModelIR, embedding: boolean): Slot[] {
  const out: Slot[] = [];
  for (const l of ir.layers) {
    if (l.kind === 'embedding' && !embedding) continue;
    for (const { name, t } of weightTensors(l)) out.push({ layer: l, name, t, flat: contiguous(t) });
  }
  return out;
}

function checkOptions(ir: ModelIR, o: PruneOptions): void {
  const where = ir.source?.file ?? ir.name;
  if ((o.sparsity === undefined) === (o.theta === undefined)) {
    throw new WatchwordError(`${where}: pruning needs exactly one of a target sparsity or a threshold θ`);
  }
  if (o.sparsity !== undefined && !(o.sparsity >= 0 && o.sparsity < 1)) {
    throw new WatchwordError(`${where}: target sparsity must be in [0, 1), got ${o.sparsity}`);
  }
  if (o.scope !== undefined && !['global', 'layer', 'tensor'].includes(o.scope)) {
    throw new WatchwordError(`${where}: pruning scope '${o.scope}' is not one of global, layer, tensor`);
  }
  if (o.theta !== undefined) {
    const entries = typeof o.theta === 'number' ? [['(all layers)', o.theta] as const] : Object.entries(o.theta);
    for (const [name, th] of entries) {
      if (typeof th !== 'number' || !(th >= 0) || Number.isNaN(th)) {
        throw new WatchwordError(`${where}: pruning threshold θ for ${name} must be a number ≥ 0, got ${th}`);
      }
      if (typeof o.theta !== 'number' && !ir.layers.some((l) => l.name === name)) {
        throw new WatchwordError(`${where}: pruning threshold given for layer '${name}', which the model does not have (${ir.layers.map((l) => l.name).join(', ')})`);
      }
    }
  }
}

/** Zeroes the k smallest magnitudes of a pool (ties by position); returns the reported θ. */
function pruneSmallest(pool: Slot[], sparsity: number): number {
  const n = pool.reduce((a, s) => a + s.flat.length, 0);
  const k = Math.round(sparsity * n);
  if (n === 0) return 0;
  const mags = new Float64Array(n);
  const idx = new Uint32Array(n);
  let o = 0;
  for (const s of pool) for (let i = 0; i < s.flat.length; i++) { mags[o] = Math.abs(s.flat[i]); idx[o] = o; o++; }
  // A stable order by (magnitude, position): sort the indices, ties keep ascending position.
  const order = Array.from(idx).sort((a, b) => mags[a] - mags[b] || a - b);
  const offsets: number[] = [];
  let acc = 0;
  for (const s of pool) { offsets.push(acc); acc += s.flat.length; }
  for (let j = 0; j < k; j++) {
    const g = order[j];
    let p = pool.length - 1;
    while (offsets[p] > g) p--;
    pool[p].flat[g - offsets[p]] = 0;
  }
  return k < n ? mags[order[k]] : Infinity;
}

/** Prunes and returns the new IR plus what each matrix got; the input IR is not modified. */
export function pruneMagnitudeReport(ir: ModelIR, opts: PruneOptions): { ir: ModelIR; tensors: PrunedTensor[] } {
  checkOptions(ir, opts);
  const out = cloneModel(ir);
  const all = slots(out, opts.embedding ?? false);
  const theta = new Map<Slot, number>();
  if (opts.theta !== undefined) {
    for (const s of all) {
      const th = typeof opts.theta === 'number' ? opts.theta : opts.theta[s.layer.name];
      if (th === undefined) continue; // layers without a θ are left as they are
      for (let i = 0; i < s.flat.length; i++) if (Math.abs(s.flat[i]) < th) s.flat[i] = 0;
      theta.set(s, th);
    }
  } else {
    const scope = opts.scope ?? 'global';
    const pools: Slot[][] = scope === 'global' ? [all]
      : scope === 'tensor' ? all.map((s) => [s])
        : [...new Set(all.map((s) => s.layer))].map((l) => all.filter((s) => s.layer === l));
    for (const pool of pools) {
      const th = pruneSmallest(pool, opts.sparsity!);
      for (const s of pool) theta.set(s, th);
    }
  }
  // Write the pruned copies back as the layer's tensors (clones, so no view is shared).
  for (const s of all) {
    const t = tensor(s.flat, s.t.shape.slice());
    const l = s.layer as unknown as Record<string, Tensor>;
    l[s.name] = t;
  }
  const tensors = all.filter((s) => theta.has(s)).map((s) => ({
    layer: s.layer.name, tensor: s.name, theta: theta.get(s)!, size: s.flat.length,
    zeros: s.flat.reduce((a, v) => a + (v === 0 ? 1 : 0), 0),
  }));
  return { ir: verify(out, 'prune'), tensors };
}

export function pruneMagnitude(ir: ModelIR, opts: PruneOptions): ModelIR {
  return pruneMagnitudeReport(ir, opts).ir;
}
