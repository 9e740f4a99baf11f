/**
 * `pruneModel(ir, spec, data?)`: the whole pruning stage as `watchword prune` and
 * `watchword build --prune` run it — structured pruning first (whole units go, matrices
 * shrink), then magnitude pruning, either at once or, when fine-tuning with a sparsity target,
 * gradually while training (Zhu & Gupta) — and `parsePruneSpec` for the `--prune` value.
 * Returns a new IR; the input is untouched.
 */
import { WatchwordError } from '../errors';
import type { Example } from '../data/dataset';
import type { ModelIR } from '../ir/types';
import { finetune, type EpochLog } from '../train/finetune';
import { pruneMagnitudeReport, type PrunedTensor, type PruneScope } from './prune';
import { pruneUnits, type PruneUnitsOptions } from './prune-structured';

export interface PruneSpec {
  sparsity?: number;
  theta?: number;
  scope?: PruneScope;
  embedding?: boolean;
  /** Structured pruning before magnitude pruning. */
  units?: PruneUnitsOptions;
  /** Fine-tuning epochs (0 = none; needs data). */
  finetune?: number;
  /** With fine-tuning and a sparsity target: prune at once instead of gradually. */
  oneShot?: boolean;
  learningRate?: number;
  batchSize?: number;
  seed?: number;
  quiet?: boolean;
}

export interface PruneResult {
  ir: ModelIR;
  /** Thresholds of a one-shot magnitude pruning (empty for the gradual schedule). */
  thresholds: PrunedTensor[];
  history: EpochLog[];
  /** Whether the sparsity was reached gradually during fine-tuning. */
  gradual: boolean;
}

/**
 * `--prune` values: "0.7" or "70%" is a target sparsity; "theta=0.05" (or "θ=0.05") a threshold.
 * A bare number is always a sparsity, so 0.05 never silently means a threshold.
 */
export function parsePruneSpec(s: string): { sparsity?: number; theta?: number } {
  const t = s.trim();
  const m = /^(?:theta|θ)\s*[=:]\s*(.*)$/i.exec(t);
  if (m) {
    const v = Number(m[1]);
    if (m[1].trim() === '' || !Number.isFinite(v) || v < 0) throw new WatchwordError(`--prune ${s}: the threshold θ must be a number ≥ 0`);
    return { theta: v };
  }
  const pct = t.endsWith('%');
  const v = Number(pct ? t.slice(0, -1) : t) / (pct ? 100 : 1);
  if (t === '' || t === '%' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new WatchwordError(`--prune ${s}: expected a sparsity in [0, 1) such as 0.7 or 70%, or a threshold such as theta=0.05`);
  }
  return { sparsity: v };
}

export async function pruneModel(ir0: ModelIR, spec: PruneSpec, data?: { train: Example[]; validation?: Example[] }): Promise<PruneResult> {
  const where = ir0.source?.file ?? ir0.name;
  if (spec.sparsity !== undefined && spec.theta !== undefined) throw new WatchwordError(`${where}: give either a sparsity or a threshold θ, not both`);
  const epochs = spec.finetune ?? 0;
  if (epochs && !data) throw new WatchwordError(`${where}: fine-tuning after pruning needs a data set`);
  let ir = ir0;
  if (spec.units) ir = pruneUnits(ir, spec.units);
  const gradual = epochs > 0 && spec.sparsity !== undefined && !spec.oneShot;
  let thresholds: PrunedTensor[] = [];
  if (!gradual && (spec.sparsity !== undefined || spec.theta !== undefined)) {
    const r = pruneMagnitudeReport(ir, spec.sparsity !== undefined
      ? { sparsity: spec.sparsity, scope: spec.scope, embedding: spec.embedding }
      : { theta: spec.theta, embedding: spec.embedding });
    ir = r.ir;
    thresholds = r.tensors;
  }
  let history: EpochLog[] = [];
  if (epochs) {
    const r = await finetune(ir, data!.train, {
      epochs, learningRate: spec.learningRate, batchSize: spec.batchSize, seed: spec.seed, scope: spec.scope,
      embedding: spec.embedding, validation: data!.validation, quiet: spec.quiet,
      schedule: gradual ? { final: spec.sparsity! } : undefined,
    });
    ir = r.ir;
    history = r.history;
  }
  return { ir, thresholds, history, gradual };
}
