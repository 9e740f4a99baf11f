/**
 * The integer reference: runs a planned model in Node exactly as the device does — the plan
 * is serialized into a real `.ww` (emit/serialize.ts + emit/wwfile.ts), read back by the
 * device reader (runtime/model.ts) and executed by the runtime (runtime/net.ts) with the
 * reference kernels imported straight from runtime/kernels/ref. Every engine must reproduce
 * its integer outputs bit for bit.
 */
import { serialize } from '../emit/serialize';
import { writeWW } from '../emit/wwfile';
import { refKernels, type KernelSet } from '../../runtime/kernels/ref/index';
import { readWW } from '../../runtime/model';
import { load, type Net } from '../../runtime/net';
import type { Plan } from '../plan/types';

/** The `.ww` bytes of a plan. */
export function wwBytes(p: Plan): Uint8Array {
  const s = serialize(p);
  return writeWW(s.sections, s.strings, s.flags);
}

export function int8Net(p: Plan, kernels: KernelSet = refKernels): Net {
  const bytes = wwBytes(p);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return load(readWW(buf), kernels);
}

export interface Int8Result { output: number[]; index: number; label: string; score: number }

/** Whole-sequence integer output, argmax, label and score (0..1). */
export function runInt8(net: Net, seq: ArrayLike<number>[]): Int8Result {
  const c = net.classify(seq);
  const st = net.state();
  let out: ArrayLike<number> = [];
  for (const f of seq) out = net.step(st, f);
  return { output: Array.from(out), index: c.index, label: c.label, score: c.score };
}

/** The real values of an integer output vector of the plan's last layer. */
export function dequantize(p: Plan, out: ArrayLike<number>): Float64Array {
  const s = p.layers[p.layers.length - 1].outScale;
  return Float64Array.from(out, (v) => v * s);
}
