/**
 * `npm run bench`: measures watchword against the float JavaScript a user would write by hand,
 * on every engine available, and rewrites bench/RESULTS.md, bench/latency.svg and
 * bench/calibration.json. Jobs run one after another (one engine process at a time, so
 * the engines do not compete for the two cores): latency of the sweep and the examples
 * (with the engine's plain dot loop timed in the same runs), memory, sizes, accuracy, then the calibration and the report.
 *
 *   npx tsx bench/index.ts [--quick] [--out dir] [--repeats n] [--target ms]
 *
 * --quick runs one small model, few repeats and no accuracy job (the test uses it); --out
 * writes the files elsewhere (default: bench/). ESPRUINO_BIN / JERRY_BIN add those engines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { progress } from '../compiler/progress';
import { getBoard, BOARD_IDS } from '../boards/index';
import { benchModels, type BenchModel } from './models';
import { detectEngines } from './engines';
import { measureLatency, type LatencyResult } from './latency';
import { measureMemory, type MemoryResult } from './memory';
import { codeSizes, modelSize } from './size';
import { exampleAccuracy, type AccuracyRow } from './accuracy';
import { computeCalibration } from './calibration';
import { latencySvg, resultsMarkdown, type BenchResults } from './report';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchOptions {
  quick?: boolean;
  outDir?: string;
  repeats?: number;
  targetMs?: number;
  quiet?: boolean;
}

/** Models whose memory is measured (the walk and literal sources are costly for the biggest). */
const MEMORY_MODELS = ['example:gestures', 'example:commands', 'gru-h32-i3', 'gru-h64-i16', 'lstm-h64-i16', 'gru-h128-i40'];

export async function runBenchmarks(o: BenchOptions = {}): Promise<BenchResults> {
  const t0 = Date.now();
  const quick = !!o.quick;
  const repeats = o.repeats ?? (quick ? 3 : 7);
  const targetMs = o.targetMs ?? (quick ? 10 : 40);
  const outDir = o.outDir ?? path.join(ROOT, 'bench');
  const engines = detectEngines();
  const avail = engines.filter((e) => e.available);
  const models: BenchModel[] = quick
    ? await benchModels(ROOT, { kinds: ['gru'], hidden: [16], input: [3], examples: false, frames: 12 })
    : await benchModels(ROOT);
  const memModels = quick ? models.slice(0, 1) : models.filter((m) => MEMORY_MODELS.includes(m.id));
  const total = avail.length * (models.length + memModels.length) + 2;
  const bar = progress('bench', total, { quiet: o.quiet });
  let done = 0;
  const tick = (s: string) => bar.update(++done, s);
  const errors: string[] = [];
  const skipped: string[] = [];
  const latency: LatencyResult[] = [];
  const loops: Record<string, number> = {};
  const memory: MemoryResult[] = [];
  const opts = { repeats, targetMs };
  for (const e of avail) {
    for (const m of models) {
      if (e.maxMacs !== undefined && m.macs > e.maxMacs) {
        skipped.push(`${e.name}: ${m.id} (${m.macs} MACs/step > ${e.maxMacs}) not timed`);
        tick(`${e.name} ${m.id} skipped`);
        continue;
      }
      try {
        const r = await measureLatency(e, m, opts);
        if (!r.kernelsAgree) errors.push(`${e.name} ${m.id}: the Espruino kernel set disagrees with the reference kernels`);
        latency.push(r);
      } catch (err) {
        errors.push(`${e.name} ${m.id} latency: ${(err as Error).message.split('\n')[0]}`);
      }
      tick(`${e.name} ${m.id}`);
    }
    const lp = latency.filter((r) => r.engine === e.name).map((r) => r.ms.loop).sort((a, b) => a - b);
    if (lp.length) loops[e.name] = lp[lp.length >> 1];
    for (const m of memModels) {
      try {
        const r = await measureMemory(e, m);
        if (r) memory.push(r);
      } catch (err) {
        errors.push(`${e.name} ${m.id} memory: ${(err as Error).message.split('\n')[0]}`);
      }
      tick(`${e.name} memory ${m.id}`);
    }
  }
  const sizes = models.map(modelSize);
  const code = await codeSizes();
  tick('sizes');
  const accuracy: AccuracyRow[] = quick ? [] : await exampleAccuracy(ROOT);
  tick('accuracy');
  bar.stop();
  const calibration = computeCalibration(latency, loops, models);
  const results: BenchResults = {
    date: new Date().toISOString(), seconds: (Date.now() - t0) / 1000, quick, repeats, targetMs,
    engines, models, latency, loops, memory, memoryModels: memModels.map((m) => m.id), sizes, code, accuracy, calibration,
    boards: BOARD_IDS.map((id) => getBoard(id)), errors, skipped,
  };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'RESULTS.md'), resultsMarkdown(results));
  fs.writeFileSync(path.join(outDir, 'latency.svg'), latencySvg(results));
  fs.writeFileSync(path.join(outDir, 'calibration.json'), JSON.stringify(calibration, null, 1) + '\n');
  return results;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const num = (s: string | undefined, what: string) => {
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!Number.isFinite(n) || n <= 0) { process.stderr.write(`bench: ${what} must be a positive number, got '${s}'\n`); process.exit(2); }
    return n;
  };
  const r = await runBenchmarks({
    quick: args.includes('--quick'), outDir: arg(args, '--out'),
    repeats: num(arg(args, '--repeats'), '--repeats'), targetMs: num(arg(args, '--target'), '--target'),
  });
  const out = arg(args, '--out') ?? 'bench';
  process.stdout.write(`wrote ${path.join(out, 'RESULTS.md')}, latency.svg, calibration.json in ${r.seconds.toFixed(0)} s${r.errors.length ? ` with ${r.errors.length} errors (listed in RESULTS.md)` : ''}\n`);
  for (const e of r.engines.filter((x) => !x.available)) process.stdout.write(`note: ${e.name} skipped: ${e.note}\n`);
  if (r.errors.length) process.exitCode = 1;
}

// No top-level await: test files import this module, and a loader may require() it.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(1);
  });
}
