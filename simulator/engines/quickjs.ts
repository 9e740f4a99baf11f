/**
 * QuickJS engine for the simulator, through npm `quickjs-emscripten` (the synchronous
 * release build, a WebAssembly QuickJS): a strict ES2020 interpreter with its own number
 * formatting and typed-array implementation, so agreement with Node is a real check. One
 * context per run; an interrupt handler enforces the timeout so a looping script cannot hang
 * the test run.
 */
import { getQuickJS, shouldInterruptAfterDeadline, type QuickJSWASMModule } from 'quickjs-emscripten';

let modulePromise: Promise<QuickJSWASMModule> | undefined;

export async function runQuickJS(script: string, timeoutMs: number): Promise<string[]> {
  modulePromise ??= getQuickJS();
  const QuickJS = await modulePromise;
  const runtime = QuickJS.newRuntime();
  const deadline = Date.now() + timeoutMs;
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
  runtime.setMemoryLimit(512 * 1024 * 1024);
  const ctx = runtime.newContext();
  const lines: string[] = [];
  try {
    const printFn = ctx.newFunction('__wwPrintLine', (h) => { lines.push(ctx.getString(h)); });
    ctx.setProp(ctx.global, '__wwPrintLine', printFn);
    printFn.dispose();
    const result = ctx.evalCode(script, 'watchword-sim.js');
    if (result.error) {
      const err = ctx.dump(result.error) as { name?: string; message?: string } | string;
      result.error.dispose();
      const msg = Date.now() >= deadline ? `timed out after ${timeoutMs} ms`
        : typeof err === 'object' && err && 'message' in err ? `${err.name}: ${err.message}` : String(err);
      throw Object.assign(new Error(`quickjs: ${msg}`), { lines });
    }
    result.value.dispose();
    return lines;
  } finally {
    ctx.dispose();
    runtime.dispose();
  }
}
