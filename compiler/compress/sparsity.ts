/**
 * Sparsity statistics for reports: per layer and per weight tensor, how many weights are
 * exactly zero. "Weights" here are the prunable matrices (recurrent W and R, Dense W, the
 * Embedding table); biases and initial states are counted apart and never pruned, so the
 * headline `weightSparsity` is zeros / weights over the matrices only, the figure pruning
 * targets and the sparse encodings exploit.
 */
import { contiguous } from '../ir/tensor';
import type { Layer, ModelIR, Tensor } from '../ir/types';

export interface TensorSparsity {
  layer: string;
  /** 'W' | 'R' | 'table' (the matrices pruning touches). */
  tensor: string;
  rows: number;
  cols: number;
  size: number;
  zeros: number;
  sparsity: number;
  /** Rows that are entirely zero (a sparse kernel skips them; E.convolve must not get them). */
  zeroRows: number;
}

export interface LayerSparsity {
  layer: string;
  kind: Layer['kind'];
  weights: number;
  zeros: number;
  sparsity: number;
  biases: number;
}

export interface SparsityReport {
  tensors: TensorSparsity[];
  layers: LayerSparsity[];
  weights: number;
  zeros: number;
  /** zeros / weights over every prunable matrix of the model. */
  weightSparsity: number;
  /** Biases (never pruned), for the total parameter count. */
  biases: number;
}

/** The prunable matrices of a layer, by the names the IR gives them. */
export function weightTensors(l: Layer): { name: string; t: Tensor }[] {
  switch (l.kind) {
    case 'embedding': return [{ name: 'table', t: l.table }];
    case 'dense': return [{ name: 'W', t: l.W }];
    default: return [{ name: 'W', t: l.W }, { name: 'R', t: l.R }];
  }
}

function biasCount(l: Layer): number {
  switch (l.kind) {
    case 'embedding': return 0;
    case 'dense': return l.b.size;
    default: return l.bW.size + l.bR.size;
  }
}

export function tensorSparsity(layer: string, name: string, t: Tensor): TensorSparsity {
  const flat = contiguous(t);
  const [rows, cols] = t.shape;
  let zeros = 0;
  let zeroRows = 0;
  for (let r = 0; r < rows; r++) {
    let rz = 0;
    for (let c = 0; c < cols; c++) if (flat[r * cols + c] === 0) rz++;
    zeros += rz;
    if (rz === cols) zeroRows++;
  }
  return { layer, tensor: name, rows, cols, size: flat.length, zeros, sparsity: flat.length ? zeros / flat.length : 0, zeroRows };
}

export function sparsity(ir: ModelIR): SparsityReport {
  const tensors: TensorSparsity[] = [];
  const layers: LayerSparsity[] = [];
  for (const l of ir.layers) {
    const ts = weightTensors(l).map(({ name, t }) => tensorSparsity(l.name, name, t));
    tensors.push(...ts);
    const weights = ts.reduce((a, t) => a + t.size, 0);
    const zeros = ts.reduce((a, t) => a + t.zeros, 0);
    layers.push({ layer: l.name, kind: l.kind, weights, zeros, sparsity: weights ? zeros / weights : 0, biases: biasCount(l) });
  }
  const weights = layers.reduce((a, l) => a + l.weights, 0);
  const zeros = layers.reduce((a, l) => a + l.zeros, 0);
  return { tensors, layers, weights, zeros, weightSparsity: weights ? zeros / weights : 0, biases: layers.reduce((a, l) => a + l.biases, 0) };
}

/** A small fixed-width table for the CLI and build reports. */
export function sparsityText(rep: SparsityReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = ['layer            tensor  shape        zeros / size    sparsity  zero rows'];
  for (const t of rep.tensors) {
    lines.push(`${t.layer.slice(0, 16).padEnd(16)} ${t.tensor.padEnd(7)} ${`[${t.rows}, ${t.cols}]`.padEnd(12)} ${`${t.zeros} / ${t.size}`.padEnd(15)} ${pct(t.sparsity).padStart(8)}  ${t.zeroRows}`);
  }
  lines.push(`total weight sparsity ${pct(rep.weightSparsity)} (${rep.zeros} of ${rep.weights} weights zero; ${rep.biases} biases not pruned)`);
  return lines.join('\n');
}
