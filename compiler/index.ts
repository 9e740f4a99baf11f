/**
 * The build, top to bottom — what `npm run build:board` runs:
 *   import (+verify) → [prune (+fine-tune)] → calibrate → quantize → plan (+range proof)
 *   → emit (.ww, ES5 runtime bundle, app glue, self-test) → measure (accuracy, RAM)
 *   → package (dist/<BOARD>/<app-id>/, atomically).
 * Each stage lives in its own folder and is a function of the previous stage's output; this
 * file only wires them, so the whole pipeline reads in one screen.
 */
import path from 'node:path';
import { getBoard } from '../boards/index';
import { pruneModel, parsePruneSpec } from './compress/prune-model';
import { sparsity } from './compress/sparsity';
import { buildRuntime } from './emit/build-runtime';
import { WatchwordError } from './errors';
import { measureRuntimeRam } from './emit/ram';
import { selftestInputs, selftestJs } from './emit/selftest';
import { loadExample } from './example';
import { loadModel } from './import/index';
import { verify } from './ir/verify';
import { layerStats } from './commands/inspect';
import { packageApp, type PackageResult } from './package/index';
import { planModel } from './plan/planModel';
import type { SparseMode } from './plan/encoding';
import type { Plan } from './plan/types';
import { estimateMsPerStep } from './plan/latency';
import { progress } from './progress';
import { argmax, runFloat } from './reference/float';
import { int8Net, wwBytes } from './reference/int8';
import { loadDatasetSource } from './train/dataset-source';

export interface BuildOptions {
  board?: string;
  example?: string;
  /** A model file to build instead of the example's committed one (the example's data and glue are used). */
  model?: string;
  /** JerryScript heap bytes. */
  heapBytes?: number;
  /** `--prune` value: a sparsity (0.7, 70%) or theta=<θ>. */
  prune?: string;
  /** Structured pruning: hidden units to keep removing (per recurrent layer). */
  pruneUnits?: number;
  finetune?: number;
  hiddenBits?: 8 | 16;
  /** Weight encodings (plan/encoding.ts): 'auto' (default, cost model for the board), 'dense', 'csr', 'bitmask', 'smallest'. */
  sparse?: SparseMode;
  /** Number of self-test vectors (default 16). */
  selftestVectors?: number;
  distRoot?: string;
  quiet?: boolean;
}

export interface BuildResult extends PackageResult {
  accuracy: { float: number; int8: number; samples: number };
  modelBytes: number;
}

/** Per weight matrix: sparsity, dense vs chosen bytes, the encoding and why (plan/encoding.ts). */
function encodingNotes(plan: Plan): string[] {
  const out = [`weight encodings: --sparse ${plan.sparse}`];
  for (const l of plan.layers) {
    for (const c of l.enc ? [l.enc.W, ...(l.enc.R ? [l.enc.R] : [])] : []) {
      out.push(`${l.name}.${c.matrix} ${c.rows}x${c.cols}: ${(100 * c.sparsity).toFixed(1)} % zeros, ${c.encoding} ${c.bytes[c.encoding]} bytes (dense ${c.bytes.dense}, CSR ${c.bytes.csr}, bitmask ${c.bytes.bitmask}): ${c.why}`);
    }
  }
  return out;
}

export async function buildBoard(o: BuildOptions = {}): Promise<BuildResult> {
  const board = getBoard(o.board ?? 'BANGLEJS2', { heapBytes: o.heapBytes });
  const ex = await loadExample(o.example ?? 'gestures');
  const modelFile = o.model ?? ex.model;
  const steps = 7;
  const bar = progress(`build ${board.id}/${ex.appId}`, steps, { quiet: o.quiet });
  let step = 0;
  const next = (what: string) => bar.update(++step, what);

  // import
  let ir = await loadModel(modelFile);
  next('imported');

  // prune (optional)
  if (o.prune || o.pruneUnits) {
    const spec = o.prune ? parsePruneSpec(o.prune) : {};
    const data = o.finetune ? await loadDatasetSource({ generator: ex.name }, `example ${ex.name}`) : undefined;
    const r = await pruneModel(ir, {
      ...spec,
      units: o.pruneUnits ? { remove: o.pruneUnits } : undefined,
      finetune: o.finetune,
      quiet: true,
    }, data && { train: data.splits.train, validation: data.splits.validation });
    ir = verify(r.ir, 'prune');
  }
  next('pruned');

  // The example's data and glue must fit the model (a --model of another shape is a user error).
  const calibration = await ex.calibration();
  const test = await ex.testSet();
  const dataFeatures = calibration[0]?.[0]?.length;
  if (dataFeatures !== ir.input.features) {
    throw new WatchwordError(`${modelFile}: the model takes ${ir.input.features} value(s) per step, but example "${ex.name}" delivers ${dataFeatures}; build it with its own example (--example) or a model of that input`);
  }
  const classes = Math.max(...test.targets) + 1;
  if (classes > ir.labels.length) {
    throw new WatchwordError(`${modelFile}: the model has ${ir.labels.length} outputs, but example "${ex.name}" has ${classes} classes`);
  }

  // calibrate → quantize → plan
  const plan = planModel(ir, calibration, { hiddenBits: o.hiddenBits, features: board.features, engine: board.engine, sparse: o.sparse, quiet: true });
  next('planned');

  // emit
  const ww = wwBytes(plan);
  const runtime = await buildRuntime();
  const appId = ex.appId;
  const appJs = ex.appJs({ runtimeJs: runtime.code, ir, board, appId });
  next('emitted');

  // measure: accuracy float vs int8 on the held-out set, self-test vectors, RAM
  const net = int8Net(plan);
  let f = 0, q = 0;
  test.sequences.forEach((s, i) => {
    if (argmax(runFloat(ir, s)) === test.targets[i]) f++;
    if (net.classify(s).index === test.targets[i]) q++;
  });
  const accuracy = { float: f / test.sequences.length, int8: q / test.sequences.length, samples: test.sequences.length };
  next('measured accuracy');
  const n = Math.min(o.selftestVectors ?? 16, test.sequences.length);
  const vectors = test.sequences.slice(0, n).map((s) => {
    const frames = selftestInputs(s, ir.input.deviceType);
    const st = net.state();
    let out: ArrayLike<number> = [];
    for (const fr of frames) out = net.step(st, fr);
    return { frames, expected: Array.from(out) };
  });
  const selftest = selftestJs({ runtimeJs: runtime.code, appId, board, vectors, inputKind: ir.input.deviceType });
  const ram = measureRuntimeRam(ww, plan.kernels);
  next('self-test');

  // package
  const stats = ir.layers.map(layerStats);
  const macs = stats.reduce((a, s) => a + s.macs, 0);
  const sp = sparsity(ir);
  const rel = path.relative(process.cwd(), path.resolve(modelFile)).split(path.sep).join('/');
  const res = packageApp({
    board, appId, appName: ex.appName, shortName: ex.shortName, description: ex.description, version: ex.version,
    tags: ex.tags, appJs, modelBytes: ww, selftestJs: selftest, labels: ir.labels, ram,
    readmeExtra: ex.readmeExtra,
    report: {
      model: rel,
      source: `${ir.source.format} model "${ir.name}"`,
      layers: stats.map((s) => ({ name: s.name, kind: s.kind, shape: s.shape, params: s.params, macs: s.macs })),
      params: stats.reduce((a, s) => a + s.params, 0),
      macsPerStep: macs,
      msPerStep: estimateMsPerStep(board, ir),
      accuracy,
      sparsity: sp.weightSparsity,
      selftestVectors: n,
      notes: [
        `kernels: ${plan.kernels} (chosen from the board's features)`,
        `hidden state int${plan.hiddenBits}; activation tables ${plan.lut.lut.N + 1} entries (max error tanh ${plan.lut.errTanh.toExponential(2)})`,
        o.prune ? `pruned: --prune ${o.prune}${o.finetune ? `, fine-tuned ${o.finetune} epochs` : ''}` : 'not pruned',
        ...encodingNotes(plan),
      ],
    },
  }, { distRoot: o.distRoot });
  next('packaged');
  bar.stop();
  return { ...res, accuracy, modelBytes: ww.length };
}
