/**
 * Accuracy per example model on its test split: float (compiler/reference/float.ts, what the
 * trained model does), int8 (the integer reference, bit-identical to the device), and
 * pruned+int8 — one-shot global magnitude pruning at a few sparsities, without fine-tuning, so
 * the figures are reproducible in seconds (the fine-tuned pruning figures come from
 * bench/compress-gestures.ts and are quoted from bench/results/ when present). The data set is
 * the one named by the example's train.json; calibration uses its training split, as
 * `watchword report` does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadModel } from '../compiler/import/index';
import { loadTrainConfig } from '../compiler/train/config';
import { loadDatasetSource } from '../compiler/train/dataset-source';
import { argmax, runFloat } from '../compiler/reference/float';
import { planModel } from '../compiler/plan/planModel';
import { int8Net, wwBytes } from '../compiler/reference/int8';
import { pruneMagnitude } from '../compiler/compress/prune';
import type { ModelIR } from '../compiler/ir/types';
import type { Dataset } from '../compiler/data/dataset';

export interface AccuracyRow {
  example: string;
  variant: string;
  sparsity: number;
  float: number;
  int8: number;
  wwBytes: number;
  testRows: number;
  note?: string;
}

function int8Accuracy(ir: ModelIR, ds: Dataset): { acc: number; ww: number } {
  const p = planModel(ir, ds.splits.train.slice(0, 400).map((e) => e.frames), { quiet: true });
  const net = int8Net(p);
  let ok = 0;
  for (const e of ds.splits.test) if (net.classify(e.frames).index === e.label) ok++;
  return { acc: ok / ds.splits.test.length, ww: wwBytes(p).length };
}

function floatAccuracy(ir: ModelIR, ds: Dataset): number {
  let ok = 0;
  for (const e of ds.splits.test) if (argmax(runFloat(ir, e.frames)) === e.label) ok++;
  return ok / ds.splits.test.length;
}

/** Fine-tuned pruning figures recorded by bench/compress-gestures.ts (gradual steps), if any. */
function recordedPruning(root: string, example: string): AccuracyRow[] {
  const f = path.join(root, 'bench', 'results', `compress-${example}.json`);
  if (!fs.existsSync(f)) return [];
  const runs = JSON.parse(fs.readFileSync(f, 'utf8')) as Array<{ step: string; args: string[]; testRows: number; pruned?: { float: number; int8: number; wwBytes: number; weightSparsity: number } }>;
  return runs.filter((r) => r.step === 'gradual' && r.pruned).map((r) => ({
    example, variant: `gradual pruning + fine-tuning (${r.args.slice(2, 3).join('')} epochs; recorded)`, sparsity: r.pruned!.weightSparsity,
    float: r.pruned!.float, int8: r.pruned!.int8, wwBytes: r.pruned!.wwBytes, testRows: r.testRows,
    note: `bench/results/compress-${example}.json: npx tsx bench/compress-gestures.ts ${r.args.join(' ')}`,
  }));
}

export async function exampleAccuracy(root: string, sparsities: number[] = [0.3, 0.5]): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  const dir = path.join(root, 'examples');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
    const cfgFile = path.join(dir, name, 'train.json');
    const modelDir = path.join(dir, name, 'model');
    if (!fs.existsSync(cfgFile) || !fs.existsSync(modelDir)) continue;
    const cfg = loadTrainConfig(cfgFile);
    const ds = await loadDatasetSource(cfg.dataset, cfgFile);
    const ir = await loadModel(modelDir);
    const q = int8Accuracy(ir, ds);
    const n = ds.splits.test.length;
    rows.push({ example: name, variant: 'dense', sparsity: 0, float: floatAccuracy(ir, ds), int8: q.acc, wwBytes: q.ww, testRows: n });
    for (const s of sparsities) {
      const pr = pruneMagnitude(ir, { sparsity: s, scope: 'global' });
      const pq = int8Accuracy(pr, ds);
      rows.push({ example: name, variant: 'one-shot magnitude pruning, no fine-tuning', sparsity: s, float: floatAccuracy(pr, ds), int8: pq.acc, wwBytes: pq.ww, testRows: n });
    }
    rows.push(...recordedPruning(root, name));
  }
  return rows;
}
