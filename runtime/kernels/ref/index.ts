/**
 * The reference kernel set: plain loops over typed arrays, the living definition of the
 * integer semantics. Every fast kernel set exports the same names and must match these
 * bit for bit (test/kernels.test.ts).
 */
import { argmax, topk } from './argmax';
import { dense } from './dense';
import { embedding } from './embedding';
import { gru } from './gru';
import { lstm } from './lstm';
import { refOps } from './ops';
import { softmaxScore } from './score';
import { simpleRnn } from './simpleRnn';
import type { Layer, Vec } from '../../layer';

export interface KernelSet {
  name: string;
  prepare(L: Layer): void;
  dense(L: Layer, x: Vec, out: Vec): void;
  embedding(L: Layer, id: number, out: Vec): void;
  simpleRnn(L: Layer, x: Vec, h: Vec): void;
  gru(L: Layer, x: Vec, h: Vec): void;
  lstm(L: Layer, x: Vec, h: Vec, c: Int32Array): void;
  argmax(v: Vec, n: number): number;
  topk(v: Vec, n: number, k: number): number[];
  softmaxScore: typeof softmaxScore;
}

export var refKernels: KernelSet = {
  name: 'ref',
  prepare: refOps.prepare,
  dense: dense,
  embedding: embedding,
  simpleRnn: simpleRnn,
  gru: gru,
  lstm: lstm,
  argmax: argmax,
  topk: topk,
  softmaxScore: softmaxScore,
};
