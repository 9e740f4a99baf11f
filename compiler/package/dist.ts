/**
 * Writes an app folder atomically: every file goes into a fresh temporary folder next to the
 * destination (`dist/<BOARD>/.<id>.tmp-<pid>`), then the previous folder is moved aside and the
 * new one renamed into place. A build that fails at any point before the rename - a budget
 * error, the espruino CLI failing, a full disk - leaves the previous `dist/<BOARD>/<id>/` as it
 * was. Steps that need the files on disk (the espruino CLI) run inside the staging folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OutFile } from './types';

export interface Staging {
  /** The temporary folder files are written to. */
  dir: string;
  write(file: OutFile): void;
  /** Moves the staged folder to its destination, replacing what was there. */
  commit(): void;
  /** Removes the staged folder (after a failure). */
  abort(): void;
}

export function stageDir(dest: string): Staging {
  const parent = path.dirname(dest);
  fs.mkdirSync(parent, { recursive: true });
  const base = path.basename(dest);
  const tmp = path.join(parent, `.${base}.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  let done = false;
  return {
    dir: tmp,
    write(file) {
      if (file.name.includes('/') || file.name.includes('\\') || file.name.startsWith('.')) {
        throw new Error(`dist: refusing file name ${JSON.stringify(file.name)}`);
      }
      fs.writeFileSync(path.join(tmp, file.name), file.bytes);
    },
    commit() {
      if (done) throw new Error('dist: staging already finished');
      const old = path.join(parent, `.${base}.old-${process.pid}`);
      fs.rmSync(old, { recursive: true, force: true });
      const hadPrevious = fs.existsSync(dest);
      if (hadPrevious) fs.renameSync(dest, old);
      try {
        fs.renameSync(tmp, dest);
      } catch (e) {
        if (hadPrevious) fs.renameSync(old, dest); // put the previous build back
        throw e;
      }
      fs.rmSync(old, { recursive: true, force: true });
      done = true;
    },
    abort() {
      if (done) return;
      fs.rmSync(tmp, { recursive: true, force: true });
      done = true;
    },
  };
}
