/**
 * Sizes: per model, the float32 weights a hand-written app carries (bytes, and the source of
 * a `new Float32Array([...])` literal) against the `.ww` file (the sweep has no zero weights,
 * so its matrices are stored dense int8; pruned examples' .ww sizes come from the accuracy
 * job); and the code the device parses: the bundled runtime and the hand-written baseline, minified (esbuild, ES5) and then
 * pretokenised the way the espruino tools do before upload. The pretokeniser is the espruino
 * npm package's own plugin (plugins/pretokenise.js, `Espruino.Plugins.Pretokenise.tokenise`),
 * loaded into a vm context with the small `Espruino` object it expects and
 * `Espruino.Config.PRETOKENISE = 2` ("always tokenise everything": keywords, operators,
 * strings and integers become byte tokens, as on firmware 2v25 and later).
 */
import fs from 'node:fs';
import * as vm from 'node:vm';
import { createRequire } from 'node:module';
import * as acorn from 'acorn';
import * as esbuild from 'esbuild';
import { defaultRuntimeBundle } from '../simulator/engines/run-model';
import { baselineSpec, type BenchModel } from './models';
import { BASELINE_SOURCE } from './latency';

const require_ = createRequire(import.meta.url);

export interface ModelSize {
  model: string;
  params: number;
  float32Bytes: number;
  /** Characters of `new Float32Array([...])` holding the weights (how a user embeds them). */
  floatLiteralBytes: number;
  wwBytes: number;
}

export interface CodeSize { name: string; sourceBytes: number; minifiedBytes: number; pretokenisedBytes: number }

type Tokeniser = { tokenise(code: string): string; untokenise(code: string): string };
let tokeniser: Tokeniser | undefined;

/** The espruino package's pretokeniser. */
export function espruinoPretokeniser(): Tokeniser {
  if (tokeniser) return tokeniser;
  const file = require_.resolve('espruino/plugins/pretokenise.js');
  const Espruino = {
    Core: { Config: { add() {} }, Env: { getBoardData: () => ({}) } },
    Config: { PRETOKENISE: 2 },
    Plugins: {} as Record<string, unknown>,
    addProcessor() {},
  };
  vm.runInNewContext(fs.readFileSync(file, 'utf8'), { Espruino, acorn, console }, { filename: file });
  const t = Espruino.Plugins.Pretokenise as Tokeniser | undefined;
  if (!t || typeof t.tokenise !== 'function') throw new Error(`${file}: Espruino.Plugins.Pretokenise.tokenise not found`);
  tokeniser = t;
  return t;
}

/** Pretokenised byte count (token codes are single bytes; the plugin returns a binary string). */
export function pretokenisedBytes(code: string): number {
  const t = espruinoPretokeniser().tokenise(code);
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) > 255) return Buffer.byteLength(t, 'utf8');
  return t.length;
}

export function modelSize(m: BenchModel): ModelSize {
  const { weights } = baselineSpec(m.ir);
  const literal = `new Float32Array([${Array.from(weights, (x) => String(x)).join(',')}])`;
  return { model: m.id, params: m.params, float32Bytes: m.params * 4, floatLiteralBytes: literal.length, wwBytes: m.ww.length };
}

export async function codeSizes(): Promise<CodeSize[]> {
  const runtime = await defaultRuntimeBundle();
  const base = (await esbuild.transform(BASELINE_SOURCE, { minify: true, target: 'es5', loader: 'js' })).code;
  return [
    // The bundle is already minified by build-runtime; its source size is the TypeScript under runtime/.
    { name: 'watchword runtime (runtime/index.ts bundle: loader, ref + Espruino kernels)', sourceBytes: runtimeSourceBytes(), minifiedBytes: runtime.length, pretokenisedBytes: pretokenisedBytes(runtime) },
    { name: 'hand-written float baseline (bench/baseline-float.js)', sourceBytes: BASELINE_SOURCE.length, minifiedBytes: base.length, pretokenisedBytes: pretokenisedBytes(base) },
  ];
}

function runtimeSourceBytes(): number {
  const dir = new URL('../runtime/', import.meta.url);
  let n = 0;
  const walk = (u: URL) => {
    for (const e of fs.readdirSync(u, { withFileTypes: true })) {
      if (e.isDirectory()) walk(new URL(`${e.name}/`, u));
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) n += fs.statSync(new URL(e.name, u)).size;
    }
  };
  walk(dir);
  return n;
}
