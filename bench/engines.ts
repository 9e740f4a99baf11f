/**
 * The engines a benchmark runs on, and how to run an ES5 script on each: the three desktop
 * engines of the simulator (Node `vm`, QuickJS wasm, the `duk` binary) through
 * simulator/engines, plus real device-engine binaries when the environment names them —
 * `ESPRUINO_BIN` (an Espruino Linux build) and `JERRY_BIN` (a JerryScript `jerry` binary with
 * `print`). A binary runs the assembled script from a file; the script prints a final marker
 * line, after which the process is stopped (Espruino stays in its REPL after a file).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { assembleScript, engineAvailable, runScript, type RunOptions } from '../simulator/engines/index';

const require_ = createRequire(import.meta.url);

export type BenchEngine = 'node' | 'quickjs' | 'duktape' | 'espruino' | 'jerryscript';

export const END_MARK = '##ww-bench-end##';

export interface EngineInfo {
  name: BenchEngine;
  version: string;
  available: boolean;
  /** Why it is absent (shown in RESULTS.md). */
  note?: string;
  /** Has Espruino's native E.convolve / E.mapInPlace (else the fast kernels run through the E shim). */
  nativeE: boolean;
  /** Largest model (multiply-adds per step) timed on this engine; bigger ones are skipped with a note. */
  maxMacs?: number;
}

function binFor(e: BenchEngine): string | undefined {
  if (e === 'espruino') return process.env.ESPRUINO_BIN;
  if (e === 'jerryscript') return process.env.JERRY_BIN;
  return undefined;
}

function duktapeVersion(): string {
  // Duktape.version is major*10000 + minor*100 + patch.
  try {
    const out = execFileSync('duk', ['-e', 'print(Duktape.version)'], { encoding: 'utf8' }).trim();
    const v = Number(out);
    return `Duktape ${Math.floor(v / 10000)}.${Math.floor(v / 100) % 100}.${v % 100} (duk)`;
  } catch {
    return 'Duktape (version unknown)';
  }
}

function quickjsVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(require_.resolve('quickjs-emscripten/package.json'), 'utf8')) as { version: string };
    return `QuickJS via quickjs-emscripten ${pkg.version} (wasm, release sync build)`;
  } catch {
    return 'QuickJS via quickjs-emscripten';
  }
}

/** Which engines can run here, with their versions; binaries come from ESPRUINO_BIN / JERRY_BIN. */
export function detectEngines(): EngineInfo[] {
  const list: EngineInfo[] = [
    { name: 'node', version: `Node ${process.version} (vm context, V8 ${process.versions.v8})`, available: true, nativeE: false },
    { name: 'quickjs', version: quickjsVersion(), available: true, nativeE: false },
    {
      name: 'duktape', version: engineAvailable('duktape') ? duktapeVersion() : 'Duktape', available: engineAvailable('duktape'),
      note: engineAvailable('duktape') ? undefined : 'the `duk` binary is not installed (apt-get install duktape)', nativeE: false,
    },
  ];
  for (const e of ['espruino', 'jerryscript'] as const) {
    const bin = binFor(e);
    const env = e === 'espruino' ? 'ESPRUINO_BIN' : 'JERRY_BIN';
    if (!bin) list.push({ name: e, version: e, available: false, note: `${env} is not set`, nativeE: e === 'espruino' });
    else if (!fs.existsSync(bin)) list.push({ name: e, version: e, available: false, note: `${env}=${bin} does not exist`, nativeE: e === 'espruino' });
    // Espruino interprets from source (~5.8 ms per 1000 MACs on x86): the largest sweep models
    // would take minutes each there, so it runs the models up to 20000 MACs per step.
    else list.push({ name: e, version: `${e === 'espruino' ? 'Espruino' : 'JerryScript'} binary ${bin}`, available: true, nativeE: e === 'espruino', maxMacs: e === 'espruino' ? 20000 : undefined });
  }
  return list;
}

/** Runs the assembled script with a binary, collecting stdout lines until END_MARK. */
function runBinary(bin: string, full: string, timeoutMs: number): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-bench-'));
  const file = path.join(dir, 'bench.js');
  fs.writeFileSync(file, full);
  return new Promise((resolve, reject) => {
    const p = spawn(bin, [file], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    let err = '';
    let done = false;
    const finish = (e?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      p.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      // Espruino echoes a prompt and may prefix lines; keep the lines as printed, trimmed of CR.
      const lines = buf.split('\n').map((l) => l.replace(/\r$/, '').replace(/^>+/, ''));
      if (e) reject(Object.assign(e, { lines }));
      else resolve(lines.slice(0, lines.indexOf(END_MARK)));
    };
    const timer = setTimeout(() => finish(new Error(`${path.basename(bin)}: timed out after ${timeoutMs} ms`)), timeoutMs);
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.includes(END_MARK)) finish();
    });
    p.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    p.on('error', (e) => finish(e));
    p.on('close', (code) => {
      if (!done) finish(new Error(`${path.basename(bin)} exited (${code}) before the end marker: ${err.trim().split('\n')[0] ?? ''}`));
    });
  });
}

/** Runs `script` on `engine` and returns the printed lines (before the end marker). */
export async function runBench(engine: BenchEngine, script: string, opts: RunOptions = {}): Promise<string[]> {
  const s = `${script}\nprint(${JSON.stringify(END_MARK)});\n`;
  if (engine === 'espruino' || engine === 'jerryscript') {
    // Both have a native print; the harness's print prelude (a `var print` at global scope
    // that falls back to a host hook) is left out, since Espruino's var handling could shadow
    // the builtin before the fallback test runs.
    const full = assembleScript(s, opts);
    return runBinary(binFor(engine)!, full.slice(full.indexOf('(function () {\n')), opts.timeoutMs ?? 120_000);
  }
  const lines = await runScript(engine, s, opts);
  const i = lines.indexOf(END_MARK);
  if (i < 0) throw new Error(`${engine}: no end marker in the output`);
  return lines.slice(0, i);
}
