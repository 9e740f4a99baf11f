/**
 * Builds the device runtime: the TypeScript under `runtime/` becomes one self-contained ES5
 * script that defines a single global (`var watchword = {...}`) holding the entry module's
 * exports. Two tools, because neither does both jobs: the TypeScript compiler (the one
 * ts-morph wraps, TS 6, which needs `ignoreDeprecations: "6.0"` to target ES5) lowers each
 * file to ES5 syntax, since esbuild cannot lower to ES5; esbuild then bundles, tree-shakes,
 * applies build-time `define`s (runtime specialization, e.g. which kernel set a board gets)
 * and minifies, at target es5. The result is parsed by `es5check` before it is returned, so
 * a build never yields a script a device cannot run.
 *
 * The exports object is built with plain property assignments rather than esbuild's
 * namespace helper, which uses getter properties; engines on small boards are not asked to
 * support accessors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import * as acorn from 'acorn';
import { ts } from 'ts-morph';
import { WatchwordError } from '../errors';
import { assertEs5 } from './es5check';

export const RUNTIME_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../runtime');

export interface BuildRuntimeOptions {
  /** Entry module whose exports become the global's properties (default runtime/index.ts). */
  entry?: string;
  /** Name of the global the script defines (default "watchword"). */
  globalName?: string;
  /** Build-time constants, esbuild `define` syntax: { WW_KERNELS: '"espruino"' }. */
  define?: Record<string, string>;
  /** Minify (default true: Espruino executes from source, so bytes are RAM). */
  minify?: boolean;
  /**
   * Run es5Check on the result (default true). Only desktop-side scripts (simulator shims
   * that run on QuickJS/Duktape, never on a device) may turn it off.
   */
  es5Check?: boolean;
}

export interface BuiltRuntime { code: string; entry: string; exports: string[] }

const TS_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES5,
  module: ts.ModuleKind.ESNext,
  ignoreDeprecations: '6.0',
  noEmitHelpers: true,
  importHelpers: false,
  removeComments: true,
  sourceMap: false,
  isolatedModules: true,
} as ts.CompilerOptions;

/** Lowers one runtime TypeScript file to ES5 (ES module syntax kept for esbuild). */
function lower(file: string): string {
  const src = fs.readFileSync(file, 'utf8');
  const out = ts.transpileModule(src, { compilerOptions: TS_OPTIONS, fileName: file, reportDiagnostics: true });
  const diags = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diags.length) {
    const d = diags[0];
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    throw new WatchwordError(`${file}${where ? `:${where.line + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  // noEmitHelpers: a construct that needs a TS helper (spread, classes with extends, ...)
  // leaves a call to an undefined __helper; refuse it here with the file name.
  const helper = /\b(__extends|__assign|__spreadArray|__rest|__awaiter|__generator|__values|__read|__makeTemplateObject)\b/.exec(out.outputText);
  if (helper) throw new WatchwordError(`${file}: uses a construct that needs the TypeScript helper ${helper[1]}; keep runtime code in the ES5 subset (DESIGN.md)`);
  return out.outputText;
}

/** Names exported by a lowered module, following `export * from` into runtime files. */
function exportNames(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const ast = acorn.parse(lower(file), { ecmaVersion: 2020, sourceType: 'module' }) as unknown as { body: Array<Record<string, any>> };
  const names: string[] = [];
  for (const st of ast.body) {
    if (st.type === 'ExportNamedDeclaration') {
      if (st.declaration?.type === 'VariableDeclaration') for (const d of st.declaration.declarations) names.push(d.id.name);
      else if (st.declaration?.id) names.push(st.declaration.id.name);
      for (const s of st.specifiers ?? []) names.push(s.exported.name ?? s.exported.value);
    } else if (st.type === 'ExportAllDeclaration') {
      if (st.exported) names.push(st.exported.name);
      else names.push(...exportNames(resolveTs(path.dirname(file), st.source.value as string, file), seen).filter((n) => n !== 'default'));
    } else if (st.type === 'ExportDefaultDeclaration') {
      names.push('default');
    }
  }
  return names;
}

function resolveTs(dir: string, spec: string, from: string): string {
  const base = path.resolve(dir, spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  throw new WatchwordError(`${from}: cannot resolve import "${spec}"`);
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Builds the runtime bundle; the returned code passes `es5Check`. */
export async function buildRuntime(opts: BuildRuntimeOptions = {}): Promise<BuiltRuntime> {
  const entry = path.resolve(opts.entry ?? path.join(RUNTIME_DIR, 'index.ts'));
  const globalName = opts.globalName ?? 'watchword';
  if (!IDENT.test(globalName)) throw new WatchwordError(`runtime global name ${JSON.stringify(globalName)} is not a JS identifier`);
  if (!fs.existsSync(entry)) throw new WatchwordError(`runtime entry ${entry} does not exist`);
  const names = exportNames(entry).filter((n) => n !== 'default');
  for (const n of names) if (!IDENT.test(n)) throw new WatchwordError(`${entry}: export ${JSON.stringify(n)} is not a JS identifier`);
  const rel = path.relative(process.cwd(), entry).split(path.sep).join('/');
  const glue = `import { ${names.join(', ')} } from ${JSON.stringify(entry)};\n` +
    `${globalName} = {};\n` + names.map((n) => `${globalName}.${n} = ${n};\n`).join('');
  let result: esbuild.BuildResult;
  try {
    result = await esbuild.build({
      stdin: { contents: glue, resolveDir: path.dirname(entry), sourcefile: 'watchword-runtime-entry.js', loader: 'js' },
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es5',
      platform: 'neutral',
      minify: opts.minify ?? true,
      legalComments: 'none',
      define: opts.define,
      logLevel: 'silent',
      banner: { js: `// Generated by watchword (compiler/emit/build-runtime.ts) from ${rel}. Do not edit.\nvar ${globalName};` },
      plugins: [{
        name: 'ts-to-es5',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            return { path: resolveTs(args.resolveDir, args.path, args.importer || entry) };
          });
          build.onLoad({ filter: /\.ts$/ }, (args) => ({ contents: lower(args.path), loader: 'js', resolveDir: path.dirname(args.path) }));
        },
      }],
    });
  } catch (e) {
    if (e instanceof WatchwordError) throw e;
    const errs = (e as { errors?: esbuild.Message[] }).errors;
    if (errs?.length) {
      const m = errs[0];
      throw new WatchwordError(`runtime build: ${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`);
    }
    throw e;
  }
  const code = result.outputFiles![0].text;
  if (opts.es5Check ?? true) assertEs5(code, `runtime bundle (${rel})`);
  return { code, entry, exports: names };
}
