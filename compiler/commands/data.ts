/**
 * `watchword data ...`: making and converting data sets.
 *   data gestures [--seed S] [--split test] [--out file]   the synthetic Bangle.js gesture set
 *       (whole data set, or one split in the `watchword predict` input format)
 *   data merge <csv...> --out <dataset.json>               recorder CSVs → one data set
 *   data export <dataset.json> --split test [--out file]   one split → predict input format
 * Without --out the JSON goes to stdout.
 */
import type { Command } from 'commander';
import fs from 'node:fs';
import { WatchwordError } from '../errors';
import { classCounts, loadDataset, saveDataset, SPLITS, toSequenceFile, type Dataset, type SplitName } from '../data/dataset';
import { mergeRecordings, readRecorderCsv } from '../data/csv';

function splitName(s: string | undefined): SplitName | undefined {
  if (s === undefined) return undefined;
  if (!(SPLITS as readonly string[]).includes(s)) throw new WatchwordError(`--split must be one of ${SPLITS.join(', ')}, got '${s}'`);
  return s as SplitName;
}

function count(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new WatchwordError(`${what} must be a positive integer, got '${v}'`);
  return n;
}

function fraction(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n >= 0 && n < 1)) throw new WatchwordError(`${what} must be a fraction in [0, 1), got '${v}'`);
  return n;
}

/** Writes a data set, or one split of it in predict format, to a file or stdout. */
function emit(ds: Dataset, split: SplitName | undefined, out: string | undefined): void {
  const summary = `${ds.name}: ${SPLITS.map((s) => `${s} ${ds.splits[s].length}`).join(', ')} (${ds.labels.length} classes)`;
  if (split) {
    const text = JSON.stringify(toSequenceFile(ds, split)) + '\n';
    if (out) { fs.writeFileSync(out, text); process.stderr.write(`${summary}; wrote split ${split} to ${out}\n`); } else process.stdout.write(text);
    return;
  }
  if (out) {
    saveDataset(ds, out);
    process.stderr.write(`${summary}; wrote ${out}\n`);
    process.stderr.write(`train per class: ${ds.labels.map((l, i) => `${l} ${classCounts(ds, 'train')[i]}`).join(', ')}\n`);
  } else {
    process.stdout.write(JSON.stringify(ds) + '\n');
  }
}

export function register(program: Command): void {
  const data = program.command('data').description('make and convert data sets (synthetic gestures, recorder CSVs, predict input)');

  data
    .command('gestures')
    .description('generate the synthetic Bangle.js wrist-gesture data set (or one split in predict format)')
    .option('--seed <s>', 'random seed', '1')
    .option('--split <name>', 'write only this split (train|validation|test) as {"sequences", "targets"} for `watchword predict`')
    .option('--train <n>', 'examples per class in train')
    .option('--validation <n>', 'examples per class in validation')
    .option('--test <n>', 'examples per class in test')
    .option('-o, --out <file>', 'output file (default: stdout)')
    .action(async (o: { seed: string; split?: string; train?: string; validation?: string; test?: string; out?: string }) => {
      const split = splitName(o.split);
      const { generateGestureDataset } = await import('../../examples/gestures/generate');
      const seed = /^\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
      const opts: Record<string, number | string> = { seed };
      for (const k of ['train', 'validation', 'test'] as const) { const n = count(o[k], `--${k}`); if (n !== undefined) opts[k] = n; }
      emit(generateGestureDataset(opts), split, o.out);
    });

  data
    .command('merge')
    .description('merge recorder CSVs (label,n,x0,y0,z0,...) downloaded from the watch into one data set')
    .argument('<csv...>', 'CSV files written by examples/gestures/recorder')
    .requiredOption('-o, --out <file>', 'data set JSON to write')
    .option('--labels <list>', 'comma-separated label order (default: order of first appearance)')
    .option('--name <name>', 'data set name', 'recorded')
    .option('--seed <s>', 'seed of the train/validation/test split', '1')
    .option('--validation <fraction>', 'share of each class for validation', '0.15')
    .option('--test <fraction>', 'share of each class for test', '0.15')
    .action(async (files: string[], o: { out: string; labels?: string; name: string; seed: string; validation: string; test: string }) => {
      const { GESTURE_INPUT } = await import('../../examples/gestures/generate');
      const recs = files.flatMap((f) => readRecorderCsv(f, 50));
      const ds = mergeRecordings(recs, { ...GESTURE_INPUT, maxSteps: 50 }, {
        name: o.name,
        labels: o.labels ? o.labels.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
        seed: o.seed,
        validation: fraction(o.validation, '--validation'),
        test: fraction(o.test, '--test'),
      });
      emit(ds, undefined, o.out);
    });

  data
    .command('export')
    .description('write one split of a data set in the `watchword predict` input format')
    .argument('<dataset>', 'data set JSON')
    .requiredOption('--split <name>', 'train|validation|test')
    .option('-o, --out <file>', 'output file (default: stdout)')
    .action((file: string, o: { split: string; out?: string }) => {
      emit(loadDataset(file), splitName(o.split), o.out);
    });
}
