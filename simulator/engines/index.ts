/**
 * One entry point for running device JavaScript on the desktop engines: Node (`vm`),
 * QuickJS (wasm) and Duktape (the `duk` binary). `runScript(engine, script, {data})` prepends
 * the same ES5 prelude on every engine — a global `print(...)` that emits one line per call
 * with its arguments joined by spaces (duk's native one where it exists), and each `data`
 * entry as an ArrayBuffer variable decoded from base64 by a small ES5 routine, since duk has
 * no binary file API — and returns the printed lines. The data, preludes and script share
 * one function scope (see assembleScript). An uncaught exception becomes an Error naming the
 * engine and carrying the lines printed so far (`err.lines`). Tests compare the lines across
 * engines; `watchword predict --engine` uses the same call.
 */
import { runNode } from './node';
import { runQuickJS } from './quickjs';
import { runDuktape, dukAvailable } from './duktape';

export const ENGINE_NAMES = ['node', 'quickjs', 'duktape'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface RunOptions {
  /** Globals holding binary data: name → bytes, visible to the script as an ArrayBuffer. */
  data?: Record<string, Uint8Array | ArrayBuffer>;
  /** Extra ES5 scripts run before `script` (e.g. an Espruino `E` shim, the runtime bundle). */
  prelude?: string[];
  /** Wall-clock limit; a script still running then is stopped and reported (default 120 s). */
  timeoutMs?: number;
}

export function isEngineName(s: string): s is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(s);
}

/** Whether `engine` can run here (Duktape needs the `duk` binary). */
export function engineAvailable(engine: EngineName): boolean {
  return engine === 'duktape' ? dukAvailable() : true;
}

const PRINT_PRELUDE =
  'var print = typeof print === "function" ? print : function () {\n' +
  '  var s = "";\n' +
  '  for (var i = 0; i < arguments.length; i++) s += (i ? " " : "") + String(arguments[i]);\n' +
  '  __wwPrintLine(s);\n' +
  '};\n';

const BASE64_PRELUDE =
  'function __wwBase64ToArrayBuffer(s) {\n' +
  '  var A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";\n' +
  '  var lut = new Int16Array(128);\n' +
  '  for (var i = 0; i < 128; i++) lut[i] = -1;\n' +
  '  for (i = 0; i < 64; i++) lut[A.charCodeAt(i)] = i;\n' +
  '  var n = s.length;\n' +
  '  while (n > 0 && s.charAt(n - 1) === "=") n--;\n' +
  '  var out = new Uint8Array((n * 3) >> 2);\n' +
  '  var acc = 0, bits = 0, o = 0;\n' +
  '  for (i = 0; i < n; i++) {\n' +
  '    var v = lut[s.charCodeAt(i) & 127];\n' +
  '    if (v < 0) throw new Error("bad base64 at " + i);\n' +
  '    acc = ((acc & 0xffff) << 6) | v; bits += 6;\n' +
  '    if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 0xff; }\n' +
  '  }\n' +
  '  return out.buffer;\n' +
  '}\n';

function toBase64(d: Uint8Array | ArrayBuffer): string {
  const u = d instanceof Uint8Array ? d : new Uint8Array(d);
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * The full script an engine runs: the print prelude at global scope, then one function
 * holding the data, the preludes and `script`, so their `var`s are locals: global variable
 * access in a Node `vm` context goes through the context object's interceptors and is
 * ~50x slower than a local, and locals are cheaper in every interpreter too.
 */
export function assembleScript(script: string, opts: RunOptions = {}): string {
  const parts = [PRINT_PRELUDE, '(function () {\n', BASE64_PRELUDE];
  for (const [name, bytes] of Object.entries(opts.data ?? {})) {
    if (!IDENT.test(name)) throw new Error(`engine data name ${JSON.stringify(name)} is not a JS identifier`);
    parts.push(`var ${name} = __wwBase64ToArrayBuffer("${toBase64(bytes)}");\n`);
  }
  for (const p of opts.prelude ?? []) parts.push(p.endsWith('\n') ? p : p + '\n');
  parts.push(script.endsWith('\n') ? script : script + '\n');
  parts.push('})();\n');
  return parts.join('');
}

/** Runs `script` on `engine` and returns the printed lines. */
export async function runScript(engine: EngineName, script: string, opts: RunOptions = {}): Promise<string[]> {
  const full = assembleScript(script, opts);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  switch (engine) {
    case 'node': return runNode(full, timeoutMs);
    case 'quickjs': return runQuickJS(full, timeoutMs);
    case 'duktape': return runDuktape(full, timeoutMs);
    default: throw new Error(`unknown engine ${String(engine)} (${ENGINE_NAMES.join(', ')})`);
  }
}
