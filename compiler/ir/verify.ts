/**
 * `verify(ir)` checks the IR's invariants: every layer's shapes agree with its declared
 * sizes and with its neighbours, weights are finite, the stack is one the runtime can stream
 * (a recurrent layer that returns only its last state is followed by no recurrent layer),
 * and there is one label per output. It runs after the importer and after every pass, so a
 * pass that breaks the IR is caught at its own doorstep, not three stages later.
 * Returns the IR unchanged, so stages can be written `verify(pass(verify(ir)))`.
 */
import { WatchwordError } from '../errors';
import { contiguous } from './tensor';
import { GATES, isRecurrent, type Layer, type ModelIR, type Tensor } from './types';

export function verify(ir: ModelIR, stage = 'ir'): ModelIR {
  const fail = (msg: string): never => {
    throw new WatchwordError(`${ir.source?.file ?? ir.name}: invalid model after ${stage}: ${msg}`);
  };
  const inp = ir.input;
  if (!inp || !Number.isInteger(inp.features) || inp.features < 1) fail(`input features must be a positive integer, got ${inp?.features}`);
  if (!(inp.scale > 0) || !Number.isFinite(inp.scale)) fail(`input scale must be a positive number, got ${inp.scale}`);
  if (!['int8', 'int16', 'float', 'token'].includes(inp.deviceType)) fail(`input deviceType '${inp.deviceType}' is not one of int8, int16, float, token`);
  if (!Array.isArray(ir.layers) || ir.layers.length === 0) fail('the model has no layers');

  let width = inp.features;
  let sequence = true; // whether the current layer still sees one vector per step
  ir.layers.forEach((l: Layer, i: number) => {
    const where = `layer ${i} '${l.name}' (${l.kind})`;
    const shape = (t: Tensor | undefined, want: number[], what: string) => {
      if (!t) fail(`${where}: ${what} is missing`);
      const got = t!.shape;
      if (got.length !== want.length || got.some((d, k) => d !== want[k])) {
        fail(`${where}: ${what} has shape [${got.join(', ')}], expected [${want.join(', ')}]`);
      }
      const flat = contiguous(t!);
      for (let k = 0; k < flat.length; k++) {
        if (!Number.isFinite(flat[k])) fail(`${where}: ${what} holds a non-finite value (${flat[k]}) at flat index ${k}`);
      }
    };
    const positive = (n: number, what: string) => {
      if (!Number.isInteger(n) || n < 1) fail(`${where}: ${what} must be a positive integer, got ${n}`);
    };
    switch (l.kind) {
      case 'embedding':
        if (i !== 0) fail(`${where}: an Embedding must be the first layer`);
        if (inp.deviceType !== 'token' || inp.features !== 1) fail(`${where}: an Embedding needs a 'token' input of 1 feature`);
        positive(l.vocab, 'vocab'); positive(l.dim, 'dim');
        shape(l.table, [l.vocab, l.dim], 'table');
        width = l.dim;
        break;
      case 'simple_rnn': case 'gru': case 'lstm': {
        if (!sequence) fail(`${where}: follows a recurrent layer with returnSequences=false, which leaves no sequence to run over`);
        positive(l.units, 'units');
        if (l.inputSize !== width) fail(`${where}: inputSize ${l.inputSize} does not match the previous output width ${width}`);
        const g = GATES[l.kind] * l.units;
        shape(l.W, [g, l.inputSize], 'W');
        shape(l.R, [g, l.units], 'R');
        shape(l.bW, [g], 'bW');
        shape(l.bR, [g], 'bR');
        if (l.h0) shape(l.h0, [l.units], 'h0');
        if (l.kind === 'lstm' && l.c0) shape(l.c0, [l.units], 'c0');
        if (l.kind === 'simple_rnn' && l.activation !== 'tanh' && l.activation !== 'relu') fail(`${where}: activation '${l.activation}' is not supported (tanh, relu)`);
        if (l.kind !== 'simple_rnn' && l.recurrentActivation !== 'sigmoid' && l.recurrentActivation !== 'hard_sigmoid') {
          fail(`${where}: recurrent activation '${l.recurrentActivation}' is not supported (sigmoid, hard_sigmoid)`);
        }
        if (l.kind === 'gru' && typeof l.resetAfter !== 'boolean') fail(`${where}: resetAfter must be true or false`);
        if (!l.returnSequences) sequence = false;
        width = l.units;
        break;
      }
      case 'dense':
        positive(l.units, 'units');
        if (l.inputSize !== width) fail(`${where}: inputSize ${l.inputSize} does not match the previous output width ${width}`);
        shape(l.W, [l.units, l.inputSize], 'W');
        shape(l.b, [l.units], 'b');
        if (!['linear', 'relu', 'softmax', 'sigmoid'].includes(l.activation)) fail(`${where}: activation '${l.activation}' is not supported (linear, relu, softmax, sigmoid)`);
        if (l.activation === 'softmax' && i !== ir.layers.length - 1) fail(`${where}: softmax is only supported on the last layer`);
        width = l.units;
        break;
      default:
        fail(`layer ${i}: unknown kind '${(l as { kind: string }).kind}'`);
    }
  });
  if (!ir.layers.some(isRecurrent)) fail('the model has no recurrent layer (SimpleRNN, GRU or LSTM)');
  if (!Array.isArray(ir.labels) || ir.labels.length !== width) {
    fail(`${ir.labels?.length ?? 0} labels for ${width} outputs`);
  }
  ir.labels.forEach((s, k) => { if (typeof s !== 'string') fail(`label ${k} is not a string`); });
  return ir;
}

/** Output width of the whole model. */
export function outputSize(ir: ModelIR): number {
  const last = ir.layers[ir.layers.length - 1];
  return last.kind === 'embedding' ? last.dim : last.units;
}
