/**
 * `irToTfjs(tf, ir, opts)`: builds a TF.js LayersModel that computes what the IR computes,
 * so an IR (e.g. a pruned one) can be trained further in TF.js and saved in the layers
 * format; `irFromTfjs(model, template)` copies the trained weights back into a clone of the IR.
 *
 * Layout changes (the inverse of the TF.js importer): TF.js kernels are [inputs, gates*units],
 * the IR's [gates*units, inputs], so every matrix is transposed; gate orders already agree
 * (GRU z,r,h; LSTM i,f,c,o). TF.js recurrent layers have one bias, so bW + bR become that bias
 * (exact for SimpleRNN, LSTM and a GRU with resetAfter=false, where the recurrent bias is added
 * outside every product) and come back as bW with bR zero — the same function.
 * What TF.js cannot express is refused with the layer named: a GRU with resetAfter=true
 * (TF.js implements only reset_after=False) and a non-zero initial state h0/c0.
 *
 * Options: `logits` turns a final softmax into a linear layer (distillation needs the logits);
 * `lastStepOnly` makes the last recurrent layer return only its last state, which gives the
 * IR's whole-sequence output for a stack whose tail is Dense layers (training on one label per
 * sequence) without a [batch, steps, classes] output. No Masking layer is ever added: training
 * batches hold sequences of one length (batches.ts), as the device runs them.
 */
import type * as TF from '@tensorflow/tfjs';
import { WatchwordError } from '../errors';
import { contiguous, tensor, transpose2d } from '../ir/tensor';
import { isRecurrent, type Layer, type ModelIR, type Tensor } from '../ir/types';
import { verify } from '../ir/verify';
import { cloneModel } from '../compress/clone-model';

export interface IrToTfjsOptions {
  logits?: boolean;
  lastStepOnly?: boolean;
}

const TF_ACT = { sigmoid: 'sigmoid', hard_sigmoid: 'hardSigmoid' } as const;

/** A name TF.js accepts (IR names are untrusted text), unique within the model. */
function safeNames(ir: ModelIR): string[] {
  const seen = new Set<string>();
  return ir.layers.map((l, i) => {
    let n = /^[A-Za-z][A-Za-z0-9_.\-]{0,63}$/.test(l.name) ? l.name : `${l.kind}_${i}`;
    while (seen.has(n)) n = `${n}_${i}`;
    seen.add(n);
    return n;
  });
}

function allZero(t: Tensor | undefined): boolean {
  return !t || contiguous(t).every((v) => v === 0);
}

/** [rows, cols] IR matrix -> TF.js kernel [cols, rows]. */
function kernel(tf: typeof TF, t: Tensor): TF.Tensor2D {
  const k = transpose2d(t);
  return tf.tensor2d(contiguous(k), k.shape as [number, number]);
}

function sumBias(tf: typeof TF, a: Tensor, b: Tensor): TF.Tensor1D {
  const x = contiguous(a), y = contiguous(b);
  return tf.tensor1d(x.map((v, i) => v + y[i]));
}

/** The TF.js weights of every IR layer, in TF.js layout (caller disposes). */
export function tfjsWeights(tf: typeof TF, ir: ModelIR): TF.Tensor[][] {
  return ir.layers.map((l) => {
    switch (l.kind) {
      case 'embedding': return [tf.tensor2d(contiguous(l.table), [l.vocab, l.dim])];
      case 'dense': return [kernel(tf, l.W), tf.tensor1d(contiguous(l.b))];
      default: return [kernel(tf, l.W), kernel(tf, l.R), sumBias(tf, l.bW, l.bR)];
    }
  });
}

/** The model's layers that correspond one to one with IR layers (weightless ones have no twin). */
export function weightLayers(model: TF.LayersModel): TF.layers.Layer[] {
  return model.layers.filter((l) => l.weights.length > 0);
}

/** Writes the IR's weights into a model built from an IR of the same shapes. */
export function setTfjsWeights(tf: typeof TF, model: TF.LayersModel, ir: ModelIR): void {
  const ws = tfjsWeights(tf, ir);
  weightLayers(model).forEach((layer, i) => layer.setWeights(ws[i]));
  ws.flat().forEach((t) => t.dispose());
}

export function irToTfjs(tf: typeof TF, irIn: ModelIR, opts: IrToTfjsOptions = {}): TF.Sequential {
  const ir = verify(irIn, 'conversion to TF.js');
  const where = ir.source?.file ?? ir.name;
  const names = safeNames(ir);
  const lastRec = ir.layers.map(isRecurrent).lastIndexOf(true);
  const onlyDenseAfter = ir.layers.slice(lastRec + 1).every((l) => l.kind === 'dense');
  const model = tf.sequential({ name: /^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(ir.name) ? ir.name : 'watchword' });
  ir.layers.forEach((l: Layer, i) => {
    const first = i === 0;
    const inputShape = first ? { batchInputShape: l.kind === 'embedding' ? [null, null] : [null, null, ir.input.features] } : {};
    const name = names[i];
    switch (l.kind) {
      case 'embedding':
        model.add(tf.layers.embedding({ ...inputShape, name, inputDim: l.vocab, outputDim: l.dim } as Parameters<typeof TF.layers.embedding>[0]));
        break;
      case 'dense': {
        const act = opts.logits && i === ir.layers.length - 1 && l.activation === 'softmax' ? 'linear' : l.activation;
        model.add(tf.layers.dense({ name, units: l.units, activation: act }));
        break;
      }
      default: {
        if (!allZero(l.h0) || (l.kind === 'lstm' && !allZero(l.c0))) {
          throw new WatchwordError(`${where}: layer '${l.name}' (${l.kind}) has a non-zero initial state, which a TF.js layer cannot start from`);
        }
        const returnSequences = opts.lastStepOnly && i === lastRec && onlyDenseAfter ? false : l.returnSequences;
        const common = { ...inputShape, name, units: l.units, returnSequences } as Parameters<typeof TF.layers.simpleRNN>[0];
        if (l.kind === 'simple_rnn') {
          model.add(tf.layers.simpleRNN({ ...common, activation: l.activation }));
        } else if (l.kind === 'gru') {
          if (l.resetAfter) {
            throw new WatchwordError(`${where}: layer '${l.name}' is a GRU with resetAfter=true (PyTorch/ONNX/Keras 2.x default), which TF.js cannot train (it implements only reset_after=False)`);
          }
          model.add(tf.layers.gru({ ...common, activation: 'tanh', recurrentActivation: TF_ACT[l.recurrentActivation] }));
        } else {
          model.add(tf.layers.lstm({ ...common, activation: 'tanh', recurrentActivation: TF_ACT[l.recurrentActivation], unitForgetBias: false }));
        }
      }
    }
  });
  setTfjsWeights(tf, model, ir);
  return model;
}

/** The TF.js weights of each IR layer, in IR layout, keyed like the IR fields. */
export function irFromTfjs(model: TF.LayersModel, template: ModelIR): ModelIR {
  const out = cloneModel(template);
  const layers = weightLayers(model);
  if (layers.length !== out.layers.length) {
    throw new Error(`irFromTfjs: the TF.js model has ${layers.length} weighted layers, the IR ${out.layers.length}`);
  }
  out.layers.forEach((l, i) => {
    const w = layers[i].getWeights().map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape as number[] }));
    const mat = (k: number) => transpose2d(tensor(Float32Array.from(w[k].data), w[k].shape));
    const m = l as unknown as Record<string, Tensor>;
    switch (l.kind) {
      case 'embedding': m.table = tensor(Float32Array.from(w[0].data), w[0].shape); break;
      case 'dense': m.W = mat(0); m.b = tensor(Float32Array.from(w[1].data), [l.units]); break;
      default:
        m.W = mat(0); m.R = mat(1);
        m.bW = tensor(Float32Array.from(w[2].data), [w[2].shape[0]]);
        m.bR = tensor(new Float32Array(w[2].shape[0]), [w[2].shape[0]]);
    }
  });
  return verify(out, 'training');
}
