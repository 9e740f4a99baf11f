/**
 * Memory held by a loaded model on each engine, for the ways an app can carry its weights:
 *   storage   the `.ww` bytes already exist outside the JS heap (on Espruino a file in Storage,
 *             `require("Storage").readArrayBuffer` maps it onto flash; on the desktop engines
 *             the buffer is created before the first reading, so it is not counted) — only the
 *             runtime's own structures count;
 *   literal   the `.ww` bytes as an array literal in the app: `load(new Uint8Array([...]).buffer)`;
 *   atob      the `.ww` bytes as a base64 string: `load(atob("..."))` (Espruino's atob, the
 *             harness's ES5 decoder elsewhere);
 *   baseline  the hand-written float model (bench/baseline-float.js) with its weights as a
 *             Float32Array literal, what a user would write without watchword.
 * Each variant's source is a string evaluated with `new Function` between two readings, so the
 * figure is what the loaded model keeps alive, not the app source (which on Espruino stays in
 * Storage). Readings: QuickJS — the runtime's memory_used_size (JS_ComputeMemoryUsage); Espruino —
 * process.memory().usage (JS variables) × blocksize; Duktape has no heap total, so the figure
 * there is a walk of the objects reachable from the loaded net, each counted with
 * Duktape.info (header + property/array part + bytecode) plus ArrayBuffer data, skipping the
 * pre-existing Storage buffer — closure-captured scratch buffers are not reachable that way,
 * so Duktape figures are a lower bound. Node is not measured: V8 heap readings around the
 * same load scatter by tens to hundreds of KB between identical runs (lazily compiled and
 * flushed code, deferred GC), more than the models weigh (tried: forced GC, a fresh context
 * per variant, medians of 5).
 */
import { getQuickJS } from 'quickjs-emscripten';
import { assembleScript, runScript } from '../simulator/engines/index';
import { defaultRuntimeBundle } from '../simulator/engines/run-model';
import { baselineSpec, type BenchModel } from './models';
import { BASELINE_SOURCE } from './latency';
import { runBench, type EngineInfo } from './engines';

export const MEMORY_VARIANTS = ['storage', 'literal', 'atob', 'baseline'] as const;
export type MemoryVariant = (typeof MEMORY_VARIANTS)[number];

export interface MemoryResult {
  engine: string;
  model: string;
  /** Bytes per variant (null: the variant failed on this engine, e.g. out of memory). */
  bytes: Record<MemoryVariant, number | null>;
  /** Espruino only: JS variables per variant. */
  vars?: Record<MemoryVariant, number | null>;
  method: string;
  /** Variants that threw, with the engine's message. */
  fails: string[];
}

const b64 = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');

/** The app-side source of each variant; each defines `net`. Only numbers and base64 are embedded. */
export function variantSources(m: BenchModel): Record<MemoryVariant, string> {
  const { weights } = baselineSpec(m.ir);
  const floats = Array.from(weights, (x) => String(x)).join(',');
  return {
    storage: 'var net = watchword.load(MAPPED);',
    literal: `var net = watchword.load(new Uint8Array([${Array.from(m.ww).join(',')}]).buffer);`,
    atob: `var net = watchword.load(ATOB(${JSON.stringify(b64(m.ww))}));`,
    baseline: `var net = WWBaseline.load(SPEC, new Float32Array([${floats}]).buffer);`,
  };
}

const SCRIPT = `
var MAPPED = MODEL;
var ATOB = typeof atob === 'function' && typeof E !== 'undefined' ? function (s) { return E.toArrayBuffer(atob(s)); } : __wwBase64ToArrayBuffer;
if (ON_ESPRUINO) {
  require('Storage').write('wwbench.ww', E.toString(new Uint8Array(MODEL)));
  MAPPED = require('Storage').readArrayBuffer('wwbench.ww');
}
function walk(root, skip) {
  var seen = [], total = 0, stack = [root], bufs = [];
  while (stack.length) {
    var o = stack.pop();
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) continue;
    if (seen.indexOf(o) >= 0) continue;
    seen.push(o);
    var inf = Duktape.info(o);
    total += (inf.hbytes || 0) + (inf.pbytes || 0) + (inf.bcbytes || 0);
    if (o instanceof ArrayBuffer) { if (o !== skip) total += o.byteLength; continue; }
    if (ArrayBuffer.isView(o)) { stack.push(o.buffer); continue; }
    var names = Object.getOwnPropertyNames(o);
    for (var i = 0; i < names.length; i++) {
      var v;
      try { v = o[names[i]]; } catch (e) { continue; }
      if (typeof v === 'object' || typeof v === 'function') stack.push(v);
    }
  }
  return total;
}
var KEEP = [];
for (var pass = 0; pass < 2; pass++) {
for (var i = 0; i < NAMES.length; i++) {
  var name = NAMES[i];
  if (pass === 0) {
    try { new Function('MAPPED', 'ATOB', 'SPEC', 'watchword', 'WWBaseline', SRC[name] + '\\nreturn net;')(MAPPED, ATOB, SPEC, watchword, WWBaseline); } catch (e) {}
    continue;
  }
  try {
    var m0 = PROBE();
    var f = new Function('MAPPED', 'ATOB', 'SPEC', 'watchword', 'WWBaseline', SRC[name] + '\\nreturn net;');
    var net = f(MAPPED, ATOB, SPEC, watchword, WWBaseline);
    f = null;
    KEEP.push(net);
    var m1 = PROBE();
    if (WALK) print('mem ' + name + ' ' + walk(net, MAPPED));
    else if (ON_ESPRUINO) print('mem ' + name + ' ' + (m1 - m0) * (process.memory().blocksize || 0) + ' ' + (m1 - m0));
    else print('mem ' + name + ' ' + (m1 - m0));
  } catch (e) {
    print('fail ' + name + ' ' + String(e).split('\\n')[0]);
  }
}
}
if (ON_ESPRUINO) require('Storage').erase('wwbench.ww');
`;

/** QuickJS: a host probe returning the runtime's memory_used_size. */
async function runQuickJSMem(full: string): Promise<string[]> {
  const QuickJS = await getQuickJS();
  const rt = QuickJS.newRuntime();
  rt.setMemoryLimit(512 * 1024 * 1024);
  const ctx = rt.newContext();
  const lines: string[] = [];
  try {
    const pr = ctx.newFunction('__wwPrintLine', (h) => { lines.push(ctx.getString(h)); });
    ctx.setProp(ctx.global, '__wwPrintLine', pr);
    pr.dispose();
    const probe = ctx.newFunction('__wwProbe', () => {
      const h = rt.computeMemoryUsage();
      const u = (rt.context ?? ctx).dump(h) as { memory_used_size: number };
      h.dispose();
      return ctx.newNumber(u.memory_used_size);
    });
    ctx.setProp(ctx.global, '__wwProbe', probe);
    probe.dispose();
    const r = ctx.evalCode(full, 'watchword-bench-mem.js');
    if (r.error) {
      const e = ctx.dump(r.error);
      r.error.dispose();
      throw new Error(`quickjs: ${JSON.stringify(e)}`);
    }
    r.value.dispose();
    return lines;
  } finally {
    ctx.dispose();
    rt.dispose();
  }
}

/** Memory figures for one model on one engine, or null when the engine has no way to measure. */
export async function measureMemory(engine: EngineInfo, m: BenchModel): Promise<MemoryResult | null> {
  if (engine.name === 'jerryscript' || engine.name === 'node') return null;
  const src = variantSources(m);
  const { spec } = baselineSpec(m.ir);
  const walk = engine.name === 'duktape';
  const probe = engine.name === 'espruino' ? 'function () { return process.memory().usage; }'
    : walk ? 'function () { return 0; }' : 'function () { return __wwProbe(); }';
  const header = `var PROBE = ${probe};\nvar WALK = ${walk};\nvar ON_ESPRUINO = ${engine.name === 'espruino'};\n`
    + `var SPEC = ${JSON.stringify(spec)};\nvar NAMES = ${JSON.stringify(MEMORY_VARIANTS)};\nvar SRC = ${JSON.stringify(src)};\n`;
  const opts = { data: { MODEL: m.ww }, prelude: [await defaultRuntimeBundle(), BASELINE_SOURCE], timeoutMs: 300_000 };
  let lines: string[];
  if (engine.name === 'quickjs') lines = await runQuickJSMem(assembleScript(header + SCRIPT, opts));
  else if (engine.name === 'duktape') lines = await runScript('duktape', header + SCRIPT, opts);
  else lines = await runBench(engine.name, header + SCRIPT, opts);
  const bytes = { storage: null, literal: null, atob: null, baseline: null } as Record<MemoryVariant, number | null>;
  const vars = { ...bytes };
  const fails: string[] = [];
  for (const line of lines) {
    const [tag, name, a, b] = line.trim().split(' ');
    if (tag === 'fail') fails.push(line.trim().slice(5));
    if (tag === 'mem') { bytes[name as MemoryVariant] = Number(a); if (b !== undefined) vars[name as MemoryVariant] = Number(b); }
  }
  const method = engine.name === 'quickjs' ? 'JS_ComputeMemoryUsage memory_used_size delta'
    : engine.name === 'duktape' ? 'Duktape.info walk from the net (lower bound)'
      : 'process.memory().usage delta × blocksize';
  return { engine: engine.name, model: m.id, bytes, fails, vars: engine.name === 'espruino' ? vars : undefined, method };
}
