/**
 * Finds a built app and the Storage files it installs, exactly as a user would flash them:
 * a Bangle.js App Loader folder lists them in metadata.json's `storage` entries (name, url,
 * `evaluate` for files such as the icon whose content is a JS expression the loader evaluates
 * on install); a folder without metadata.json installs `<id>.app.js` and every other `<id>.*`
 * file under its own name. With no --app, the board's dist folder must hold one app.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../compiler/errors';

export interface AppFiles {
  dir: string;
  id: string;
  /** Storage name → bytes, in install order. */
  files: Map<string, Uint8Array>;
  /** Storage names whose file content must be evaluated on the device to get the stored value. */
  evaluate: string[];
}

export const BUILD_HINT = 'build first: npm run build:board';

/** dist/<BOARD>/<app> when it holds exactly one app (or the one named `preferred`). */
export function defaultAppDir(distRoot: string, board: string, preferred = 'gestures'): string {
  const root = path.join(distRoot, board);
  if (!fs.existsSync(root)) throw new WatchwordError(`no built app in ${root}: ${BUILD_HINT} -- --board ${board}`);
  const apps = fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory()).sort();
  if (apps.includes(preferred)) return path.join(root, preferred);
  if (apps.length === 1) return path.join(root, apps[0]);
  if (apps.length === 0) throw new WatchwordError(`no built app in ${root}: ${BUILD_HINT} -- --board ${board}`);
  throw new WatchwordError(`${root} holds several apps (${apps.join(', ')}); choose one with --app`);
}

export function readAppFiles(dir: string): AppFiles {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new WatchwordError(`${dir}: no such app folder (${BUILD_HINT})`);
  const meta = path.join(dir, 'metadata.json');
  const files = new Map<string, Uint8Array>();
  const evaluate: string[] = [];
  if (fs.existsSync(meta)) {
    let m: { id?: unknown; storage?: unknown };
    try {
      m = JSON.parse(fs.readFileSync(meta, 'utf8'));
    } catch (e) {
      throw new WatchwordError(`${meta}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof m.id !== 'string' || !Array.isArray(m.storage)) throw new WatchwordError(`${meta}: needs "id" and a "storage" list`);
    for (const [i, s] of (m.storage as { name?: unknown; url?: unknown; evaluate?: unknown }[]).entries()) {
      if (!s || typeof s.name !== 'string') throw new WatchwordError(`${meta}: storage[${i}] has no "name"`);
      const url = typeof s.url === 'string' ? s.url : s.name;
      const file = path.join(dir, url);
      if (path.relative(dir, file).startsWith('..')) throw new WatchwordError(`${meta}: storage[${i}] url ${JSON.stringify(url)} points outside the app folder`);
      if (!fs.existsSync(file)) throw new WatchwordError(`${meta}: storage[${i}] file ${url} is missing (${BUILD_HINT})`);
      files.set(s.name, new Uint8Array(fs.readFileSync(file)));
      if (s.evaluate) evaluate.push(s.name);
    }
    return { dir, id: m.id, files, evaluate };
  }
  const apps = fs.readdirSync(dir).filter((f) => f.endsWith('.app.js')).sort();
  if (apps.length !== 1) throw new WatchwordError(`${dir}: expected one <id>.app.js (found ${apps.length}; ${BUILD_HINT})`);
  const id = apps[0].slice(0, -'.app.js'.length);
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.startsWith(id + '.') && fs.statSync(path.join(dir, f)).isFile()) files.set(f, new Uint8Array(fs.readFileSync(path.join(dir, f))));
  }
  return { dir, id, files, evaluate };
}
