/**
 * Measures a text-command model on the test split and on the held-out-templates split,
 * through watchword's importer and float reference (what `watchword predict` computes) and
 * through the int8 path the watch runs (calibrated on the training split, quantized,
 * planned; compiler/reference/int8.ts, bit-exact with the device runtime). Prints the
 * per-intent tables in Markdown for the README; `--json` prints the figures instead.
 *
 *   npx tsx examples/commands/evaluate.ts [examples/commands/model/model.json] [--json]
 */
import { loadModel } from '../../compiler/import/index';
import { argmax, runFloat } from '../../compiler/reference/float';
import { planModel } from '../../compiler/plan/planModel';
import { int8Net, runInt8 } from '../../compiler/reference/int8';
import type { Example } from '../../compiler/data/dataset';
import type { ModelIR } from '../../compiler/ir/types';
import { COMMAND_DEFAULTS, generateCommandsDataset, generateHeldout } from './generate';

export interface SplitFigures {
  total: number;
  float: { correct: number; perClass: { correct: number; total: number }[] };
  int8: { correct: number; perClass: { correct: number; total: number }[] } | null;
  /** Examples where float and int8 pick the same intent. */
  agree: number | null;
}

export interface CommandFigures {
  labels: string[];
  test: SplitFigures;
  heldout: SplitFigures;
  /** The test texts that do not occur (as token sequences) in the training split. */
  novelTest: SplitFigures;
}

function measure(rows: Example[], n: number, predict: (frames: number[][]) => number): { correct: number; perClass: { correct: number; total: number }[]; preds: number[] } {
  const perClass = Array.from({ length: n }, () => ({ correct: 0, total: 0 }));
  const preds: number[] = [];
  let correct = 0;
  for (const e of rows) {
    const p = predict(e.frames);
    preds.push(p);
    perClass[e.label].total++;
    if (p === e.label) { perClass[e.label].correct++; correct++; }
  }
  return { correct, perClass, preds };
}

/** Float (and, with `int8`, integer) figures of a model on the test and held-out splits (default sizes). */
export function evaluateCommands(ir: ModelIR, o: { int8?: boolean } = {}): CommandFigures {
  const ds = generateCommandsDataset({ seed: COMMAND_DEFAULTS.seed, train: COMMAND_DEFAULTS.train, validation: 1, test: COMMAND_DEFAULTS.test });
  const heldout = generateHeldout({ seed: COMMAND_DEFAULTS.seed, heldout: COMMAND_DEFAULTS.heldout });
  const n = ds.labels.length;
  let int8Predict: ((frames: number[][]) => number) | null = null;
  if (o.int8) {
    const net = int8Net(planModel(ir, ds.splits.train.map((e) => e.frames), { quiet: true }));
    int8Predict = (frames) => runInt8(net, frames).index;
  }
  const floatPredict = (frames: number[][]) => argmax(runFloat(ir, frames));
  const split = (rows: Example[]): SplitFigures => {
    const f = measure(rows, n, floatPredict);
    if (!int8Predict) return { total: rows.length, float: { correct: f.correct, perClass: f.perClass }, int8: null, agree: null };
    const q = measure(rows, n, int8Predict);
    const agree = f.preds.filter((p, i) => p === q.preds[i]).length;
    return { total: rows.length, float: { correct: f.correct, perClass: f.perClass }, int8: { correct: q.correct, perClass: q.perClass }, agree };
  };
  // Short commands repeat ("next song"): many test texts also occur in training. Measure the rest too.
  const key = (e: Example) => e.frames.map((f) => f[0]).join(',');
  const seen = new Set(ds.splits.train.map(key));
  return { labels: ds.labels, test: split(ds.splits.test), heldout: split(heldout), novelTest: split(ds.splits.test.filter((e) => !seen.has(key(e)))) };
}

const pct = (c: number, t: number) => (t ? ((100 * c) / t).toFixed(2) : '-');

export function figuresTable(labels: string[], s: SplitFigures): string {
  const lines = [`| intent | float | ${s.int8 ? 'int8 |' : ''}`, `|---|---:|${s.int8 ? '---:|' : ''}`];
  labels.forEach((l, c) => {
    const f = s.float.perClass[c], q = s.int8?.perClass[c];
    lines.push(`| ${l} | ${f.correct} / ${f.total} (${pct(f.correct, f.total)} %) |${q ? ` ${q.correct} / ${q.total} (${pct(q.correct, q.total)} %) |` : ''}`);
  });
  lines.push(`| **all** | **${s.float.correct} / ${s.total} (${pct(s.float.correct, s.total)} %)** |${s.int8 ? ` **${s.int8.correct} / ${s.total} (${pct(s.int8.correct, s.total)} %)** |` : ''}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--')) ?? 'examples/commands/model/model.json';
  const ir = await loadModel(file);
  const r = evaluateCommands(ir, { int8: true });
  if (args.includes('--json')) { process.stdout.write(JSON.stringify(r) + '\n'); return; }
  const out: string[] = [];
  const n = r.novelTest;
  out.push(`Test texts that do not occur in the training split: ${n.total} of ${r.test.total}; float ${pct(n.float.correct, n.total)} %, int8 ${pct(n.int8!.correct, n.total)} %.`, '');
  for (const [name, s] of [['Test split (seen templates)', r.test], ['Held-out templates', r.heldout]] as const) {
    out.push(`${name}: float **${pct(s.float.correct, s.total)} %**, int8 **${pct(s.int8!.correct, s.total)} %** (${s.total} texts; float and int8 agree on ${s.agree})`, '');
    out.push(figuresTable(r.labels, s), '');
  }
  process.stdout.write(out.join('\n'));
}

if (process.argv[1] && /evaluate\.ts$/.test(process.argv[1])) await main();
