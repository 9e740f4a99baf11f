/**
 * Turns the Keras/TF.js layer chain and its weights into IR layers.
 *
 * Keras stores kernels as [inputs, gates*units] with the gate columns in Keras order
 * (GRU z,r,h; LSTM i,f,c,o — the IR's canonical orders), so the only change is a transpose
 * into the IR's [gates*units, inputs]. A GRU with reset_after=True stores its bias as
 * [2, 3*units]: input bias row, then recurrent bias row; without reset_after there is one
 * bias, which becomes bW (bR zero). Layers that are the identity at inference (Dropout and
 * friends) vanish; an Activation/ReLU/Softmax layer right after a linear Dense is folded
 * into it. Every option that would change the arithmetic in a way the IR cannot express
 * (go_backwards, stateful, a non-tanh cell activation, masking, Keras 3's different
 * hard_sigmoid, ...) is rejected here with the layer named.
 */
import { WatchwordError } from '../../errors';
import { tensor, transpose2d, zeros } from '../../ir/tensor';
import type { DenseActivation, DenseLayer, Layer, RecurrentActivation, Tensor } from '../../ir/types';
import { isObj, type LayerSpec } from './topology';
import type { Role } from './assignWeights';
import type { RawWeight } from './weights';

/** Identity at inference time: skipped. */
export const IDENTITY_LAYERS = new Set(['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);
const ACTIVATION_LAYERS = new Set(['Activation', 'ReLU', 'Softmax']);
const WEIGHTED = new Set(['Embedding', 'SimpleRNN', 'GRU', 'LSTM', 'Dense', 'TimeDistributed']);

/** Throws unless every layer class is one we can convert (before weights are matched). */
export function checkSupported(file: string, layers: LayerSpec[]): void {
  for (const l of layers) {
    if (WEIGHTED.has(l.className) || IDENTITY_LAYERS.has(l.className) || ACTIVATION_LAYERS.has(l.className)) continue;
    const hint = l.className === 'Bidirectional' ? ' (bidirectional layers need the whole sequence before the first output, which a streaming device does not have)'
      : /^CuDNN/.test(l.className) ? ' (retrain with the plain GRU/LSTM layer)'
      : ['Sequential', 'Model', 'Functional'].includes(l.className) ? ' (a model nested as a layer: save the flat model instead)'
      : l.className === 'Masking' ? ' (masked steps are skipped, which the streaming device runtime does not do)' : '';
    throw new WatchwordError(`${file}: layer '${l.name}' has class '${l.className}', which watchword does not support${hint}. Supported: InputLayer, Embedding, SimpleRNN, GRU, LSTM, Dense, TimeDistributed(Dense), Activation, ReLU, Softmax, Dropout and other inference-time no-ops`);
  }
}

/** An activation as Keras/TF.js serialize it: a string, or (Keras 3) an object naming a function. */
function activationName(file: string, l: LayerSpec, key: string, dflt: string): string {
  const v = l.config[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'string') return v;
  if (isObj(v)) {
    if (typeof v.config === 'string') return v.config;
    if (typeof v.class_name === 'string' && v.class_name !== 'function') return v.class_name;
  }
  throw new WatchwordError(`${file}: layer '${l.name}' (${l.className}): ${key} ${JSON.stringify(v)?.slice(0, 60)} is not an activation name`);
}

const norm = (a: string): string => a.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase(); // hardSigmoid -> hard_sigmoid

function denseActivation(file: string, l: LayerSpec, name: string): DenseActivation {
  const a = norm(name);
  if (a === 'linear' || a === 'relu' || a === 'softmax' || a === 'sigmoid') return a;
  throw new WatchwordError(`${file}: layer '${l.name}' (${l.className}): activation '${name}' is not supported (linear, relu, softmax, sigmoid)`);
}

export interface Converted {
  layers: Layer[];
  /** Whether the model starts with an Embedding (its input is token ids). */
  tokens: boolean;
}

export function convertLayers(
  file: string, chain: LayerSpec[], weights: Map<string, Map<Role, RawWeight>>, kerasVersion: string | undefined,
): Converted {
  const isTfjs = /tfjs/i.test(kerasVersion ?? '');
  const keras3 = /^3\./.test(kerasVersion ?? '');
  const out: Layer[] = [];

  chain.forEach((l, idx) => {
    const where = `${file}: layer '${l.name}' (${l.className})`;
    const c = l.config;
    const fail = (msg: string): never => { throw new WatchwordError(`${where}: ${msg}`); };
    const w = (role: Role): RawWeight | undefined => weights.get(l.name)?.get(role);
    const need = (role: Role): RawWeight => w(role) ?? fail(`weight '${role}' is missing`);
    const shaped = (x: RawWeight, want: number[], what: string): Tensor => {
      if (x.shape.length !== want.length || x.shape.some((d, k) => d !== want[k])) {
        fail(`weight '${x.name}' (${what}) has shape [${x.shape.join(', ')}], expected [${want.join(', ')}]`);
      }
      return tensor(x.data, x.shape.slice());
    };
    const intOpt = (key: string, actual: number) => {
      const v = c[key];
      if (v !== undefined && v !== null && v !== actual) fail(`config says ${key}=${JSON.stringify(v)?.slice(0, 40)} but the weights give ${actual}`);
    };
    const prev = out[out.length - 1];

    if (IDENTITY_LAYERS.has(l.className)) return;

    if (ACTIVATION_LAYERS.has(l.className)) {
      let act: string;
      if (l.className === 'Activation') act = activationName(file, l, 'activation', 'linear');
      else if (l.className === 'Softmax') {
        if (c.axis !== undefined && c.axis !== -1 && !(Array.isArray(c.axis) && c.axis.length === 1 && c.axis[0] === -1)) fail(`softmax over axis ${JSON.stringify(c.axis)} is not supported (only the last axis)`);
        act = 'softmax';
      } else {
        for (const k of ['max_value', 'negative_slope', 'threshold'] as const) {
          if (c[k] !== undefined && c[k] !== null && c[k] !== 0) fail(`${k}=${JSON.stringify(c[k])} is not supported (plain relu only)`);
        }
        act = 'relu';
      }
      const a = norm(act);
      if (a === 'linear') return;
      if (!prev || prev.kind !== 'dense' || prev.activation !== 'linear') {
        fail(`activation '${act}' can only follow a Dense layer without activation (it is folded into that layer)`);
      }
      (prev as DenseLayer).activation = denseActivation(file, l, act);
      return;
    }

    if (l.className === 'Embedding') {
      if (idx !== 0 && out.length !== 0) fail('an Embedding must be the first layer');
      if (c.mask_zero === true) fail('mask_zero=true is not supported (token 0 would skip steps, which the device runtime does not do)');
      const e = need('embeddings');
      if (e.shape.length !== 2 || e.shape[0] < 1 || e.shape[1] < 1) fail(`weight '${e.name}' has shape [${e.shape.join(', ')}], expected [vocab, dim]`);
      intOpt('input_dim', e.shape[0]);
      intOpt('output_dim', e.shape[1]);
      out.push({ kind: 'embedding', name: l.name, vocab: e.shape[0], dim: e.shape[1], table: tensor(e.data, e.shape.slice()) });
      return;
    }

    if (l.className === 'Dense' || l.className === 'TimeDistributed') {
      let dc = c;
      if (l.className === 'TimeDistributed') {
        const inner = c.layer;
        if (!isObj(inner) || inner.class_name !== 'Dense' || !isObj(inner.config)) {
          fail(`only TimeDistributed(Dense) is supported, this wraps ${isObj(inner) ? JSON.stringify(inner.class_name)?.slice(0, 40) : 'nothing'}`);
        }
        dc = (inner as Record<string, unknown>).config as Record<string, unknown>;
      }
      const inner: LayerSpec = { ...l, config: dc };
      const k = need('kernel');
      if (k.shape.length !== 2 || k.shape[0] < 1 || k.shape[1] < 1) fail(`weight '${k.name}' has shape [${k.shape.join(', ')}], expected [inputs, units]`);
      const [inputSize, units] = k.shape;
      if (dc.units !== undefined && dc.units !== units) fail(`config says units=${JSON.stringify(dc.units)?.slice(0, 40)} but the kernel has ${units} columns`);
      const bias = w('bias');
      if (dc.use_bias === false && bias) fail('use_bias is false but a bias weight exists');
      out.push({
        kind: 'dense', name: l.name, inputSize, units,
        W: transpose2d(shaped(k, [inputSize, units], 'kernel')),
        b: bias ? shaped(bias, [units], 'bias') : zeros([units]),
        activation: denseActivation(file, inner, activationName(file, inner, 'activation', 'linear')),
      });
      return;
    }

    // SimpleRNN, GRU, LSTM
    const kind = l.className === 'SimpleRNN' ? 'simple_rnn' : l.className === 'GRU' ? 'gru' : 'lstm';
    const gates = kind === 'simple_rnn' ? 1 : kind === 'gru' ? 3 : 4;
    for (const flag of ['go_backwards', 'stateful', 'time_major', 'return_state'] as const) {
      if (c[flag] === true) {
        fail(`${flag}=true is not supported` + (flag === 'go_backwards' ? ' (the device sees the steps in order)' : flag === 'stateful' ? ' (state carried across batches)' : ''));
      }
    }
    const k = need('kernel');
    const rk = need('recurrent_kernel');
    if (rk.shape.length !== 2 || rk.shape[0] < 1) fail(`weight '${rk.name}' has shape [${rk.shape.join(', ')}], expected [units, ${gates} * units]`);
    const units = rk.shape[0];
    const g = gates * units;
    if (c.units !== undefined && c.units !== units) fail(`config says units=${JSON.stringify(c.units)?.slice(0, 40)} but recurrent_kernel has ${units} rows`);
    if (k.shape.length !== 2 || k.shape[0] < 1) fail(`weight '${k.name}' has shape [${k.shape.join(', ')}], expected [inputs, ${g}]`);
    const inputSize = k.shape[0];
    const W = transpose2d(shaped(k, [inputSize, g], 'kernel'));
    const R = transpose2d(shaped(rk, [units, g], 'recurrent_kernel'));
    const bias = w('bias');
    if (c.use_bias === false && bias) fail('use_bias is false but a bias weight exists');
    const returnSequences = c.return_sequences === true;

    const act = norm(activationName(file, l, 'activation', 'tanh'));
    if (kind === 'simple_rnn') {
      if (act !== 'tanh' && act !== 'relu') fail(`activation '${act}' is not supported (tanh, relu)`);
      out.push({
        kind, name: l.name, units, inputSize, returnSequences, W, R,
        bW: bias ? shaped(bias, [g], 'bias') : zeros([g]), bR: zeros([g]), activation: act as 'tanh' | 'relu',
      });
      return;
    }
    if (act !== 'tanh') fail(`activation '${act}' is not supported (a ${l.className} must use tanh)`);
    const ra = norm(activationName(file, l, 'recurrent_activation', 'sigmoid'));
    if (ra !== 'sigmoid' && ra !== 'hard_sigmoid') fail(`recurrent_activation '${ra}' is not supported (sigmoid, hard_sigmoid)`);
    if (ra === 'hard_sigmoid' && keras3) {
      fail("recurrent_activation 'hard_sigmoid' of Keras 3 is relu6(x + 3) / 6, not the clip(0.2 x + 0.5, 0, 1) of Keras 2 and TF.js that watchword implements; retrain with 'sigmoid'");
    }
    const recurrentActivation = ra as RecurrentActivation;

    if (kind === 'lstm') {
      out.push({
        kind, name: l.name, units, inputSize, returnSequences, W, R, recurrentActivation,
        bW: bias ? shaped(bias, [g], 'bias') : zeros([g]), bR: zeros([g]),
      });
      return;
    }

    // GRU: reset_after decides both the formula and the bias layout.
    const ra2 = c.reset_after;
    if (ra2 !== undefined && ra2 !== null && typeof ra2 !== 'boolean') fail(`reset_after ${JSON.stringify(ra2)?.slice(0, 40)} is not true or false`);
    let resetAfter: boolean;
    let bW: Tensor, bR: Tensor;
    if (bias) {
      const two = bias.shape.length === 2;
      if (two && ra2 === false) fail(`weight '${bias.name}' has shape [${bias.shape.join(', ')}] (input and recurrent bias), which only reset_after=true uses`);
      if (!two && ra2 === true) fail(`weight '${bias.name}' has shape [${bias.shape.join(', ')}], but reset_after=true needs [2, ${g}] (input and recurrent bias)`);
      resetAfter = two;
      if (two) {
        const b = shaped(bias, [2, g], 'bias');
        bW = tensor(Float32Array.from(b.data.subarray(0, g)), [g]);
        bR = tensor(Float32Array.from(b.data.subarray(g, 2 * g)), [g]);
      } else {
        bW = shaped(bias, [g], 'bias');
        bR = zeros([g]);
      }
    } else {
      // No bias: the flag still matters. Absent flag: TF.js's default is false, Keras 2.3+'s true.
      resetAfter = typeof ra2 === 'boolean' ? ra2 : !isTfjs;
      bW = zeros([g]);
      bR = zeros([g]);
    }
    out.push({ kind, name: l.name, units, inputSize, returnSequences, W, R, bW, bR, recurrentActivation, resetAfter });
  });
  if (out.length === 0) throw new WatchwordError(`${file}: the model has no layers with weights`);
  return { layers: out, tokens: out[0].kind === 'embedding' };
}
