/**
 * Produces `upload.js` (and the Espruino `selftest.js`) by running the real `espruino` npm
 * package's command-line tool with `-n -o <out>`: nothing is sent anywhere, and the file holds
 * exactly what the CLI would send to a device - `require("Storage").write(name, atob(...), ...)`
 * chunks for each binary file, then the code (stored to a Storage file and `load()`ed when a
 * code file name is given). The board comes from a local board JSON (`--board <file>`), so the
 * CLI fetches nothing. The output goes through `npx espruino -p <port> upload.js` or the Web
 * IDE unchanged.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import * as acorn from 'acorn';
import { WatchwordError } from '../errors';

const require = createRequire(import.meta.url);

/** Path of the espruino CLI script in node_modules. */
export function espruinoCliPath(): string {
  return require.resolve('espruino/bin/espruino-cli.js');
}

export interface EspruinoUploadOptions {
  /** Board JSON file (absolute path). */
  boardJson: string;
  /** Directory the CLI runs in; `code`, `storage[].file` and `out` are relative to it. */
  cwd: string;
  /** The JavaScript file whose code is sent. */
  code: string;
  /** Binary files written to Storage first, in this order. */
  storage: { name: string; file: string }[];
  /** If set, the code is saved as this Storage file and then load()ed; otherwise it runs directly. */
  codeStorageName?: string;
  /** Output file (must end in .js). */
  out: string;
}

/** Storage file names the espruino CLI and Espruino accept (1-28 chars; no ':' since the CLI splits on it). */
export function checkStorageName(name: string): void {
  if (name.length < 1 || name.length > 28 || name.includes(':') || /[\0-\x1f\x7f-\uffff]/.test(name)) {
    throw new WatchwordError(`Storage file name ${JSON.stringify(name)} is invalid: it needs 1-28 printable ASCII characters and no ':'`);
  }
}

/** Runs `espruino -n -o <out> --board <json> --storage ... <code>` and returns the output text. */
export function espruinoUpload(o: EspruinoUploadOptions): string {
  const args = [espruinoCliPath(), '-n', '-o', o.out, '--board', o.boardJson];
  for (const s of o.storage) {
    checkStorageName(s.name);
    if (s.file.includes(':')) throw new WatchwordError(`file ${s.file}: the espruino CLI cannot take a path containing ':'`);
    args.push('--storage', `${s.name}:${s.file}`);
  }
  if (o.codeStorageName) {
    checkStorageName(o.codeStorageName);
    args.push('--storage', `${o.codeStorageName}:-`);
  }
  args.push(o.code);
  const outPath = path.join(o.cwd, o.out);
  fs.rmSync(outPath, { force: true });
  const r = spawnSync(process.execPath, args, { cwd: o.cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0 || !fs.existsSync(outPath)) {
    const why = (r.error?.message ?? r.stderr ?? '').trim().split('\n').slice(-3).join(' ');
    throw new WatchwordError(`the espruino CLI failed to produce ${o.out} (exit ${r.status}): ${why}`, 1);
  }
  return fs.readFileSync(outPath, 'latin1');
}

/** The Storage writes an upload script performs: file name, declared size, and how many chunks. */
export function storageWrites(uploadJs: string): { name: string; bytes: number; chunks: number }[] {
  const out: { name: string; bytes: number; chunks: number }[] = [];
  const re = /require\("Storage"\)\.write\(("(?:[^"\\]|\\.)*"),/g;
  for (let m; (m = re.exec(uploadJs));) {
    const name = JSON.parse(m[1]) as string;
    // A first chunk ends with `,0,<total size>)`; a whole-file write of code too.
    const end = uploadJs.indexOf('\n', m.index);
    const rest = uploadJs.slice(m.index, end < 0 ? undefined : end);
    const size = /,0,(\d+)\);?\s*$/.exec(rest);
    const prev = out.find((w) => w.name === name);
    if (prev) prev.chunks++;
    else out.push({ name, bytes: size ? Number(size[1]) : NaN, chunks: 1 });
  }
  return out;
}

/** Module names a script passes to `require("...")` as string literals. */
export function requiredModules(code: string): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { for (const n of node) visit(n); return; }
    const n = node as { type?: string; callee?: { type: string; name?: string }; arguments?: { type: string; value?: unknown }[]; [k: string]: unknown };
    if (n.type === 'CallExpression' && n.callee?.type === 'Identifier' && n.callee.name === 'require') {
      const a = n.arguments?.[0];
      if (a && a.type === 'Literal' && typeof a.value === 'string') names.add(a.value);
    }
    for (const k of Object.keys(n)) if (k !== 'type') visit(n[k]);
  };
  visit(acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' }));
  return [...names].sort();
}

/**
 * The espruino CLI downloads every `require()`d module the board does not have built in, so
 * code for upload may only require built-in modules: nothing is fetched at build time.
 */
export function checkRequires(code: string, builtins: string[], what: string, board: string): void {
  const missing = requiredModules(code).filter((m) => !builtins.includes(m));
  if (missing.length) {
    throw new WatchwordError(`${what} requires ${missing.map((m) => JSON.stringify(m)).join(', ')}, which board ${board} does not have built in (it has ${builtins.join(', ')}); the espruino CLI would try to download it`);
  }
}
