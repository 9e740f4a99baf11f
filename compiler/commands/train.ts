/**
 * `watchword train --config <file> [--out <dir>] [--epochs N] [--seed N]`: trains a recurrent
 * classifier with TF.js (WASM backend) as the config describes and saves it in the TF.js
 * layers format (model.json + weights.bin). Progress and per-epoch lines go to stderr; the
 * test-split result (overall and per class) goes to stdout.
 */
import type { Command } from 'commander';
import path from 'node:path';
import { WatchwordError } from '../errors';
import { loadTrainConfig } from '../train/config';
import { accuracyTable, runTraining } from '../train/train';
import { runDistillation } from '../train/distill-run';

function positive(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new WatchwordError(`${what} must be a positive integer, got '${v}'`);
  return n;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a GRU/LSTM/SimpleRNN classifier from a config and save it in the TF.js layers format')
    .requiredOption('-c, --config <file>', 'training config JSON (dataset, model, epochs, batchSize, learningRate, seed, out)')
    .option('-o, --out <dir>', 'output folder (overrides the config\'s "out")')
    .option('-e, --epochs <n>', 'number of epochs (overrides the config)')
    .option('--seed <n>', 'random seed (overrides the config)')
    .option('--json', 'print the result as JSON instead of a table')
    .option('--teacher <model>', 'distil from this trained model (its softened outputs train the config\'s student)')
    .option('--temperature <T>', 'distillation temperature', '4')
    .option('--alpha <a>', 'distillation: weight of the teacher term in [0, 1] (0 = labels only)', '0.7')
    .action(async (opts: { config: string; out?: string; epochs?: string; seed?: string; json?: boolean; teacher?: string; temperature: string; alpha: string }) => {
      const cfg = loadTrainConfig(opts.config);
      if (opts.out) cfg.out = path.resolve(opts.out);
      if (opts.epochs) cfg.epochs = positive(opts.epochs, '--epochs');
      if (opts.seed) cfg.seed = Number.isInteger(Number(opts.seed)) && Number(opts.seed) >= 0 ? Number(opts.seed) : (() => { throw new WatchwordError(`--seed must be a non-negative integer, got '${opts.seed}'`); })();
      const r = opts.teacher
        ? await runDistillation(cfg, opts.teacher, { where: opts.config, temperature: Number(opts.temperature), alpha: Number(opts.alpha) })
        : await runTraining(cfg, { where: opts.config });
      if (opts.json) {
        process.stdout.write(JSON.stringify({
          out: r.outDir, seconds: r.seconds, bestEpoch: r.bestEpoch, history: r.history,
          test: { accuracy: r.test.accuracy, loss: r.test.loss, perClass: r.test.perClass.map((p, c) => ({ label: r.dataset.labels[c], ...p })), confusion: r.test.confusion },
        }) + '\n');
        return;
      }
      process.stdout.write(`saved ${path.relative(process.cwd(), r.outDir) || '.'} (best epoch ${r.bestEpoch}, ${r.seconds.toFixed(0)} s)\n`);
      process.stdout.write(`test accuracy (TF.js): ${(100 * r.test.accuracy).toFixed(2)} %\n\n${accuracyTable(r.dataset.labels, r.test)}\n`);
    });
}
