/**
 * What the ONNX importer knows about each graph value while it walks the nodes. A model from
 * `torch.onnx.export` is one data path (input → [Embedding] → recurrent layers → Linear → head)
 * plus constant and shape glue around it, so a value is one of:
 * - `const`: a folded constant (initializers, Constant nodes, weight reshuffling);
 * - `input`: a graph input not yet interpreted (the data, `sequence_lens`, or a state);
 * - `shape`: a 1-d integer vector whose entries may be symbolic axis sizes (from Shape);
 * - `bcast`: a constant broadcast to a partly symbolic shape (ConstantOfShape, Expand) —
 *   how a default h0 of "zeros for whatever batch comes" looks;
 * - `act`: the data path: the IR layers so far plus the meaning of each axis (time, batch,
 *   features, or a unit axis such as num_directions);
 * - `stack`: Y_h of several stacked layers concatenated on axis 0 (PyTorch's h_n);
 * - `opaque`: something the importer can name but not use (LSTM's Y_c).
 */
import type { Layer } from '../../ir/types';
import type { ConstTensor } from './decode';

/** A symbolic axis size; the recurrent node that consumes it decides whether it is time or batch. */
export class AxisVar {
  role: 'T' | 'B' | null = null;
  constructor(readonly name: string, readonly size: number | null) {}
}

export type Dim = number | AxisVar;

export type Axis = { t: 'var'; v: AxisVar } | { t: 'one'; tag: string } | { t: 'feat' };

export interface Act {
  kind: 'act';
  axes: Axis[];
  layers: Layer[];
  width: number;
  /** The time axis is still there (one vector per step). */
  seq: boolean;
  /** The last layer is a Dense whose output this is, with no activation applied yet. */
  denseOpen: boolean;
  /** Recurrent nodes so far, and the sequence_lens input they share (null = none). */
  recurrentCount: number;
  lens: string | null;
  deviceType: 'float' | 'token';
  features: number;
  dataInput: string;
}

export type Value =
  | { kind: 'const'; t: ConstTensor }
  | { kind: 'input'; name: string; elem: number; dims: Dim[] }
  | { kind: 'shape'; items: Dim[]; scalar: boolean }
  | { kind: 'bcast'; base: ConstTensor; dims: Dim[] }
  | Act
  | { kind: 'stack'; parts: Act[] }
  | { kind: 'opaque'; why: string };

export function dimSize(d: Dim): number | null {
  return typeof d === 'number' ? d : d.size;
}

export function describe(v: Value): string {
  switch (v.kind) {
    case 'const': return `a constant of shape [${v.t.dims.join(', ')}]`;
    case 'input': return `graph input '${v.name}'`;
    case 'shape': return 'a shape value';
    case 'bcast': return 'a broadcast constant';
    case 'act': return 'the model data path';
    case 'stack': return 'stacked hidden states';
    case 'opaque': return v.why;
  }
}
