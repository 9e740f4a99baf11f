/**
 * Reading an .onnx file: protobuf decoding with `onnx-proto` (protobufjs + the official
 * schema), then defensive conversion of the pieces the importer uses — tensors (initializers,
 * Constant values) into plain typed arrays, and node attributes into JS values. Anything that
 * does not look like a model PyTorch could have written (a truncated file, a tensor whose data
 * does not match its dims, external data, an exotic element type) becomes a WatchwordError
 * naming the file and the tensor or node, never an exception from deep inside protobufjs.
 */
import fs from 'node:fs';
import onnxProto from 'onnx-proto';
import { WatchwordError } from '../../errors';

const { onnx } = onnxProto;
export type ModelProto = import('onnx-proto').onnx.ModelProto;
export type NodeProto = import('onnx-proto').onnx.INodeProto;
export type TensorProto = import('onnx-proto').onnx.ITensorProto;
export type AttributeProto = import('onnx-proto').onnx.IAttributeProto;

/** Largest tensor the importer will materialize (elements); recurrent models are tiny. */
export const MAX_ELEMENTS = 1 << 22;

/** A decoded constant: floats as float32 values, integers as JS numbers (int64 may round). */
export interface ConstTensor {
  dtype: 'float' | 'int';
  dims: number[];
  data: Float64Array;
}

/** int64 fields arrive as numbers or as Long objects, depending on protobufjs's setup. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) {
    const l = v as { low: number; high: number; unsigned?: boolean; toNumber?: () => number };
    if (typeof l.toNumber === 'function') return l.toNumber();
    return l.high * 4294967296 + (l.low >>> 0);
  }
  return Number(v);
}

export function readFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new WatchwordError(`${file}: cannot read the file (${(e as Error).message})`);
  }
}

/** Decodes the bytes of an .onnx file; `file` names it in errors. */
export function decodeModel(buf: Uint8Array, file: string): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(buf);
  } catch (e) {
    throw new WatchwordError(`${file}: not a valid ONNX file (protobuf decoding failed: ${(e as Error).message}; truncated or not an .onnx model?)`);
  }
  if (!model.graph || !Array.isArray(model.graph.node) || model.graph.node.length === 0) {
    throw new WatchwordError(`${file}: not a valid ONNX file (no graph with nodes in it)`);
  }
  return model;
}

const TYPE_NAMES: Record<number, string> = {
  1: 'float', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'double', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};
export function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `type ${t}`;
}

export function elementCount(dims: number[], where: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new WatchwordError(`${where}: invalid dimension ${d}`);
    n *= d;
    if (n > MAX_ELEMENTS) throw new WatchwordError(`${where}: tensor of shape [${dims.join(', ')}] is too large`);
  }
  return n;
}

/** Decodes a TensorProto; `where` names the file and tensor/node for errors. */
export function decodeTensor(t: TensorProto, where: string): ConstTensor {
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length > 0)) {
    throw new WatchwordError(`${where}: tensor data is stored in an external file, which watchword does not read (export with the weights inside the .onnx)`);
  }
  const dims = (t.dims ?? []).map(toNumber);
  const n = elementCount(dims, where);
  const type = t.dataType ?? 0;
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  // checked before allocating, so a corrupt header cannot make us allocate for nothing
  let out = new Float64Array(0);
  const need = (have: number) => {
    if (have !== n) throw new WatchwordError(`${where}: ${typeName(type)} tensor of shape [${dims.join(', ')}] holds ${have} values, expected ${n}`);
    out = new Float64Array(n);
  };
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  switch (type) {
    case 1: // float
      if (view) { need(raw!.byteLength / 4); for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true); }
      else { const d = t.floatData ?? []; need(d.length); for (let i = 0; i < n; i++) out[i] = Math.fround(d[i]); }
      return { dtype: 'float', dims, data: out };
    case 11: // double
      if (view) { need(raw!.byteLength / 8); for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true); }
      else { const d = t.doubleData ?? []; need(d.length); for (let i = 0; i < n; i++) out[i] = d[i]; }
      return { dtype: 'float', dims, data: out };
    case 7: // int64
      if (view) { need(raw!.byteLength / 8); for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(i * 8, true)); }
      else { const d = t.int64Data ?? []; need(d.length); for (let i = 0; i < n; i++) out[i] = toNumber(d[i]); }
      return { dtype: 'int', dims, data: out };
    case 6: case 3: case 2: case 5: case 4: case 9: { // int32 and the small integer types
      const size = { 6: 4, 3: 1, 2: 1, 5: 2, 4: 2, 9: 1 }[type]!;
      if (view) {
        need(raw!.byteLength / size);
        for (let i = 0; i < n; i++) {
          out[i] = size === 4 ? view.getInt32(i * 4, true)
            : size === 2 ? (type === 5 ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true))
            : type === 3 ? view.getInt8(i) : view.getUint8(i);
        }
      } else { const d = t.int32Data ?? []; need(d.length); for (let i = 0; i < n; i++) out[i] = d[i]; }
      return { dtype: 'int', dims, data: out };
    }
    default:
      throw new WatchwordError(`${where}: ${typeName(type)} tensors are not supported`);
  }
}

/** Attribute values as plain JS (ints as numbers, strings decoded as UTF-8). */
export type AttrValue = number | string | number[] | string[] | ConstTensor | null;

export function attributes(node: NodeProto, where: string): Map<string, AttrValue> {
  const m = new Map<string, AttrValue>();
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    const dec = new TextDecoder('utf-8');
    let v: AttrValue;
    switch (a.type) {
      case 1: v = a.f ?? 0; break;
      case 2: v = toNumber(a.i ?? 0); break;
      case 3: v = dec.decode(a.s ?? new Uint8Array(0)); break;
      case 4: v = a.t ? decodeTensor(a.t, `${where} attribute '${name}'`) : null; break;
      case 6: v = (a.floats ?? []).slice(); break;
      case 7: v = (a.ints ?? []).map(toNumber); break;
      case 8: v = (a.strings ?? []).map((s) => dec.decode(s)); break;
      default:
        // graph, sparse tensor and type attributes: kept as "present but opaque"
        v = null;
    }
    m.set(name, v);
  }
  return m;
}
