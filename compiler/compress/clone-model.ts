/**
 * `cloneModel(ir)`: a deep copy of the IR with every tensor copied into fresh contiguous
 * storage. Passes are pure (IR in, IR out, input untouched), and the IR's tensors are views
 * that importers may share with their decoded buffers, so a pass that rewrites weights
 * starts from a clone and never writes through a view it was handed.
 */
import { clone } from '../ir/tensor';
import type { Layer, ModelIR } from '../ir/types';

export function cloneLayer(l: Layer): Layer {
  switch (l.kind) {
    case 'embedding':
      return { ...l, table: clone(l.table) };
    case 'dense':
      return { ...l, W: clone(l.W), b: clone(l.b) };
    case 'lstm':
      return {
        ...l, W: clone(l.W), R: clone(l.R), bW: clone(l.bW), bR: clone(l.bR),
        ...(l.h0 ? { h0: clone(l.h0) } : {}), ...(l.c0 ? { c0: clone(l.c0) } : {}),
      };
    default:
      return { ...l, W: clone(l.W), R: clone(l.R), bW: clone(l.bW), bR: clone(l.bR), ...(l.h0 ? { h0: clone(l.h0) } : {}) };
  }
}

export function cloneModel(ir: ModelIR): ModelIR {
  return {
    ...ir,
    input: { ...ir.input },
    labels: ir.labels.slice(),
    source: { ...ir.source },
    layers: ir.layers.map(cloneLayer),
  };
}
