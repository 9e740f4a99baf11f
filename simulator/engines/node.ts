/**
 * Node engine for the simulator: runs an ES5 script in a fresh `vm` context (its own
 * globals, no `require`, no `process`) with a wall-clock timeout, and returns the lines the
 * script printed. The fastest of the three engines, and the one whose typed arrays and
 * number formatting the compiler itself uses.
 */
import * as vm from 'node:vm';

export function runNode(script: string, timeoutMs: number): string[] {
  const lines: string[] = [];
  const context = vm.createContext({ __wwPrintLine: (s: string) => { lines.push(String(s)); } });
  try {
    vm.runInContext(script, context, { filename: 'watchword-sim.js', timeout: timeoutMs });
  } catch (e) {
    const err = e as Error;
    const msg = err && typeof err === 'object' && 'message' in err ? `${err.name}: ${err.message}` : String(e);
    throw Object.assign(new Error(`node: ${msg}`), { lines });
  }
  return lines;
}
