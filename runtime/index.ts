/**
 * What the bundled runtime exposes: `load(buffer, opts)` validates a `.ww` file (magic,
 * version, lengths, CRC32 — natively with E.CRC32 where the engine has it) and returns a net
 * (net.ts: state / step / reset / classify / topk). The kernel set is chosen by feature: the
 * Espruino set when the engine has the native `E.convolve` and `E.mapInPlace`, the reference
 * set otherwise; `opts.kernels` ('ref' | 'espruino') forces one. ES5 subset.
 */
import { espruinoKernels } from './kernels/espruino/index';
import { refKernels, type KernelSet } from './kernels/ref/index';
import { readWW } from './model';
import { load as loadNet, type Net } from './net';

export var version = '0.1.0';

function hasE(): boolean {
  return typeof E !== 'undefined' && !!E;
}

export function kernelsFor(name?: string): KernelSet {
  if (name === 'ref') return refKernels;
  if (name === 'espruino') return espruinoKernels;
  if (hasE() && typeof E.convolve === 'function' && typeof E.mapInPlace === 'function') return espruinoKernels;
  return refKernels;
}

export function load(buf: ArrayBuffer, opts?: { kernels?: string }): Net {
  var crc = hasE() && typeof E.CRC32 === 'function' ? function (b: Uint8Array): number { return E.CRC32(b); } : undefined;
  var ww = readWW(buf, crc);
  return loadNet(ww, kernelsFor(opts && opts.kernels));
}

export { readWW };
