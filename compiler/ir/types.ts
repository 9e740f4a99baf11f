/**
 * The watchword intermediate representation (IR): one ordered stack of layers, the single
 * form every importer produces and every later stage (prune, quantize, plan, emit) consumes.
 *
 * Conventions (fixed, so importers translate into them and nothing downstream guesses):
 * - Weight matrices are ndarray views over Float32Array, row-major, shaped
 *   [outputs, inputs] ("one row per output unit"), the layout ONNX and PyTorch use and the
 *   one int8 quantization scales per row.
 * - Recurrent weights stack the gates along the rows, in a canonical gate order:
 *     GRU  [z, r, h]      (update, reset, candidate; ONNX and Keras order, PyTorch is r,z,n)
 *     LSTM [i, f, c, o]   (input, forget, cell candidate, output; Keras order,
 *                          ONNX is i,o,f,c and PyTorch i,f,g,o)
 *   so W is [gates*units, inputSize], R is [gates*units, units], bW/bR are [gates*units].
 * - Keras/TF.js keep one bias when `reset_after` is false: it becomes bW and bR is zero.
 * - A sequence is an array of frames; a frame is `input.features` numbers in the units the
 *   device delivers (e.g. raw Bangle.js accelerometer counts, 64 = 1 g). The model itself
 *   sees `deviceValue * input.scale` (e.g. g). For an Embedding model a frame is one token id.
 */
import type { NdArray } from 'ndarray';

export type Tensor = NdArray<Float32Array>;

/** What the device delivers per time step, and how the model sees it. */
export interface InputSpec {
  /** Numbers per frame (3 for x,y,z accelerometer; 1 for a token id). */
  features: number;
  /**
   * 'int8' | 'int16': the device delivers integers of that width (Bangle.js `gesture`
   * events are int8); 'float': arbitrary numbers; 'token': integer ids < vocab (Embedding).
   */
  deviceType: 'int8' | 'int16' | 'float' | 'token';
  /** model input = device value * scale (1/64 for Bangle.js gesture data in g). */
  scale: number;
  /** Unit of the model input after scaling ('g', 'token', ...); documentation only. */
  unit: string;
  /** Frames per second the app configures (Bangle.setPollInterval), if known. */
  sampleRateHz?: number;
  /** Longest sequence the device will feed (Bangle.js gesture events: up to 50). */
  maxSteps?: number;
  /** Free text: where the data comes from ("Bangle.js gesture event x,y,z"). */
  source?: string;
}

export type RecurrentActivation = 'sigmoid' | 'hard_sigmoid';
export type DenseActivation = 'linear' | 'relu' | 'softmax' | 'sigmoid';

export interface EmbeddingLayer {
  kind: 'embedding';
  name: string;
  vocab: number;
  dim: number;
  /** [vocab, dim] */
  table: Tensor;
}

interface RecurrentBase {
  name: string;
  units: number;
  inputSize: number;
  /** true: the next layer sees every step; false: only the last state. */
  returnSequences: boolean;
  /** [gates*units, inputSize] */
  W: Tensor;
  /** [gates*units, units] */
  R: Tensor;
  /** [gates*units] input-side bias */
  bW: Tensor;
  /** [gates*units] recurrent-side bias (zero when the source has only one bias) */
  bR: Tensor;
  /** Initial hidden state [units]; absent = zeros. */
  h0?: Tensor;
}

export interface SimpleRNNLayer extends RecurrentBase {
  kind: 'simple_rnn';
  /** h' = act(W x + bW + R h + bR) */
  activation: 'tanh' | 'relu';
}

export interface GRULayer extends RecurrentBase {
  kind: 'gru';
  /** Gate activation for z and r. */
  recurrentActivation: RecurrentActivation;
  /**
   * true  (Keras reset_after=True, ONNX linear_before_reset=1, PyTorch):
   *        n = tanh(Wh x + bWh + r * (Rh h + bRh))
   * false (Keras reset_after=False, ONNX linear_before_reset=0):
   *        n = tanh(Wh x + bWh + Rh (r * h) + bRh)
   * both: h' = z * h + (1 - z) * n
   */
  resetAfter: boolean;
}

export interface LSTMLayer extends RecurrentBase {
  kind: 'lstm';
  /** Gate activation for i, f, o. Cell and output activations are tanh. */
  recurrentActivation: RecurrentActivation;
  /** Initial cell state [units]; absent = zeros. */
  c0?: Tensor;
}

export interface DenseLayer {
  kind: 'dense';
  name: string;
  inputSize: number;
  units: number;
  /** [units, inputSize] */
  W: Tensor;
  /** [units] */
  b: Tensor;
  activation: DenseActivation;
}

export type RecurrentLayer = SimpleRNNLayer | GRULayer | LSTMLayer;
export type Layer = EmbeddingLayer | RecurrentLayer | DenseLayer;

export interface ModelIR {
  /** Short model name (from the file or its metadata). Untrusted text. */
  name: string;
  input: InputSpec;
  layers: Layer[];
  /** One label per output unit of the last layer. Untrusted text. */
  labels: string[];
  /** Where it came from, for generated-file headers and error messages. */
  source: { format: 'tfjs' | 'onnx' | 'ir'; file: string };
}

export const GATES: Record<RecurrentLayer['kind'], number> = { simple_rnn: 1, gru: 3, lstm: 4 };

export function isRecurrent(l: Layer): l is RecurrentLayer {
  return l.kind === 'simple_rnn' || l.kind === 'gru' || l.kind === 'lstm';
}
