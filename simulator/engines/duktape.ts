/**
 * Duktape engine for the simulator: runs the script with the `duk` command-line binary
 * (Debian package `duktape`, which `.ci/run` installs), a small-footprint ES5.1 interpreter
 * close in spirit to the device engines. duk has no file API for binary data, so the
 * caller's data arrives embedded in the script (see index.ts); output is what `print`
 * writes to stdout. `dukAvailable()` lets tests skip with a visible note when it is absent.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let available: boolean | undefined;

export function dukAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('duk', ['-e', 'print(1)'], { encoding: 'utf8' });
    available = r.status === 0 && r.stdout.trim() === '1';
  }
  return available;
}

/**
 * duk writes strings as CESU-8: a character above U+FFFF goes out as its two UTF-16
 * surrogates, three bytes each, which a UTF-8 decoder rejects. Decode code units directly.
 */
export function decodeCesu8(b: Uint8Array): string {
  const units: number[] = [];
  let out = '';
  for (let i = 0; i < b.length;) {
    const c = b[i];
    let u: number;
    if (c < 0x80) { u = c; i += 1; }
    else if (c >= 0xc0 && c < 0xe0 && i + 1 < b.length) { u = ((c & 0x1f) << 6) | (b[i + 1] & 0x3f); i += 2; }
    else if (c >= 0xe0 && c < 0xf0 && i + 2 < b.length) { u = ((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f); i += 3; }
    else if (c >= 0xf0 && i + 3 < b.length) {
      const cp = ((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
      units.push(0xd800 + ((cp - 0x10000) >> 10));
      u = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      i += 4;
    } else { u = 0xfffd; i += 1; }
    units.push(u);
    if (units.length >= 4096) { out += String.fromCharCode(...units); units.length = 0; }
  }
  return out + String.fromCharCode(...units);
}

export function runDuktape(script: string, timeoutMs: number): string[] {
  if (!dukAvailable()) throw new Error('duktape: the `duk` binary is not installed (apt-get install duktape)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-duk-'));
  const file = path.join(dir, 'watchword-sim.js');
  try {
    // duk's own print (arguments joined by spaces, one line each) is the output channel.
    fs.writeFileSync(file, script);
    const r = spawnSync('duk', [file], { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
    const lines = r.stdout ? decodeCesu8(r.stdout).split('\n') : [];
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    if (r.error) throw Object.assign(new Error(`duktape: ${(r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `timed out after ${timeoutMs} ms` : r.error.message}`), { lines });
    if (r.status !== 0) {
      const msg = (r.stderr ? r.stderr.toString('utf8') : '').trim().split('\n')[0] || `exit status ${r.status ?? r.signal}`;
      throw Object.assign(new Error(`duktape: ${msg}`), { lines });
    }
    return lines;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
