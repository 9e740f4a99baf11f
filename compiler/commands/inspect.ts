/**
 * `watchword inspect <model>`: the layer table — kind, shapes, activations, parameter count and
 * multiply-accumulates per time step — plus the input description and labels.
 */
import type { Command } from 'commander';
import { loadModel } from '../import/index';
import { GATES, type Layer, type ModelIR } from '../ir/types';

export interface LayerStats { name: string; kind: string; shape: string; detail: string; params: number; macs: number }

export function layerStats(l: Layer): LayerStats {
  switch (l.kind) {
    case 'embedding':
      return { name: l.name, kind: 'Embedding', shape: `${l.vocab} -> ${l.dim}`, detail: '', params: l.vocab * l.dim, macs: 0 };
    case 'dense':
      return { name: l.name, kind: 'Dense', shape: `${l.inputSize} -> ${l.units}`, detail: l.activation, params: l.units * l.inputSize + l.units, macs: l.units * l.inputSize };
    default: {
      const g = GATES[l.kind] * l.units;
      const kind = { simple_rnn: 'SimpleRNN', gru: 'GRU', lstm: 'LSTM' }[l.kind];
      const detail = [
        l.kind === 'simple_rnn' ? l.activation : l.recurrentActivation,
        l.kind === 'gru' ? `reset_after=${l.resetAfter}` : '',
        l.returnSequences ? 'return_sequences' : '',
      ].filter(Boolean).join(', ');
      // The IR always carries bR; it is a parameter of the source model only when the source
      // has a second bias (Keras reset_after GRUs, ONNX/PyTorch) — i.e. when it is not all zero.
      const biases = g + (l.bR.data.some((v) => v !== 0) || (l.kind === 'gru' && l.resetAfter) ? g : 0);
      return { name: l.name, kind, shape: `${l.inputSize} -> ${l.units}`, detail, params: g * (l.inputSize + l.units) + biases, macs: g * (l.inputSize + l.units) };
    }
  }
}

export function inspectText(ir: ModelIR): string {
  const rows = ir.layers.map(layerStats);
  const head = ['#', 'layer', 'kind', 'in -> out', 'activation / options', 'params', 'MACs/step'];
  const body = rows.map((r, i) => [String(i), r.name, r.kind, r.shape, r.detail, String(r.params), String(r.macs)]);
  const total = ['', 'total', '', '', '', String(rows.reduce((a, r) => a + r.params, 0)), String(rows.reduce((a, r) => a + r.macs, 0))];
  const all = [head, ...body, total];
  const w = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const fmt = (r: string[]) => r.map((s, c) => (c >= 5 ? s.padStart(w[c]) : s.padEnd(w[c]))).join('  ').trimEnd();
  const inp = ir.input;
  return [
    `model ${JSON.stringify(ir.name)} (${ir.source.format}: ${ir.source.file})`,
    `input: ${inp.features} feature(s) per step, device ${inp.deviceType}, model value = device value x ${inp.scale} ${inp.unit}` +
      (inp.sampleRateHz ? `, ${inp.sampleRateHz} Hz` : '') + (inp.maxSteps ? `, up to ${inp.maxSteps} steps` : ''),
    '',
    fmt(head),
    w.map((n) => '-'.repeat(n)).join('  '),
    ...body.map(fmt),
    w.map((n) => '-'.repeat(n)).join('  '),
    fmt(total),
    '',
    `labels (${ir.labels.length}): ${ir.labels.map((l) => JSON.stringify(l)).join(', ')}`,
  ].join('\n');
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description('print the layers, shapes, parameter counts and multiply-accumulates per step of a model')
    .argument('<model>', 'TF.js model.json (or its folder) or .onnx file')
    .option('--json', 'print JSON instead of a table')
    .action(async (file: string, opts: { json?: boolean }) => {
      const ir = await loadModel(file);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ name: ir.name, input: ir.input, labels: ir.labels, layers: ir.layers.map(layerStats) }, null, 2) + '\n');
      } else {
        process.stdout.write(inspectText(ir) + '\n');
      }
    });
}
