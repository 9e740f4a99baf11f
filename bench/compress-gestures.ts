/**
 * Compression figures for the gestures example (issue 6), reproducible:
 *   npx tsx bench/compress-gestures.ts <step> [--model dir] [--data src] [--save dir] [--lr rate] [--temperature T] [--alpha a]
 * steps (each well under 5 minutes on two shared cores, so they run one at a time):
 *   dense                      float and int8 test accuracy of the dense model, .ww bytes
 *   oneshot <s>                magnitude-prune to s, no fine-tuning (the damage to recover; and the
 *                              .ww bytes at that sparsity)
 *   gradual <s> <epochs>       Zhu & Gupta gradual pruning to s while fine-tuning
 *   structured <keep> <epochs> keep <keep> units per recurrent layer, then fine-tune
 *   both <keep> <s> <epochs>   keep <keep> units, then gradual pruning to s while fine-tuning
 *   distill <units> <epochs>   GRU student trained with and without the dense model as teacher
 *                              (same initial weights, seed, batches and epochs; α = --alpha vs 0)
 * Every figure is measured on the test split with the float reference (what `predict` does)
 * and with the integer reference (what the device computes). Results are appended to
 * bench/results/compress-gestures.json with the command line that produced them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadModel } from '../compiler/import/index';
import type { ModelIR } from '../compiler/ir/types';
import type { Dataset } from '../compiler/data/dataset';
import { pruneMagnitude } from '../compiler/compress/prune';
import { pruneUnits } from '../compiler/compress/prune-structured';
import { sparsity } from '../compiler/compress/sparsity';
import { calibrate } from '../compiler/compress/calibrate';
import { quantize } from '../compiler/compress/quantize';
import { plan } from '../compiler/plan/plan';
import { int8Net, wwBytes } from '../compiler/reference/int8';
import { finetune } from '../compiler/train/finetune';
import { distill } from '../compiler/train/distill';
import { initTf } from '../compiler/train/backend';
import { buildModel } from '../compiler/train/model-builder';
import { irFromTfjs, irToTfjs } from '../compiler/train/ir-to-tfjs';
import { saveTfjsModel } from '../compiler/train/save';
import { floatAccuracy, loadData } from '../compiler/commands/prune';
import { zeros } from '../compiler/ir/tensor';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const modelPath = flag('--model', 'examples/gestures/model');
const dataSrc = flag('--data', 'gestures');
const saveDir = flag('--save', '');
const lr = Number(flag('--lr', '0.002'));
const temperature = Number(flag('--temperature', '4'));
const alphaT = Number(flag('--alpha', '0.7'));
const [step, a1, a2] = args;

function int8(ir: ModelIR, ds: Dataset): { accuracy: number; wwBytes: number; wwBytesSparse: number } {
  const cal = calibrate(ir, ds.splits.train.slice(0, 400).map((e) => e.frames), { quiet: true });
  const q = quantize(ir, cal);
  const p = plan(q, { sparse: false });
  const net = int8Net(p);
  let ok = 0;
  for (const e of ds.splits.test) if (net.classify(e.frames).index === e.label) ok++;
  // The sparse encoding changes storage only (the weights are expanded at load): same outputs.
  return { accuracy: ok / ds.splits.test.length, wwBytes: wwBytes(p).length, wwBytesSparse: wwBytes(plan(q, { sparse: true })).length };
}

function figures(ir: ModelIR, ds: Dataset) {
  const rep = sparsity(ir);
  const q = int8(ir, ds);
  return {
    float: floatAccuracy(ir, ds.splits.test), int8: q.accuracy, wwBytes: q.wwBytes, wwBytesSparse: q.wwBytesSparse,
    weights: rep.weights, zeros: rep.zeros, weightSparsity: rep.weightSparsity,
    units: ir.layers.map((l) => ('units' in l ? l.units : l.dim)),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
function print(name: string, f: ReturnType<typeof figures>) {
  console.log(`${name}: float ${pct(f.float)}, int8 ${pct(f.int8)}, sparsity ${pct(f.weightSparsity)} (${f.zeros}/${f.weights}), units ${f.units.join('/')}, .ww ${f.wwBytes} B dense / ${f.wwBytesSparse} B sparse encoding (${(f.wwBytesSparse / f.wwBytes).toFixed(3)})`);
}

async function save(ir: ModelIR) {
  if (!saveDir) return;
  const tf = await initTf();
  const m = irToTfjs(tf, ir);
  await saveTfjsModel(m, saveDir, { name: ir.name, labels: ir.labels, input: ir.input });
  m.dispose();
  console.log(`saved ${saveDir}`);
}

const t0 = Date.now();
const dense = await loadModel(modelPath);
const ds = await loadData(dataSrc);
const result: Record<string, unknown> = { step, args: process.argv.slice(2), model: modelPath, data: dataSrc, testRows: ds.splits.test.length };
const denseFig = figures(dense, ds);
result.dense = denseFig;
print('dense', denseFig);
switch (step) {
  case 'dense':
    break;
  case 'oneshot': {
    const f = figures(pruneMagnitude(dense, { sparsity: Number(a1) }), ds);
    print(`one-shot ${a1}`, f);
    result.pruned = f;
    break;
  }
  case 'gradual': {
    const { ir, history } = await finetune(dense, ds.splits.train, { epochs: Number(a2), schedule: { final: Number(a1) }, validation: ds.splits.validation, seed: 1, learningRate: lr });
    const f = figures(ir, ds);
    print(`gradual ${a1} / ${a2} epochs`, f);
    result.pruned = f; result.history = history;
    result.floatDrop = denseFig.float - f.float; result.int8VsDenseFloat = denseFig.float - f.int8;
    await save(ir);
    break;
  }
  case 'structured': {
    const shrunk = pruneUnits(dense, { keep: Number(a1) });
    const before = figures(shrunk, ds);
    print(`structured keep ${a1} (no fine-tuning)`, before);
    const { ir, history } = await finetune(shrunk, ds.splits.train, { epochs: Number(a2), validation: ds.splits.validation, seed: 1, learningRate: lr });
    const f = figures(ir, ds);
    print(`structured keep ${a1} + ${a2} epochs`, f);
    result.shrunk = before; result.pruned = f; result.history = history;
    break;
  }
  case 'both': {
    // Structured then gradual magnitude pruning, one fine-tuning run: smaller matrices and sparse.
    const shrunk = pruneUnits(dense, { keep: Number(a1) });
    const { ir, history } = await finetune(shrunk, ds.splits.train, { epochs: Number(args[3]), schedule: { final: Number(a2) }, validation: ds.splits.validation, seed: 1, learningRate: lr });
    const f = figures(ir, ds);
    print(`keep ${a1} units + gradual ${a2} / ${args[3]} epochs`, f);
    result.pruned = f; result.history = history;
    result.wwVsDense = f.wwBytesSparse / denseFig.wwBytes;
    await save(ir);
    break;
  }
  case 'distill': {
    const tf = await initTf();
    const units = Number(a1), epochs = Number(a2);
    const spec = { type: 'gru' as const, units, layers: 1, recurrentActivation: 'sigmoid' as const, activation: 'tanh' as const, dense: [] };
    const template = (m: import('@tensorflow/tfjs').LayersModel): ModelIR => irFromTfjs(m, studentTemplate(units));
    for (const alpha of [0, alphaT]) {
      const student = buildModel(tf, spec, dense.input.features, dense.labels.length, 1);
      const history = await distill(student, dense, dense.input, ds.splits.train, { epochs, alpha, temperature, learningRate: lr, seed: 1, validation: ds.splits.validation });
      const f = figures(template(student), ds);
      print(`student GRU ${units}, α=${alpha}${alpha ? ' (teacher)' : ' (labels only)'}`, f);
      result[alpha ? 'withTeacher' : 'withoutTeacher'] = { ...f, history };
      student.dispose();
    }
    break;
  }
  default:
    throw new Error(`unknown step '${step}' (dense, oneshot, gradual, structured, both, distill)`);
}

/** An IR of the builder's student shape with zero weights, for irFromTfjs to fill. */
function studentTemplate(units: number): ModelIR {
  const z = (r: number, c?: number) => (c === undefined ? zeros([r]) : zeros([r, c]));
  return {
    ...dense, name: `student${units}`, layers: [
      { kind: 'gru', name: 'gru_1', units, inputSize: dense.input.features, returnSequences: false, recurrentActivation: 'sigmoid', resetAfter: false,
        W: z(3 * units, dense.input.features), R: z(3 * units, units), bW: z(3 * units), bR: z(3 * units) },
      { kind: 'dense', name: 'output', inputSize: units, units: dense.labels.length, activation: 'softmax', W: z(dense.labels.length, units), b: z(dense.labels.length) },
    ],
  };
}

result.seconds = (Date.now() - t0) / 1000;
fs.mkdirSync('bench/results', { recursive: true });
const file = path.join('bench/results', 'compress-gestures.json');
const all = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
all.push(result);
fs.writeFileSync(file, JSON.stringify(all, null, 1) + '\n');
console.log(`${result.seconds} s; appended to ${file}`);
