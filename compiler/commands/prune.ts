/**
 * `watchword prune <model> (--sparsity S | --theta θ) [--scope global|layer|tensor]
 *   [--structured --units N | --keep-units N | --dead-units] [--finetune <epochs> --data <src>]
 *   --out <dir>`: prunes a model and saves it in the TF.js layers format (with watchword's
 * metadata), ready for `watchword build`.
 *
 * Order: structured pruning first (whole units go, the matrices shrink), then magnitude
 * pruning. With --finetune and --sparsity the sparsity is raised gradually while training
 * (Zhu & Gupta; --one-shot prunes first and fine-tunes with a fixed mask instead); with
 * --theta the model is pruned by θ and then fine-tuned with that mask. `--data` is a data set
 * file or an example generator name (e.g. `gestures`); its train split trains, validation is
 * reported per epoch, and the test split is measured with the float reference before and
 * after. The sparsity table and accuracies go to stdout (or JSON with --json).
 */
import type { Command } from 'commander';
import path from 'node:path';
import fs from 'node:fs';
import { WatchwordError } from '../errors';
import { loadModel } from '../import/index';
import type { ModelIR } from '../ir/types';
import type { Dataset } from '../data/dataset';
import { pruneMagnitude, type PruneScope } from '../compress/prune';
import { pruneUnits } from '../compress/prune-structured';
import { pruneModel } from '../compress/prune-model';
import { sparsity, sparsityText } from '../compress/sparsity';
import { initTf } from '../train/backend';
import { irToTfjs } from '../train/ir-to-tfjs';
import { saveTfjsModel } from '../train/save';
import { generatorNames, loadDatasetSource } from '../train/dataset-source';
import { argmax, runFloat } from '../reference/float';

interface PruneCliOptions {
  sparsity?: string; theta?: string; scope: string; perLayer?: boolean; embedding?: boolean;
  structured?: boolean; units?: string; keepUnits?: string; deadUnits?: boolean;
  finetune?: string; data?: string; oneShot?: boolean; lr: string; batchSize: string; seed: string;
  out: string; json?: boolean;
}

function num(v: string, what: string, ok: (n: number) => boolean, range: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new WatchwordError(`${what} must be ${range}, got '${v}'`);
  return n;
}
const int = (v: string, what: string, min = 1) => num(v, what, (n) => Number.isInteger(n) && n >= min, `an integer ≥ ${min}`);

/** Float-reference accuracy on a split (exactly what the device's float model would do). */
export function floatAccuracy(ir: ModelIR, rows: Dataset['splits']['test']): number {
  if (rows.length === 0) return NaN;
  let ok = 0;
  for (const e of rows) if (argmax(runFloat(ir, e.frames)) === e.label) ok++;
  return ok / rows.length;
}

/** One-shot magnitude pruning of the structurally pruned model (what fine-tuning starts from). */
function pruneModelSync(ir: ModelIR, sparsity: number | undefined, theta: number | undefined, scope: PruneScope, embedding?: boolean): ModelIR {
  if (sparsity === undefined && theta === undefined) return ir;
  return pruneMagnitude(ir, sparsity !== undefined ? { sparsity, scope, embedding } : { theta, embedding });
}

export async function loadData(src: string): Promise<Dataset> {
  if (generatorNames().includes(src) && !fs.existsSync(src)) return loadDatasetSource({ generator: src }, '--data');
  return loadDatasetSource({ file: path.resolve(src) }, '--data');
}

export function register(program: Command): void {
  program
    .command('prune')
    .description('prune a model (magnitude and/or whole units), optionally fine-tune it, and save it in the TF.js layers format')
    .argument('<model>', 'TF.js model.json (or its folder) or .onnx file')
    .option('--sparsity <s>', 'target fraction of zero weights in [0, 1), e.g. 0.7')
    .option('--theta <θ>', 'threshold: zero every weight with |w| < θ')
    .option('--scope <scope>', 'pool a --sparsity target is met over: global | layer | tensor', 'global')
    .option('--per-layer', 'same as --scope layer')
    .option('--embedding', 'also prune the Embedding table')
    .option('--structured', 'remove whole hidden units (with --units, --keep-units or --dead-units)')
    .option('--units <n>', 'structured: hidden units to remove from each recurrent layer that feeds another layer')
    .option('--keep-units <n>', 'structured: hidden units to keep in each such layer')
    .option('--dead-units', 'structured: remove exactly the units whose outgoing weights are all zero')
    .option('--finetune <epochs>', 'fine-tune in TF.js for this many epochs (needs --data)')
    .option('--data <src>', `data set file, or an example generator (${generatorNames().join(', ')})`)
    .option('--one-shot', 'with --finetune and --sparsity: prune at once, then fine-tune (default: gradual schedule)')
    .option('--lr <rate>', 'fine-tuning learning rate', '0.002')
    .option('--batch-size <n>', 'fine-tuning batch size', '32')
    .option('--seed <n>', 'fine-tuning seed (batch order)', '1')
    .requiredOption('-o, --out <dir>', 'output folder (model.json + weights.bin)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: PruneCliOptions) => {
      const scope = (o.perLayer ? 'layer' : o.scope) as PruneScope;
      if (!['global', 'layer', 'tensor'].includes(scope)) throw new WatchwordError(`--scope must be global, layer or tensor, got '${o.scope}'`);
      if (o.sparsity !== undefined && o.theta !== undefined) throw new WatchwordError('give either --sparsity or --theta, not both');
      const target = o.sparsity !== undefined ? num(o.sparsity, '--sparsity', (n) => n >= 0 && n < 1, 'a number in [0, 1)') : undefined;
      const theta = o.theta !== undefined ? num(o.theta, '--theta', (n) => n >= 0, 'a number ≥ 0') : undefined;
      const unitOpts = [o.units, o.keepUnits, o.deadUnits].filter((v) => v !== undefined).length;
      if (o.structured && unitOpts !== 1) throw new WatchwordError('--structured needs exactly one of --units <n>, --keep-units <n>, --dead-units');
      if (!o.structured && unitOpts) throw new WatchwordError('--units, --keep-units and --dead-units need --structured');
      if (!o.structured && target === undefined && theta === undefined) throw new WatchwordError('nothing to do: give --sparsity, --theta or --structured');
      const epochs = o.finetune !== undefined ? int(o.finetune, '--finetune') : 0;
      if (epochs && !o.data) throw new WatchwordError('--finetune needs --data <data set file or generator>');

      const original = await loadModel(file);
      const data = o.data ? await loadData(o.data) : undefined;
      if (data && data.labels.length !== original.labels.length) {
        throw new WatchwordError(`--data ${o.data}: ${data.labels.length} labels, the model has ${original.labels.length} outputs`);
      }
      const lr = num(o.lr, '--lr', (n) => n > 0 && n <= 1, 'a number in (0, 1]');
      const unitSpec = !o.structured ? undefined : o.deadUnits ? { dead: true } : o.units !== undefined ? { remove: int(o.units, '--units') } : { keep: int(o.keepUnits!, '--keep-units') };
      // The model before magnitude pruning and tuning (after structured pruning), for the report.
      const shrunk = unitSpec ? pruneUnits(original, unitSpec) : original;
      const r = await pruneModel(original, {
        sparsity: target, theta, scope, embedding: o.embedding, units: unitSpec, finetune: epochs, oneShot: o.oneShot,
        learningRate: lr, batchSize: int(o.batchSize, '--batch-size'), seed: int(o.seed, '--seed', 0),
      }, data && { train: data.splits.train, validation: data.splits.validation });
      const ir = r.ir;
      const gradual = r.gradual;
      const thresholds = r.thresholds.map(({ layer, tensor, theta: t }) => ({ layer, tensor, theta: t }));
      const history = r.history;
      const prunedBeforeTuning = epochs && !gradual ? pruneModelSync(shrunk, target, theta, scope, o.embedding) : undefined;
      const tf = await initTf();
      const model = irToTfjs(tf, ir);
      await saveTfjsModel(model, path.resolve(o.out), { name: ir.name, labels: ir.labels, input: ir.input });
      model.dispose();

      const rep = sparsity(ir);
      const test = data?.splits.test ?? [];
      const acc = test.length ? {
        original: floatAccuracy(original, test),
        pruned: prunedBeforeTuning ? floatAccuracy(prunedBeforeTuning, test) : undefined,
        final: floatAccuracy(ir, test),
        rows: test.length,
      } : undefined;
      const units = ir.layers.map((l) => ({ layer: l.name, units: 'units' in l ? l.units : l.dim }));
      if (o.json) {
        process.stdout.write(JSON.stringify({ out: o.out, sparsity: rep, thresholds, units, accuracy: acc, history }) + '\n');
        return;
      }
      const pct = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(2)} %`);
      const lines = [`saved ${o.out}`, '', sparsityText(rep)];
      if (o.structured) lines.push('', `units: ${units.map((u) => `${u.layer} ${u.units}`).join(', ')} (was ${original.layers.map((l) => ('units' in l ? l.units : l.dim)).join(', ')})`);
      if (acc) {
        lines.push('', `test accuracy (float reference, ${acc.rows} rows): original ${pct(acc.original)}` +
          (acc.pruned !== undefined ? `, pruned before fine-tuning ${pct(acc.pruned)}` : '') + `, ${epochs ? 'fine-tuned' : 'pruned'} ${pct(acc.final)}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
