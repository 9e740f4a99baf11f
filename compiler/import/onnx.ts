/**
 * ONNX importer: `importOnnx(file)` turns a model as PyTorch's `torch.onnx.export` writes
 * `nn.GRU` / `nn.LSTM` / `nn.RNN` (+ `nn.Linear`, `nn.Embedding`) into the IR.
 *
 * The graph is walked once, in its (topological) node order, keeping only the nodes the first
 * graph output depends on. Every value gets an abstract meaning (see onnx-parts/values.ts): weight
 * and shape glue folds to constants, and the data path accumulates IR layers while tracking
 * which axis is time, batch or features — so a batch_first Transpose, Y's num_directions
 * axis, Squeeze/Unsqueeze, and "last step" by Y_h, Gather(-1) or Slice(-1:) are all checked
 * rather than assumed. Which symbolic axis is time and which is batch is decided by the
 * recurrent node that consumes them (layout 0: [T, B, F]; layout 1: [B, T, F]).
 *
 * The device description is not in ONNX: the input defaults to float features at scale 1
 * (token ids when an Embedding comes first), labels to class0..N-1, the name to the graph's
 * name; a `watchword` entry in metadata_props (JSON {name, labels, input}) overrides them,
 * and a sidecar file (compiler/import/index.ts) can override again.
 */
import path from 'node:path';
import { WatchwordError } from '../errors';
import { tensor, transpose2d } from '../ir/tensor';
import { isRecurrent, type DenseLayer, type EmbeddingLayer, type Layer, type ModelIR } from '../ir/types';
import { applyMeta, type WatchwordMeta } from './index';
import * as cf from './onnx-parts/constfold';
import { attributes, decodeModel, decodeTensor, readFile, toNumber, type AttrValue, type ConstTensor, type NodeProto } from './onnx-parts/decode';
import { recurrentLayer, type RecurrentOp } from './onnx-parts/recurrent';
import { AxisVar, describe, dimSize, type Act, type Axis, type Dim, type Value } from './onnx-parts/values';

const MIN_OPSET = 9, MAX_OPSET = 22;
const SUPPORTED = 'GRU, LSTM, RNN, Gemm, MatMul, Add, Relu, Sigmoid, Softmax, Gather, and Shape/Squeeze/Unsqueeze/Transpose/Slice/Concat/Cast glue';

export function importOnnx(file: string): ModelIR {
  return importOnnxBytes(readFile(file), file);
}

/** Same, from the file's bytes (`file` only names it in errors and in ir.source). */
export function importOnnxBytes(bytes: Uint8Array, file: string): ModelIR {
  const model = decodeModel(bytes, file);
  const graph = model.graph!;
  const opsetEntry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!opsetEntry) throw new WatchwordError(`${file}: not a valid ONNX file (no default-domain opset import)`);
  const opset = toNumber(opsetEntry.version ?? 0);
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new WatchwordError(`${file}: ONNX opset ${opset} is not supported (${MIN_OPSET}..${MAX_OPSET}; export with e.g. opset_version=17)`);
  }

  const values = new Map<string, Value>();
  for (const init of graph.initializer ?? []) {
    const name = init.name ?? '';
    values.set(name, { kind: 'const', t: decodeTensor(init, `${file}: initializer '${name}'`) });
  }
  for (const inp of graph.input ?? []) {
    const name = inp.name ?? '';
    if (values.has(name)) continue; // an initializer listed as input (keep_initializers_as_inputs)
    const tt = inp.type?.tensorType;
    if (!tt) throw new WatchwordError(`${file}: graph input '${name}' is not a tensor`);
    const dims: Dim[] = (tt.shape?.dim ?? []).map((d, i) => {
      const size = d.dimValue !== undefined && d.dimValue !== null && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : null;
      return new AxisVar(d.dimParam || `${name}[${i}]`, size);
    });
    values.set(name, { kind: 'input', name, elem: tt.elemType ?? 0, dims });
  }

  const nodes = graph.node ?? [];
  const outName = graph.output?.[0]?.name;
  if (!outName) throw new WatchwordError(`${file}: the graph declares no output`);

  // Keep only what the first output depends on (dead glue and extra outputs are ignored).
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => { if (o) producer.set(o, i); }));
  const needed = new Set<number>();
  const todo = [outName];
  while (todo.length) {
    const v = todo.pop()!;
    const i = producer.get(v);
    if (i === undefined || needed.has(i)) continue;
    needed.add(i);
    for (const x of nodes[i].input ?? []) if (x) todo.push(x);
  }
  if (!producer.has(outName) && !values.has(outName)) throw new WatchwordError(`${file}: graph output '${outName}' is produced by no node`);

  const ctx = new Walker(file, opset, values);
  nodes.forEach((node, i) => { if (needed.has(i)) ctx.run(node, i); });

  const out = values.get(outName);
  if (!out || out.kind !== 'act') throw new WatchwordError(`${file}: graph output '${outName}' is ${out ? describe(out) : 'never computed'}, not the result of the recurrent model`);
  return finish(file, model, graph.name ?? '', out);
}

function finish(file: string, model: ReturnType<typeof decodeModel>, graphName: string, out: Act): ModelIR {
  const layers = out.layers;
  const last = layers.length - 1 - [...layers].reverse().findIndex(isRecurrent);
  if (last >= layers.length) throw new WatchwordError(`${file}: the model has no GRU, LSTM or RNN node on the path to its output`);
  if (out.axes[out.axes.length - 1]?.t !== 'feat') throw new WatchwordError(`${file}: the output's last axis is not the feature axis`);
  layers.forEach((l, i) => {
    if (isRecurrent(l)) l.returnSequences = i < last ? true : out.seq;
  });
  const width = out.width;
  let ir: ModelIR = {
    name: graphName || path.basename(file).replace(/\.onnx$/i, ''),
    input: { features: out.features, deviceType: out.deviceType, scale: 1, unit: out.deviceType === 'token' ? 'token' : '' },
    layers,
    labels: Array.from({ length: width }, (_, i) => `class${i}`),
    source: { format: 'onnx', file },
  };
  const entry = (model.metadataProps ?? []).find((p) => p.key === 'watchword');
  if (entry) {
    const where = `${file}: metadata_props 'watchword'`;
    let meta: WatchwordMeta;
    try {
      meta = JSON.parse(entry.value ?? '');
    } catch (e) {
      throw new WatchwordError(`${where}: not valid JSON (${(e as Error).message})`);
    }
    ir = applyMeta(ir, meta, where);
  }
  return ir;
}

/** The node-by-node symbolic evaluation. */
class Walker {
  private dataInput: string | null = null;
  constructor(readonly file: string, readonly opset: number, readonly values: Map<string, Value>) {}

  run(node: NodeProto, index: number): void {
    const op = node.opType ?? '';
    const name = node.name || `${op}_${index}`;
    const where = `${this.file}: node '${name}' (${op})`;
    if (node.domain && node.domain !== 'ai.onnx') {
      throw new WatchwordError(`${where}: operator ${node.domain}::${op} is not supported (watchword imports ${SUPPORTED})`);
    }
    const ins: (Value | undefined)[] = (node.input ?? []).map((x) => {
      if (!x) return undefined;
      const v = this.values.get(x);
      if (!v) throw new WatchwordError(`${where}: input '${x}' is not produced before this node (graph not in topological order, or missing)`);
      if (v.kind === 'opaque') throw new WatchwordError(`${where}: uses ${v.why}`);
      return v;
    });
    const attrs = attributes(node, where);
    const outs = this.eval(op, name, ins, attrs, where);
    (node.output ?? []).forEach((o, i) => { if (o && outs[i]) this.values.set(o, outs[i]!); });
  }

  /** Ints from a constant input (opset ≥ 10/13 style) or an attribute (older opsets). */
  private ints(v: Value | undefined, attr: AttrValue | undefined, what: string, where: string): number[] | null {
    if (v) {
      if (v.kind !== 'const' || v.t.dtype !== 'int') throw new WatchwordError(`${where}: ${what} must be constant integers, got ${describe(v)}`);
      return Array.from(v.t.data);
    }
    if (attr === undefined) return null;
    if (!Array.isArray(attr)) throw new WatchwordError(`${where}: attribute ${what} must be a list of integers`);
    return attr as number[];
  }

  private toAct(v: Value | undefined, where: string): Act {
    if (!v) throw new WatchwordError(`${where}: the data input is missing`);
    if (v.kind === 'act') return v;
    if (v.kind === 'input') {
      if (v.elem !== 1) throw new WatchwordError(`${where}: graph input '${v.name}' is ${v.elem === 7 || v.elem === 6 ? 'integer' : 'not float'}; a feature input must be float (token ids go through an Embedding Gather first)`);
      if (v.dims.length !== 3) throw new WatchwordError(`${where}: graph input '${v.name}' has rank ${v.dims.length}; a sequence input must be [time, batch, features] or [batch, time, features]`);
      const f = dimSize(v.dims[2]);
      if (f === null) throw new WatchwordError(`${where}: graph input '${v.name}' has no fixed feature count (last axis)`);
      return this.newAct(v.name, v.dims.slice(0, 2) as AxisVar[], [], f, 'float', f, where);
    }
    throw new WatchwordError(`${where}: expected the model data path, got ${describe(v)}`);
  }

  private newAct(input: string, vars: AxisVar[], layers: Layer[], width: number, deviceType: 'float' | 'token', features: number, where: string): Act {
    if (this.dataInput !== null && this.dataInput !== input) {
      throw new WatchwordError(`${where}: a second data input '${input}' (the first was '${this.dataInput}'); watchword models have one input sequence`);
    }
    this.dataInput = input;
    const axes: Axis[] = vars.map((v) => (typeof v === 'number' ? { t: 'one', tag: 'input' } : { t: 'var', v }));
    axes.push({ t: 'feat' });
    return { kind: 'act', axes, layers, width, seq: true, denseOpen: false, recurrentCount: 0, lens: null, deviceType, features, dataInput: input };
  }

  private eval(op: string, name: string, ins: (Value | undefined)[], attrs: Map<string, AttrValue>, where: string): (Value | undefined)[] {
    const x = ins[0];
    const need = (i: number): Value => {
      const v = ins[i];
      if (!v) throw new WatchwordError(`${where}: input ${i} is missing`);
      return v;
    };
    const unsupported = (what: string): never => {
      throw new WatchwordError(`${where}: ${what} is not supported`);
    };
    switch (op) {
      case 'Identity':
        return [need(0)];
      case 'Dropout': // inference: identity; the mask output is left undefined
        return [need(0)];
      case 'Constant': {
        const t = attrs.get('value');
        if (t && typeof t === 'object' && !Array.isArray(t)) return [{ kind: 'const', t }];
        for (const [k, dtype] of [['value_float', 'float'], ['value_floats', 'float'], ['value_int', 'int'], ['value_ints', 'int']] as const) {
          const v = attrs.get(k);
          if (v === undefined) continue;
          const arr = (Array.isArray(v) ? v : [v]) as number[];
          return [{ kind: 'const', t: { dtype, dims: Array.isArray(v) ? [arr.length] : [], data: Float64Array.from(arr) } }];
        }
        return unsupported('a Constant without a numeric value');
      }
      case 'Cast': {
        const v = need(0);
        const to = attrs.get('to');
        const toFloat = to === 1 || to === 11 || to === 10;
        const toInt = to === 6 || to === 7;
        if (!toFloat && !toInt) return unsupported(`Cast to type ${String(to)}`);
        if (v.kind === 'const') {
          const data = toFloat ? v.t.data.map(Math.fround) : v.t.data.map(Math.trunc);
          return [{ kind: 'const', t: { dtype: toFloat ? 'float' : 'int', dims: v.t.dims, data } }];
        }
        if (v.kind === 'input') return [{ ...v, elem: toFloat ? 1 : to === 6 ? 6 : 7 }];
        if (v.kind === 'shape' && toInt) return [v];
        if (v.kind === 'act' && toFloat) return [v];
        if (v.kind === 'bcast') return [v];
        return unsupported(`Cast of ${describe(v)}`);
      }
      case 'Shape': {
        const v = need(0);
        let items: Dim[];
        if (v.kind === 'const') items = v.t.dims.slice();
        else if (v.kind === 'input' || v.kind === 'bcast') items = v.dims.slice();
        else if (v.kind === 'act') items = v.axes.map((a) => (a.t === 'var' ? a.v : a.t === 'one' ? 1 : v.width));
        else return unsupported(`Shape of ${describe(v)}`);
        const r = items.length;
        const s = attrs.has('start') ? cf.sliceRange(r, attrs.get('start') as number, attrs.has('end') ? (attrs.get('end') as number) : r, 1, where) : null;
        if (s) items = items.slice(s[0], Math.max(s[0], s[1]));
        return [this.shapeValue(items.map((d) => (typeof d === 'number' ? d : d.size ?? d)), false)];
      }
      case 'ConstantOfShape': {
        const shape = need(0);
        const val = attrs.get('value');
        const base: ConstTensor = val && typeof val === 'object' && !Array.isArray(val)
          ? { dtype: val.dtype, dims: [], data: Float64Array.from([val.data[0] ?? 0]) }
          : { dtype: 'float', dims: [], data: new Float64Array(1) };
        return [this.broadcast(base, this.shapeItems(shape, where), where)];
      }
      case 'Expand': {
        const v = need(0);
        if (v.kind !== 'const') return unsupported(`Expand of ${describe(v)}`);
        return [this.broadcast(v.t, this.shapeItems(need(1), where), where)];
      }
      case 'Unsqueeze':
      case 'Squeeze': {
        const v = need(0);
        const axes = this.ints(this.opset >= 13 ? ins[1] : undefined, attrs.get('axes'), 'axes', where);
        return [this.squeeze(op, v, axes, where)];
      }
      case 'Transpose': {
        const v = need(0);
        const permA = attrs.get('perm');
        const perm = Array.isArray(permA) ? (permA as number[]) : null;
        const r = v.kind === 'const' ? v.t.dims.length : v.kind === 'act' ? v.axes.length : v.kind === 'input' || v.kind === 'bcast' ? v.dims.length : -1;
        if (r < 0) return unsupported(`Transpose of ${describe(v)}`);
        const p = perm ?? Array.from({ length: r }, (_, i) => r - 1 - i);
        if (p.length !== r || [...p].sort((a, b) => a - b).some((q, i) => q !== i)) throw new WatchwordError(`${where}: perm [${p.join(', ')}] is not a permutation of ${r} axes`);
        if (v.kind === 'const') return [{ kind: 'const', t: cf.transpose(v.t, p, where) }];
        if (v.kind === 'act') return [{ ...v, axes: p.map((i) => v.axes[i]), denseOpen: false }];
        if (v.kind === 'input') return [{ ...v, dims: p.map((i) => v.dims[i]) }];
        if (v.kind === 'bcast') return [{ kind: 'bcast', base: cf.transpose(v.base, p, where), dims: p.map((i) => v.dims[i]) }];
        return unsupported(`Transpose of ${describe(v)}`);
      }
      case 'Reshape': {
        const v = need(0), s = need(1);
        if (v.kind === 'const' && s.kind === 'const') return [{ kind: 'const', t: cf.reshape(v.t, cf.reshapeTarget(v.t.dims, Array.from(s.t.data), where)) }];
        if (v.kind === 'act') return [this.reshapeAct(v, this.shapeItems(s, where), where)];
        return unsupported(`Reshape of ${describe(v)}`);
      }
      case 'Concat': {
        const axis = (attrs.get('axis') as number | undefined) ?? 0;
        const vs = ins.map((v, i) => v ?? need(i));
        if (vs.every((v) => v.kind === 'const')) return [{ kind: 'const', t: cf.concat(vs.map((v) => (v as { t: ConstTensor }).t), axis, where) }];
        if (vs.every((v) => v.kind === 'const' || v.kind === 'shape')) {
          const items: Dim[] = [];
          for (const v of vs) {
            if (v.kind === 'shape') items.push(...v.items);
            else if (v.kind === 'const' && v.t.dtype === 'int' && v.t.dims.length <= 1) items.push(...Array.from(v.t.data));
            else return unsupported(`Concat of ${describe(v)} with a shape`);
          }
          return [this.shapeValue(items, false)];
        }
        if (vs.every((v) => v.kind === 'act' || v.kind === 'stack')) {
          // PyTorch's h_n for stacked layers: Concat(Y_h of each layer, axis 0)
          const parts = vs.flatMap((v) => (v.kind === 'stack' ? v.parts : [v as Act]));
          if (parts.every((p) => p.axes.length > 0 && cf.normAxis(axis, p.axes.length, where) === 0 && p.axes[0].t === 'one' && !p.seq)) {
            return [{ kind: 'stack', parts }];
          }
        }
        return unsupported(`Concat of ${vs.map(describe).join(', ')}`);
      }
      case 'Slice':
        return [this.slice(ins, attrs, where)];
      case 'Gather':
        return [this.gather(need(0), need(1), (attrs.get('axis') as number | undefined) ?? 0, name, where)];
      case 'Add': case 'Sub': case 'Mul': case 'Div': {
        const a = need(0), b = need(1);
        if (a.kind === 'const' && b.kind === 'const') return [{ kind: 'const', t: cf.elementwise(op, a.t, b.t, where) }];
        if (op === 'Add' && (a.kind === 'act' || b.kind === 'act')) {
          const act = (a.kind === 'act' ? a : b) as Act, c = a.kind === 'act' ? b : a;
          return [this.addBias(act, c, where)];
        }
        return unsupported(`${op} of ${describe(a)} and ${describe(b)}`);
      }
      case 'MatMul': {
        const a = need(0), b = need(1);
        if (a.kind === 'const' && b.kind === 'const' && a.t.dims.length === 2 && b.t.dims.length === 2) {
          return [{ kind: 'const', t: matmulConst(a.t, b.t, where) }];
        }
        const act = this.toAct(a, where);
        if (b.kind !== 'const' || b.t.dtype !== 'float' || b.t.dims.length !== 2) return unsupported(`MatMul by ${describe(b)} (expected a constant [in, out] weight)`);
        return [this.dense(act, b.t, true, null, 1, 1, name, where)];
      }
      case 'Gemm': {
        const act = this.toAct(x, where);
        if ((attrs.get('transA') ?? 0) !== 0) return unsupported('Gemm with transA=1');
        const B = need(1);
        if (B.kind !== 'const' || B.t.dtype !== 'float' || B.t.dims.length !== 2) return unsupported(`Gemm with B = ${describe(B)} (expected a constant weight)`);
        const C = ins[2];
        if (C && C.kind !== 'const') return unsupported(`Gemm with C = ${describe(C)} (expected a constant bias)`);
        if (act.axes.length !== 2) throw new WatchwordError(`${where}: Gemm needs a 2-d input [batch, features], got ${act.axes.length} axes`);
        const alpha = (attrs.get('alpha') as number | undefined) ?? 1, beta = (attrs.get('beta') as number | undefined) ?? 1;
        return [this.dense(act, B.t, (attrs.get('transB') ?? 0) === 0, C ? C.t : null, alpha, beta, name, where)];
      }
      case 'Relu': case 'Sigmoid': case 'Softmax': {
        const act = this.toAct(x, where);
        if (!act.denseOpen) {
          throw new WatchwordError(`${where}: ${op} must follow a Linear (Gemm/MatMul[+Add]) directly; watchword models apply activations in Dense layers`);
        }
        if (op === 'Softmax') {
          const r = act.axes.length;
          const axis = (attrs.get('axis') as number | undefined) ?? (this.opset >= 13 ? -1 : 1);
          if (cf.normAxis(axis, r, where) !== r - 1) throw new WatchwordError(`${where}: Softmax over axis ${axis} is not supported (only the last, feature axis)`);
          // (before opset 13 Softmax flattens to 2-d at `axis`; with axis = last that is still per row)
        }
        const layers = act.layers.slice();
        const d = layers[layers.length - 1] as DenseLayer;
        layers[layers.length - 1] = { ...d, activation: op.toLowerCase() as DenseLayer['activation'] };
        return [{ ...act, layers, denseOpen: false }];
      }
      case 'GRU': case 'LSTM': case 'RNN':
        return this.recurrent(op, name, ins, attrs, where);
      default:
        throw new WatchwordError(`${where}: operator ${op} is not supported (watchword imports ${SUPPORTED})`);
    }
  }

  private shapeValue(items: Dim[], scalar: boolean): Value {
    if (items.every((d) => typeof d === 'number')) {
      return { kind: 'const', t: { dtype: 'int', dims: scalar ? [] : [items.length], data: Float64Array.from(items as number[]) } };
    }
    return { kind: 'shape', items, scalar };
  }

  private shapeItems(v: Value, where: string): Dim[] {
    if (v.kind === 'shape' && !v.scalar) return v.items;
    if (v.kind === 'const' && v.t.dtype === 'int' && v.t.dims.length === 1) return Array.from(v.t.data);
    throw new WatchwordError(`${where}: expected a 1-d shape, got ${describe(v)}`);
  }

  /** A constant broadcast to `dims`; materialized when every dim is known. */
  private broadcast(base: ConstTensor, dims: Dim[], where: string): Value {
    if (base.dims.length > dims.length) throw new WatchwordError(`${where}: cannot broadcast [${base.dims.join(', ')}] to rank ${dims.length}`);
    const aligned = cf.reshape(base, [...new Array(dims.length - base.dims.length).fill(1), ...base.dims]);
    aligned.dims.forEach((b, i) => {
      const d = dims[i];
      if (typeof d === 'number' && b !== 1 && d !== 1 && b !== d) throw new WatchwordError(`${where}: cannot broadcast [${base.dims.join(', ')}] to [${dims.map((x) => (typeof x === 'number' ? x : x.name)).join(', ')}]`);
      if (typeof d === 'number' && d < 0) throw new WatchwordError(`${where}: negative dimension ${d}`);
    });
    if (dims.every((d) => typeof d === 'number')) return { kind: 'const', t: cf.expand(aligned, dims as number[], where) };
    const full = dims.map((d, i) => (typeof d === 'number' && d === 1 ? aligned.dims[i] : d));
    return { kind: 'bcast', base: aligned, dims: full };
  }

  private squeeze(op: 'Squeeze' | 'Unsqueeze', v: Value, axes: number[] | null, where: string): Value {
    if (op === 'Unsqueeze' && !axes) throw new WatchwordError(`${where}: Unsqueeze without axes`);
    const rank = v.kind === 'const' ? v.t.dims.length : v.kind === 'act' ? v.axes.length : v.kind === 'bcast' ? v.dims.length : v.kind === 'shape' ? (v.scalar ? 0 : 1) : -1;
    if (rank < 0) throw new WatchwordError(`${where}: ${op} of ${describe(v)} is not supported`);
    if (op === 'Unsqueeze') {
      const map = cf.unsqueezeDims(new Array(rank).fill(0), axes!, where);
      if (v.kind === 'const') return { kind: 'const', t: cf.reshape(v.t, map.map((s) => (s < 0 ? 1 : v.t.dims[s]))) };
      if (v.kind === 'shape') {
        if (!v.scalar || map.length !== 1) throw new WatchwordError(`${where}: Unsqueeze of a shape to rank ${map.length} is not supported`);
        return { ...v, scalar: false };
      }
      if (v.kind === 'bcast') return { kind: 'bcast', base: cf.reshape(v.base, map.map((s) => (s < 0 ? 1 : v.base.dims[s]))), dims: map.map((s) => (s < 0 ? 1 : v.dims[s])) };
      const act = v as Act;
      return { ...act, axes: map.map((s) => (s < 0 ? { t: 'one', tag: 'unsqueeze' } : act.axes[s])), denseOpen: false };
    }
    const dimsOf = (i: number): number | null => (v.kind === 'const' ? v.t.dims[i] : v.kind === 'bcast' ? dimSize(v.dims[i]) : v.kind === 'shape' ? v.items.length : ((a: Axis) => (a.t === 'one' ? 1 : a.t === 'var' ? a.v.size : (v as Act).width))((v as Act).axes[i]));
    const drop = axes
      ? axes.map((a) => cf.normAxis(a, rank, where))
      : Array.from({ length: rank }, (_, i) => i).filter((i) => dimsOf(i) === 1);
    for (const i of drop) {
      if (dimsOf(i) !== 1) throw new WatchwordError(`${where}: cannot squeeze axis ${i}, whose size is ${dimsOf(i) ?? 'not fixed'}`);
      if (v.kind === 'act' && v.axes[i].t === 'var' && v.axes[i].v.role === 'T') throw new WatchwordError(`${where}: squeezes away the time axis`);
    }
    const keep = (i: number) => !drop.includes(i);
    if (v.kind === 'const') return { kind: 'const', t: cf.reshape(v.t, v.t.dims.filter((_, i) => keep(i))) };
    if (v.kind === 'shape') return { ...v, scalar: true };
    if (v.kind === 'bcast') return { kind: 'bcast', base: cf.reshape(v.base, v.base.dims.filter((_, i) => keep(i))), dims: v.dims.filter((_, i) => keep(i)) };
    const act = v as Act;
    return { ...act, axes: act.axes.filter((_, i) => keep(i)), denseOpen: false };
  }

  private slice(ins: (Value | undefined)[], attrs: Map<string, AttrValue>, where: string): Value {
    const v = ins[0];
    if (!v) throw new WatchwordError(`${where}: input 0 is missing`);
    const old = this.opset < 10;
    const starts = this.ints(old ? undefined : ins[1], attrs.get('starts'), 'starts', where);
    const ends = this.ints(old ? undefined : ins[2], attrs.get('ends'), 'ends', where);
    const axes = this.ints(old ? undefined : ins[3], attrs.get('axes'), 'axes', where);
    const steps = old ? null : this.ints(ins[4], undefined, 'steps', where);
    if (!starts || !ends) throw new WatchwordError(`${where}: Slice without starts/ends`);
    if (v.kind === 'const') return { kind: 'const', t: cf.slice(v.t, starts, ends, axes, steps, where) };
    if (v.kind === 'bcast' && v.dims.every((d) => typeof d === 'number')) {
      return { kind: 'const', t: cf.slice(cf.expand(v.base, v.dims as number[], where), starts, ends, axes, steps, where) };
    }
    const rank = v.kind === 'act' ? v.axes.length : v.kind === 'bcast' ? v.dims.length : v.kind === 'shape' ? 1 : v.kind === 'stack' ? 1 + v.parts[0].axes.length - 1 : -1;
    if (rank < 0) throw new WatchwordError(`${where}: Slice of ${describe(v)} is not supported`);
    const ax = (axes ?? starts.map((_, i) => i)).map((a) => cf.normAxis(a, rank, where));
    if (ends.length !== starts.length || ax.length !== starts.length || (steps && steps.length !== starts.length)) {
      throw new WatchwordError(`${where}: Slice starts/ends/axes/steps have different lengths`);
    }
    const BIG = 2 ** 31;
    const isAll = (i: number) => starts[i] === 0 && ends[i] >= BIG && (!steps || steps[i] === 1);
    const isLast = (i: number) => starts[i] === -1 && ends[i] >= BIG && (!steps || steps[i] === 1);
    if (v.kind === 'shape') {
      const r = cf.sliceRange(v.items.length, starts[0], ends[0], steps ? steps[0] : 1, where);
      const items: Dim[] = [];
      for (let k = r[0]; r[2] > 0 ? k < r[1] : k > r[1]; k += r[2]) items.push(v.items[k]);
      return this.shapeValue(items, false);
    }
    if (v.kind === 'stack') {
      if (ax.length !== 1 || ax[0] !== 0) throw new WatchwordError(`${where}: Slice of stacked hidden states is only supported on axis 0`);
      const r = cf.sliceRange(v.parts.length, starts[0], ends[0], steps ? steps[0] : 1, where);
      const parts: Act[] = [];
      for (let k = r[0]; r[2] > 0 ? k < r[1] : k > r[1]; k += r[2]) parts.push(v.parts[k]);
      if (parts.length !== 1) throw new WatchwordError(`${where}: Slice keeps ${parts.length} of the stacked layers' states; watchword needs exactly one`);
      return parts[0];
    }
    if (v.kind === 'bcast') {
      // slicing along broadcast (size-1 base) axes with known sizes, or keeping everything
      let base = v.base;
      const dims = v.dims.slice();
      ax.forEach((a, i) => {
        if (isAll(i)) return;
        const d = dims[a];
        if (typeof d !== 'number') throw new WatchwordError(`${where}: Slice of a symbolic axis is not supported`);
        const len = cf.sliceLength(cf.sliceRange(d, starts[i], ends[i], steps ? steps[i] : 1, where));
        if (base.dims[a] !== 1) base = cf.slice(base, [starts[i]], [ends[i]], [a], steps ? [steps[i]] : null, where);
        dims[a] = len;
      });
      return { kind: 'bcast', base, dims };
    }
    const act = v as Act;
    const newAxes = act.axes.slice();
    let seq = act.seq;
    ax.forEach((a, i) => {
      const axis = act.axes[a];
      if (isAll(i)) return;
      if (axis.t === 'one' && (starts[i] === 0 || starts[i] === -1) && ends[i] >= 1 && (!steps || steps[i] === 1)) return;
      if (axis.t === 'var' && axis.v.role === 'T' && isLast(i)) {
        this.lastStepCheck(act, where);
        newAxes[a] = { t: 'one', tag: 'last step' };
        seq = false;
        return;
      }
      throw new WatchwordError(`${where}: Slice [${starts[i]}:${ends[i]}] on the ${axisName(axis)} axis is not supported (only the last time step, [-1:])`);
    });
    return { ...act, axes: newAxes, seq, denseOpen: false };
  }

  /**
   * Reshape on the data path, as in PyTorch's `h_n.view(-1, hidden)`: supported when it only
   * adds or drops unit axes and keeps time, batch and features in order (features last).
   */
  private reshapeAct(act: Act, target: Dim[], where: string): Act {
    const src = act.axes.filter((a) => a.t !== 'one');
    const fail = (): never => {
      throw new WatchwordError(`${where}: Reshape of [${act.axes.map(axisName).join(', ')}] to [${target.map((d) => (typeof d === 'number' ? d : d.name)).join(', ')}] is not supported (only adding or removing unit axes)`);
    };
    const out: Axis[] = [];
    let j = 0;
    target.forEach((d, i) => {
      const next = src[j];
      if (typeof d !== 'number') {
        if (next?.t === 'var' && next.v === d) { out.push(next); j++; return; }
        return fail();
      }
      if (d === 0) { // ONNX: copy the input's dim at this position
        const a = act.axes[i];
        if (!a) return fail();
        if (a !== next && a.t !== 'one') return fail();
        out.push(a);
        if (a === next) j++;
        return;
      }
      if (d === -1) {
        if (!next || target.filter((x) => x === -1).length !== 1) return fail();
        // -1 absorbs exactly one remaining non-unit axis when the others are accounted for
        const restTargets = target.slice(i + 1).filter((x) => x !== 1).length;
        if (src.length - j - 1 !== restTargets) return fail();
        out.push(next); j++;
        return;
      }
      if (next?.t === 'feat' && d === act.width && (d !== 1 || i === target.length - 1)) { out.push(next); j++; return; }
      if (next?.t === 'var' && next.v.size === d && d !== 1) { out.push(next); j++; return; }
      if (d === 1 && next?.t === 'var' && next.v.size === 1 && src.length - j > target.length - i - 1) { out.push(next); j++; return; }
      if (d === 1) { out.push({ t: 'one', tag: 'reshape' }); return; }
      return fail();
    });
    if (j !== src.length || out[out.length - 1]?.t !== 'feat') fail();
    return { ...act, axes: out, denseOpen: false };
  }

  private lastStepCheck(act: Act, where: string): void {
    if (act.lens !== null) {
      throw new WatchwordError(`${where}: takes the last time step of Y while sequence_lens '${act.lens}' is in use; ONNX pads shorter sequences of Y with zeros, so use Y_h (PyTorch's h_n) for each sequence's final state`);
    }
  }

  private gather(data: Value, idx: Value, axis: number, name: string, where: string): Value {
    if (data.kind === 'const' && idx.kind === 'const') return { kind: 'const', t: cf.gather(data.t, idx.t, axis, where) };
    if (data.kind === 'const' && idx.kind === 'input') {
      // nn.Embedding: Gather(weight [vocab, dim], ids)
      if (data.t.dtype !== 'float' || data.t.dims.length !== 2 || cf.normAxis(axis, 2, where) !== 0) {
        throw new WatchwordError(`${where}: a Gather on graph input '${idx.name}' must be an Embedding lookup (a float [vocab, dim] table, axis 0)`);
      }
      if (idx.elem !== 7 && idx.elem !== 6) throw new WatchwordError(`${where}: token ids '${idx.name}' must be int64 or int32`);
      if (idx.dims.length !== 2) throw new WatchwordError(`${where}: token ids '${idx.name}' must be [batch, time] or [time, batch], got rank ${idx.dims.length}`);
      const [vocab, dim] = data.t.dims;
      const layer: EmbeddingLayer = { kind: 'embedding', name, vocab, dim, table: tensor(Float32Array.from(data.t.data), [vocab, dim]) };
      return this.newAct(idx.name, idx.dims as AxisVar[], [layer], dim, 'token', 1, where);
    }
    if (idx.kind !== 'const' || idx.t.dtype !== 'int') throw new WatchwordError(`${where}: Gather indices must be constant integers here, got ${describe(idx)}`);
    const ids = idx.t;
    if (data.kind === 'shape') {
      if (data.scalar) throw new WatchwordError(`${where}: Gather on a scalar`);
      const n = data.items.length;
      const items = Array.from(ids.data, (i) => {
        const k = i < 0 ? i + n : i;
        if (!Number.isInteger(k) || k < 0 || k >= n) throw new WatchwordError(`${where}: Gather index ${i} is out of range for a shape of ${n} dims`);
        return data.items[k];
      });
      return this.shapeValue(items, ids.dims.length === 0);
    }
    if (data.kind === 'stack') {
      if (cf.normAxis(axis, data.parts[0].axes.length, where) !== 0 || ids.data.length !== 1) {
        throw new WatchwordError(`${where}: Gather on stacked hidden states must pick one layer on axis 0`);
      }
      const n = data.parts.length;
      const k = ids.data[0] < 0 ? ids.data[0] + n : ids.data[0];
      if (!Number.isInteger(k) || k < 0 || k >= n) throw new WatchwordError(`${where}: Gather index ${ids.data[0]} is out of range for ${n} stacked layers`);
      const part = data.parts[k];
      if (k !== n - 1) throw new WatchwordError(`${where}: picks the state of layer ${k} of ${n}; only the last layer's state is the model's output`);
      return ids.dims.length === 0 ? { ...part, axes: part.axes.slice(1) } : part;
    }
    if (data.kind === 'bcast') {
      const a = cf.normAxis(axis, data.dims.length, where);
      const zeroIdx: ConstTensor = { dtype: 'int', dims: ids.dims, data: new Float64Array(ids.data.length) };
      const base = cf.gather(data.base, data.base.dims[a] === 1 ? zeroIdx : ids, a, where);
      const dims = [...data.dims.slice(0, a), ...ids.dims, ...data.dims.slice(a + 1)];
      return { kind: 'bcast', base, dims };
    }
    if (data.kind === 'act' || data.kind === 'input') {
      const act = this.toAct(data, where);
      const a = cf.normAxis(axis, act.axes.length, where);
      const ax = act.axes[a];
      if (ids.data.length !== 1) throw new WatchwordError(`${where}: Gather of ${ids.data.length} indices on the ${axisName(ax)} axis is not supported`);
      const i = ids.data[0];
      let ok = false;
      let seq = act.seq;
      if (ax.t === 'one' && (i === 0 || i === -1)) ok = true;
      if (ax.t === 'var' && ax.v.role === 'T' && (i === -1 || (ax.v.size !== null && i === ax.v.size - 1))) {
        this.lastStepCheck(act, where);
        ok = true;
        seq = false;
      }
      if (!ok) throw new WatchwordError(`${where}: Gather index ${i} on the ${axisName(ax)} axis is not supported (only the last time step, -1)`);
      const axes = act.axes.slice();
      if (ids.dims.length === 0) axes.splice(a, 1);
      else axes[a] = { t: 'one', tag: 'last step' };
      return { ...act, axes, seq, denseOpen: false };
    }
    throw new WatchwordError(`${where}: Gather on ${describe(data)} is not supported`);
  }

  /** Linear layer from a constant weight: W is [in, out] when `inOut`, else [out, in]. */
  private dense(act: Act, w: ConstTensor, inOut: boolean, c: ConstTensor | null, alpha: number, beta: number, name: string, where: string): Act {
    if (act.axes[act.axes.length - 1].t !== 'feat') throw new WatchwordError(`${where}: the last axis of its input is the ${axisName(act.axes[act.axes.length - 1])} axis, not the features`);
    const [rows, cols] = w.dims;
    const inSize = inOut ? rows : cols, out = inOut ? cols : rows;
    if (inSize !== act.width) throw new WatchwordError(`${where}: the weight takes ${inSize} inputs but the data reaching it has ${act.width}`);
    let W = tensor(Float32Array.from(w.data, (v) => Math.fround(v * alpha)), [rows, cols]);
    if (inOut) W = transpose2d(W);
    const b = new Float32Array(out);
    if (c) fillBias(b, c, beta, where);
    const layer: DenseLayer = { kind: 'dense', name, inputSize: inSize, units: out, W, b: tensor(b, [out]), activation: 'linear' };
    return { ...act, layers: [...act.layers, layer], width: out, denseOpen: true };
  }

  private addBias(act: Act, c: Value, where: string): Act {
    if (!act.denseOpen) throw new WatchwordError(`${where}: Add is only supported as the bias of a Linear (after Gemm/MatMul)`);
    if (c.kind !== 'const' || c.t.dtype !== 'float') throw new WatchwordError(`${where}: the bias must be a float constant, got ${describe(c)}`);
    const layers = act.layers.slice();
    const d = layers[layers.length - 1] as DenseLayer;
    const b = Float32Array.from(d.b.data as Float32Array);
    const add = new Float32Array(d.units);
    fillBias(add, c.t, 1, where);
    for (let i = 0; i < b.length; i++) b[i] = Math.fround(b[i] + add[i]);
    layers[layers.length - 1] = { ...d, b: tensor(b, [d.units]) };
    return { ...act, layers };
  }

  private recurrent(op: RecurrentOp, name: string, ins: (Value | undefined)[], attrs: Map<string, AttrValue>, where: string): (Value | undefined)[] {
    const X = this.toAct(ins[0], where);
    const layoutAttr = attrs.get('layout') ?? 0;
    if (!X.seq) throw new WatchwordError(`${where}: its input has no time axis left (it is a single step, e.g. a previous layer's Y_h)`);
    if (X.axes.length !== 3 || X.axes[2].t !== 'feat') {
      throw new WatchwordError(`${where}: its input must be [time, batch, features]${layoutAttr === 1 ? ' (layout=1: [batch, time, features])' : ''}, got axes ${X.axes.map(axisName).join(', ')}`);
    }
    const roles: ('T' | 'B')[] = layoutAttr === 1 ? ['B', 'T'] : ['T', 'B'];
    roles.forEach((role, i) => {
      const a = X.axes[i];
      if (a.t !== 'var') {
        if (role === 'B' && a.t === 'one') return; // a batch axis of 1 is fine
        throw new WatchwordError(`${where}: its input axis ${i} should be the ${role === 'T' ? 'time' : 'batch'} axis but is the ${axisName(a)} axis`);
      }
      if (a.v.role && a.v.role !== role) {
        throw new WatchwordError(`${where}: shapes do not chain: input axis ${i} ('${a.v.name}') is used as ${a.v.role === 'T' ? 'time' : 'batch'} elsewhere but as ${role === 'T' ? 'time' : 'batch'} here (a missing or extra batch_first Transpose?)`);
      }
      a.v.role = role;
    });
    if (!ins[1] || !ins[2]) throw new WatchwordError(`${where}: W and R are required`);
    const opt = (i: number) => ins[i];
    const res = recurrentLayer(op, name, {
      X, W: ins[1]!, R: ins[2]!, B: opt(3), lens: opt(4), h0: opt(5), c0: op === 'LSTM' ? opt(6) : undefined, P: op === 'LSTM' ? opt(7) : undefined,
    }, attrs, where);
    if (X.recurrentCount > 0 && res.lens !== X.lens) {
      throw new WatchwordError(`${where}: uses sequence_lens ${res.lens ? `'${res.lens}'` : '(none)'} while the layer before it uses ${X.lens ? `'${X.lens}'` : '(none)'}; every recurrent layer must see the same sequence lengths`);
    }
    const [t, b] = res.layout === 0 ? [X.axes[0], X.axes[1]] : [X.axes[1], X.axes[0]];
    const dir: Axis = { t: 'one', tag: 'num_directions' };
    const layers = [...X.layers, res.layer];
    const common = { ...X, layers, width: res.layer.units, denseOpen: false, recurrentCount: X.recurrentCount + 1, lens: res.lens };
    const Y: Act = { ...common, axes: res.layout === 0 ? [t, dir, b, { t: 'feat' }] : [b, t, dir, { t: 'feat' }], seq: true };
    const Yh: Act = { ...common, axes: res.layout === 0 ? [dir, b, { t: 'feat' }] : [b, dir, { t: 'feat' }], seq: false };
    const outs: (Value | undefined)[] = [Y, Yh];
    if (op === 'LSTM') outs.push({ kind: 'opaque', why: `Y_c (the cell state) of LSTM node '${name}', which is not a supported model output` });
    return outs;
  }
}

function axisName(a: Axis): string {
  if (a.t === 'feat') return 'feature';
  if (a.t === 'one') return a.tag;
  return a.v.role === 'T' ? 'time' : a.v.role === 'B' ? 'batch' : `'${a.v.name}'`;
}

/** bias += beta * c, with c broadcast to [out] (shapes [out], [1, out], [1] or scalar). */
function fillBias(b: Float32Array, c: ConstTensor, beta: number, where: string): void {
  const n = c.data.length;
  const lastDim = c.dims.length ? c.dims[c.dims.length - 1] : 1;
  if (!(n === b.length && lastDim === b.length) && n !== 1) {
    throw new WatchwordError(`${where}: bias of shape [${c.dims.join(', ')}] does not match ${b.length} outputs`);
  }
  for (let i = 0; i < b.length; i++) b[i] = Math.fround(beta * c.data[n === 1 ? 0 : i]);
}

function matmulConst(a: ConstTensor, b: ConstTensor, where: string): ConstTensor {
  const [m, k] = a.dims, [k2, n] = b.dims;
  if (k !== k2) throw new WatchwordError(`${where}: MatMul of [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`);
  const out = cf.make('float', [m, n], where);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let q = 0; q < k; q++) s += a.data[i * k + q] * b.data[q * n + j];
    out.data[i * n + j] = Math.fround(s);
  }
  return out;
}
