/**
 * The ES5 gate for everything that runs on a device (the bundled runtime, app glue). Espruino
 * parses lazily, so unsupported syntax only fails on the code path that runs — on a watch, in
 * the field; this check parses the whole script up front with acorn at `ecmaVersion: 5` and
 * then walks it for things that parse as ES5 but break the numeric contract or are missing on
 * Espruino/JerryScript: `Math.round` (Espruino rounds -2.5 to -3) and the ES2015 Math
 * functions (`imul`, `trunc`, `fround`, `tanh`, ...), post-ES5 globals (Map, Set, Symbol,
 * Promise, ...) and statics (`Object.assign`, `Array.from`, `Number.isInteger`, ...),
 * `Array.prototype.*` (undefined on Espruino) and `.map(` calls in device code, and
 * non-integer number literals (Espruino parses float literals 1-2 ulp off).
 * Each issue names the line and shows its text.
 */
import * as acorn from 'acorn';
import { WatchwordError } from '../errors';

export interface Es5Issue { line: number; column: number; rule: string; message: string; text: string }

export interface Es5CheckOptions {
  /** Flag `x.map(...)` calls (default true: Espruino's Array.prototype.map is undefined). */
  forbidMap?: boolean;
  /** Flag non-integer number literals (default true: Espruino parses them 1-2 ulp off). */
  forbidFloatLiterals?: boolean;
}

/** ES5 Math has round but the contract forbids it; the rest are ES2015 and absent on Espruino. */
const FORBIDDEN_MATH = new Set([
  'round', 'imul', 'trunc', 'fround', 'tanh', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'sign',
  'clz32', 'cbrt', 'expm1', 'log1p', 'log2', 'log10', 'hypot',
]);
const FORBIDDEN_GLOBALS = new Set([
  'Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Promise', 'Proxy', 'Reflect', 'BigInt', 'globalThis',
  'BigInt64Array', 'BigUint64Array',
]);
const FORBIDDEN_STATICS: Record<string, Set<string>> = {
  Object: new Set(['assign', 'entries', 'values', 'fromEntries', 'getOwnPropertySymbols', 'is', 'setPrototypeOf']),
  Array: new Set(['from', 'of']),
  Number: new Set(['isInteger', 'isFinite', 'isNaN', 'isSafeInteger', 'parseFloat', 'parseInt', 'EPSILON', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER']),
  String: new Set(['fromCodePoint', 'raw']),
};

type Node = acorn.Node & Record<string, unknown>;

function propName(n: Node): string | undefined {
  const p = n.property as Node;
  if (!n.computed && p.type === 'Identifier') return p.name as string;
  if (n.computed && p.type === 'Literal' && typeof p.value === 'string') return p.value;
  return undefined;
}

function walk(node: Node, visit: (n: Node, parent: Node | null) => void, parent: Node | null = null): void {
  visit(node, parent);
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === 'string') walk(c as Node, visit, node);
    } else if (v && typeof v === 'object' && typeof (v as Node).type === 'string') {
      walk(v as Node, visit, node);
    }
  }
}

/** Lists every ES5-subset violation in `code` (empty when the script is fine). */
export function es5Check(code: string, opts: Es5CheckOptions = {}): Es5Issue[] {
  const forbidMap = opts.forbidMap ?? true;
  const forbidFloat = opts.forbidFloatLiterals ?? true;
  const lines = code.split('\n');
  const snippet = (line: number, column: number) => {
    const t = lines[line - 1] ?? '';
    // Minified bundles are one long line: show a window around the column.
    return t.length <= 160 ? t.trim() : t.slice(Math.max(0, column - 60), column + 60);
  };
  let ast: Node;
  try {
    ast = acorn.parse(code, { ecmaVersion: 5, sourceType: 'script', locations: true }) as unknown as Node;
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    const line = err.loc?.line ?? 0;
    const column = err.loc?.column ?? 0;
    return [{ line, column, rule: 'syntax', message: `not ES5: ${err.message}`, text: snippet(line, column) }];
  }
  const issues: Es5Issue[] = [];
  const add = (n: Node, rule: string, message: string) => {
    const loc = n.loc as acorn.SourceLocation;
    issues.push({ line: loc.start.line, column: loc.start.column, rule, message, text: snippet(loc.start.line, loc.start.column) });
  };
  walk(ast, (n, parent) => {
    if (n.type === 'MemberExpression') {
      const obj = n.object as Node;
      const name = propName(n);
      if (obj.type === 'Identifier' && name !== undefined) {
        if (obj.name === 'Math' && FORBIDDEN_MATH.has(name)) {
          add(n, 'math', name === 'round'
            ? 'Math.round is forbidden (Espruino rounds -2.5 to -3); use the floor-based primitives in runtime/fixedpoint.ts'
            : `Math.${name} is not available on Espruino/JerryScript`);
        }
        const statics = FORBIDDEN_STATICS[obj.name as string];
        if (statics && statics.has(name)) add(n, 'es2015', `${obj.name}.${name} is not ES5`);
      }
      if (obj.type === 'MemberExpression' && propName(obj) === 'prototype' && (obj.object as Node).type === 'Identifier' && (obj.object as Node).name === 'Array') {
        add(n, 'array-prototype', `Array.prototype.${name ?? '[...]'} is undefined on Espruino; use an indexed for loop`);
      }
      if (forbidMap && name === 'map' && parent?.type === 'CallExpression' && parent.callee === n) {
        add(n, 'map', '.map( in device code: Array.prototype.map is undefined on Espruino; use an indexed for loop');
      }
    } else if (n.type === 'Identifier' && FORBIDDEN_GLOBALS.has(n.name as string)) {
      // A property name (`x.Map`) or object key is not a reference to the global.
      const isProp = parent?.type === 'MemberExpression' && parent.property === n && !parent.computed;
      const isKey = parent?.type === 'Property' && parent.key === n;
      if (!isProp && !isKey) add(n, 'es2015', `${n.name} is not ES5 (missing on Espruino/JerryScript)`);
    } else if (forbidFloat && n.type === 'Literal' && typeof n.value === 'number' && !Number.isInteger(n.value)) {
      add(n, 'float-literal', `float literal ${n.raw}: Espruino parses float literals 1-2 ulp off; emit integers only`);
    }
  });
  return issues;
}

/** Throws a WatchwordError listing every violation, naming `file` and each offending line. */
export function assertEs5(code: string, file: string, opts: Es5CheckOptions = {}): void {
  const issues = es5Check(code, opts);
  if (issues.length === 0) return;
  const shown = issues.slice(0, 10).map((i) => `${file}:${i.line}:${i.column + 1}: ${i.message} — ${i.text}`);
  if (issues.length > 10) shown.push(`... and ${issues.length - 10} more`);
  throw new WatchwordError(`${file} is not in the device ES5 subset:\n${shown.join('\n')}`);
}
