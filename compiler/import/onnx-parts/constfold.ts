/**
 * Constant folding for the ONNX importer: the few tensor ops that exporters use as glue on
 * weights and shapes (PyTorch without `do_constant_folding` reorders gates with
 * Slice + Concat, adds the num_directions axis with Unsqueeze, transposes Linear weights,
 * and builds default states from Shape/Gather/Concat/ConstantOfShape). Each function takes
 * constant tensors and returns a new one, following the ONNX operator definitions; a call
 * outside what is defined (an axis out of range, shapes that do not broadcast) is a
 * WatchwordError carrying `where` (file and node).
 */
import { WatchwordError } from '../../errors';
import { elementCount, type ConstTensor } from './decode';

export function strides(dims: number[]): number[] {
  const s = new Array<number>(dims.length);
  let k = 1;
  for (let i = dims.length - 1; i >= 0; i--) { s[i] = k; k *= dims[i]; }
  return s;
}

export function normAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new WatchwordError(`${where}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}

export function make(dtype: ConstTensor['dtype'], dims: number[], where: string): ConstTensor {
  return { dtype, dims, data: new Float64Array(elementCount(dims, where)) };
}

export function transpose(t: ConstTensor, perm: number[] | null, where: string): ConstTensor {
  const r = t.dims.length;
  const p = perm ?? t.dims.map((_, i) => r - 1 - i);
  if (p.length !== r || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) throw new WatchwordError(`${where}: perm [${p.join(', ')}] is not a permutation of ${r} axes`);
  const out = make(t.dtype, p.map((a) => t.dims[a]), where);
  const si = strides(t.dims);
  const so = strides(out.dims);
  for (let k = 0; k < out.data.length; k++) {
    let rem = k, src = 0;
    for (let d = 0; d < r; d++) { const c = Math.floor(rem / so[d]); rem -= c * so[d]; src += c * si[p[d]]; }
    out.data[k] = t.data[src];
  }
  return out;
}

export function reshape(t: ConstTensor, dims: number[]): ConstTensor {
  return { dtype: t.dtype, dims, data: t.data };
}

/** ONNX Reshape's shape argument: 0 copies the input dim (allowzero=0), -1 is inferred. */
export function reshapeTarget(inDims: number[], shape: number[], where: string): number[] {
  const total = inDims.reduce((a, b) => a * b, 1);
  const out = shape.map((d, i) => (d === 0 ? inDims[i] : d));
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1 || out.some((d) => d === undefined || d < -1 || !Number.isInteger(d))) throw new WatchwordError(`${where}: invalid Reshape shape [${shape.join(', ')}]`);
  if (neg === 1) {
    const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (known === 0 || total % known !== 0) throw new WatchwordError(`${where}: cannot reshape [${inDims.join(', ')}] to [${shape.join(', ')}]`);
    out[out.indexOf(-1)] = total / known;
  }
  if (out.reduce((a, b) => a * b, 1) !== total) throw new WatchwordError(`${where}: cannot reshape [${inDims.join(', ')}] to [${shape.join(', ')}]`);
  return out;
}

export function unsqueezeDims(dims: number[] | unknown[], axes: number[], where: string): number[] {
  const r = dims.length + axes.length;
  const norm = axes.map((a) => normAxis(a, r, where));
  if (new Set(norm).size !== norm.length) throw new WatchwordError(`${where}: repeated Unsqueeze axes`);
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < r; i++) out.push(norm.includes(i) ? -1 : (j++ as number));
  return out; // -1 = new axis, otherwise index of the source axis
}

export function concat(ts: ConstTensor[], axis: number, where: string): ConstTensor {
  const r = ts[0].dims.length;
  const a = normAxis(axis, r, where);
  for (const t of ts) {
    if (t.dims.length !== r || t.dims.some((d, i) => i !== a && d !== ts[0].dims[i])) {
      throw new WatchwordError(`${where}: Concat inputs have shapes that do not fit together ([${ts.map((x) => x.dims.join('x')).join('], [')}])`);
    }
  }
  const dims = ts[0].dims.slice();
  dims[a] = ts.reduce((s, t) => s + t.dims[a], 0);
  const out = make(ts.some((t) => t.dtype === 'float') ? 'float' : 'int', dims, where);
  const outer = dims.slice(0, a).reduce((x, y) => x * y, 1);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of ts) {
      const inner = t.dims.slice(a).reduce((x, y) => x * y, 1);
      out.data.set(t.data.subarray(o * inner, (o + 1) * inner), k);
      k += inner;
    }
  }
  return out;
}

/** Resolves Slice parameters for one axis of size `dim` into [start, end, step] (ONNX clamping). */
export function sliceRange(dim: number, start: number, end: number, step: number, where: string): [number, number, number] {
  if (step === 0 || !Number.isFinite(step)) throw new WatchwordError(`${where}: Slice step ${step}`);
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) { s = clamp(s, 0, dim); e = clamp(e, 0, dim); }
  else { s = clamp(s, 0, dim - 1); e = clamp(e, -1, dim - 1); }
  return [s, e, step];
}

export function sliceLength([s, e, step]: [number, number, number]): number {
  return Math.max(0, Math.ceil((e - s) / step));
}

export function slice(t: ConstTensor, starts: number[], ends: number[], axes: number[] | null, steps: number[] | null, where: string): ConstTensor {
  const r = t.dims.length;
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(a, r, where));
  if (ends.length !== starts.length || ax.length !== starts.length || (steps && steps.length !== starts.length)) {
    throw new WatchwordError(`${where}: Slice starts/ends/axes/steps have different lengths`);
  }
  const ranges: [number, number, number][] = t.dims.map((d) => [0, d, 1]);
  ax.forEach((a, i) => { ranges[a] = sliceRange(t.dims[a], starts[i], ends[i], steps ? steps[i] : 1, where); });
  const dims = ranges.map(sliceLength);
  const out = make(t.dtype, dims, where);
  const si = strides(t.dims), so = strides(dims);
  for (let k = 0; k < out.data.length; k++) {
    let rem = k, src = 0;
    for (let d = 0; d < r; d++) { const c = Math.floor(rem / so[d]); rem -= c * so[d]; src += (ranges[d][0] + c * ranges[d][2]) * si[d]; }
    out.data[k] = t.data[src];
  }
  return out;
}

export function gather(t: ConstTensor, idx: ConstTensor, axis: number, where: string): ConstTensor {
  const r = t.dims.length;
  const a = normAxis(axis, r, where);
  const n = t.dims[a];
  const dims = [...t.dims.slice(0, a), ...idx.dims, ...t.dims.slice(a + 1)];
  const out = make(t.dtype, dims, where);
  const outer = t.dims.slice(0, a).reduce((x, y) => x * y, 1);
  const inner = t.dims.slice(a + 1).reduce((x, y) => x * y, 1);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.data.length; j++) {
      let i = idx.data[j];
      if (i < 0) i += n;
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new WatchwordError(`${where}: Gather index ${idx.data[j]} is out of range for an axis of size ${n}`);
      out.data.set(t.data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), k);
      k += inner;
    }
  }
  return out;
}

/** numpy-style broadcast of two shapes, or an error. */
export function broadcastDims(a: number[], b: number[], where: string): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new WatchwordError(`${where}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Materializes `t` broadcast to `dims` (Expand). */
export function expand(t: ConstTensor, dims: number[], where: string): ConstTensor {
  const full = broadcastDims(t.dims, dims, where);
  const out = make(t.dtype, full, where);
  const r = full.length;
  const src = [...new Array(r - t.dims.length).fill(1), ...t.dims];
  const si = strides(src), so = strides(full);
  for (let k = 0; k < out.data.length; k++) {
    let rem = k, s = 0;
    for (let d = 0; d < r; d++) { const c = Math.floor(rem / so[d]); rem -= c * so[d]; if (src[d] !== 1) s += c * si[d]; }
    out.data[k] = t.data[s];
  }
  return out;
}

export function elementwise(op: string, a: ConstTensor, b: ConstTensor, where: string): ConstTensor {
  const dims = broadcastDims(a.dims, b.dims, where);
  const x = expand(a, dims, where), y = expand(b, dims, where);
  const isInt = a.dtype === 'int' && b.dtype === 'int';
  const out = make(isInt ? 'int' : 'float', dims, where);
  for (let i = 0; i < out.data.length; i++) {
    const u = x.data[i], v = y.data[i];
    let r: number;
    switch (op) {
      case 'Add': r = u + v; break;
      case 'Sub': r = u - v; break;
      case 'Mul': r = u * v; break;
      case 'Div':
        if (isInt && v === 0) throw new WatchwordError(`${where}: integer division by zero`);
        r = isInt ? Math.trunc(u / v) : u / v; break;
      default: throw new WatchwordError(`${where}: ${op} cannot be folded`);
    }
    out.data[i] = isInt ? r : Math.fround(r);
  }
  return out;
}
