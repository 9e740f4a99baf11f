/**
 * The Espruino kernel set, for boards with the `eConvolve` and `eMapInPlace` features: the
 * reference kernels' structure over the native primitives of ./ops.ts. Same names and
 * signatures as kernels/ref, bit-exact to them (test/kernels.test.ts).
 */
import { argmax, topk } from '../ref/argmax';
import { makeDense } from '../ref/dense';
import { embedding } from '../ref/embedding';
import { makeGru } from '../ref/gru';
import type { KernelSet } from '../ref/index';
import { makeLstm } from '../ref/lstm';
import { softmaxScore } from '../ref/score';
import { makeSimpleRnn } from '../ref/simpleRnn';
import { espruinoOps } from './ops';

export var espruinoKernels: KernelSet = {
  name: 'espruino',
  prepare: espruinoOps.prepare,
  dense: makeDense(espruinoOps),
  embedding: embedding,
  simpleRnn: makeSimpleRnn(espruinoOps),
  gru: makeGru(espruinoOps),
  lstm: makeLstm(espruinoOps),
  argmax: argmax,
  topk: topk,
  softmaxScore: softmaxScore,
};
