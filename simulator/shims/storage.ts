/**
 * `require("Storage")`: Espruino's flash file system, backed by in-memory copies of the
 * built files (the dist folder's `.app.js`, `.ww`, ...), so the simulated app reads exactly
 * the bytes a user flashes, and its writes never touch dist/. Semantics follow Espruino's
 * jswrap_storage.c / jsflash.c:
 * - `read(name, offset, length)` → an 8-bit string (one char per byte) or undefined;
 *   `length <= 0` reads to the end, offset/length are clamped to the file.
 * - `readArrayBuffer(name)` → an ArrayBuffer of the file or undefined. On the device it is
 *   mapped onto flash and read-only; the simulator registers it so a typed-array view made on
 *   it throws on write (see typed-arrays.ts) instead of silently differing from the device.
 * - `write(name, data, offset, size)`: strings as bytes, arrays and typed arrays as bytes,
 *   other objects as JSON (then offset/size are ignored). `size` creates a file bigger than
 *   the data, later writes at an offset fill it in; flash writes can only clear bits, so a
 *   write onto already-written bytes ANDs them, as on real flash. Errors as Espruino throws them:
 *   "Can't create zero length file", "Unable to find or create file", "Too much data for file size".
 * - `readJSON`, `writeJSON`, `list(regex)` (names matched with String.match), `erase`,
 *   `eraseAll`, `getFree`, `compact`.
 * File names longer than 28 characters are rejected, as the device does.
 */
import { bytesToString, dataToBytes } from './strings';

export const MAX_NAME_LENGTH = 28;

export interface Realm {
  ArrayBuffer: ArrayBufferConstructor;
  Array: ArrayConstructor;
  JSON: JSON;
}

export interface StorageOptions {
  /** Total flash bytes for getFree (board profile's storage size). */
  capacity?: number;
  /** Constructors of the sandbox, so returned objects belong to the app's realm. */
  realm?: Realm;
  /** Buffers returned by readArrayBuffer are added here (read-only on the device). */
  readOnly?: WeakSet<ArrayBuffer>;
}

export interface StorageShim {
  files: Map<string, Uint8Array>;
  module: Record<string, (...a: any[]) => unknown>;
}

function checkName(name: unknown): string {
  const n = String(name);
  if (n.length === 0) throw new Error('Storage: file name is empty');
  if (n.length > MAX_NAME_LENGTH) throw new Error(`Storage: file name ${JSON.stringify(n)} is longer than ${MAX_NAME_LENGTH} characters`);
  return n;
}

export function createStorage(initial: Map<string, Uint8Array> | Record<string, Uint8Array>, opts: StorageOptions = {}): StorageShim {
  const files = new Map<string, Uint8Array>(initial instanceof Map ? initial : Object.entries(initial));
  const realm = opts.realm ?? { ArrayBuffer, Array, JSON };
  const capacity = opts.capacity ?? 8 * 1024 * 1024;

  function used(): number {
    let n = 0;
    for (const f of files.values()) n += f.length + 32;
    return n;
  }

  const module: StorageShim['module'] = {
    read(name: unknown, offset?: number, length?: number) {
      const f = files.get(checkName(name));
      if (!f) return undefined;
      let off = Math.max(0, Math.floor(Number(offset) || 0));
      let len = Math.floor(Number(length) || 0);
      if (len <= 0) len = f.length;
      if (off > f.length) off = f.length;
      if (off + len > f.length) len = f.length - off;
      return bytesToString(f.subarray(off, off + len));
    },
    readArrayBuffer(name: unknown) {
      const f = files.get(checkName(name));
      if (!f) return undefined;
      const ab = new realm.ArrayBuffer(f.length);
      new Uint8Array(ab).set(f);
      opts.readOnly?.add(ab);
      return ab;
    },
    readJSON(name: unknown, noExceptions?: boolean) {
      const s = module.read(name) as string | undefined;
      if (s === undefined) return undefined;
      try {
        return realm.JSON.parse(s);
      } catch (e) {
        if (noExceptions) return undefined;
        throw e;
      }
    },
    write(name: unknown, data: unknown, offset?: number, size?: number) {
      const n = checkName(name);
      let off = Math.floor(Number(offset) || 0);
      let sz = Math.floor(Number(size) || 0);
      let bytes: Uint8Array | null;
      if (data !== null && typeof data === 'object' && !Array.isArray(data) && !ArrayBuffer.isView(data) &&
          Object.prototype.toString.call(data) !== '[object ArrayBuffer]') {
        bytes = dataToBytes(JSON.stringify(data));
        off = 0; sz = 0;
      } else {
        bytes = dataToBytes(typeof data === 'number' || typeof data === 'boolean' ? String(data) : data);
      }
      if (off < 0 || sz < 0) return false;
      if (!bytes) throw new Error("Can't get pointer to data to write");
      if (sz === 0) sz = bytes.length;
      if (!sz) throw new Error("Can't create zero length file");
      let f = files.get(n);
      if ((!f && off === 0) || (f && off === 0 && (sz !== f.length || !f.every((b) => b === 0xff)))) {
        if (f && off === 0 && sz === f.length && bytes.length === sz && f.every((b, i) => b === bytes![i])) return true;
        if (used() - (f ? f.length + 32 : 0) + sz + 32 > capacity) throw new Error('Unable to find or create file');
        f = new Uint8Array(sz).fill(0xff);
        files.set(n, f);
      }
      if (!f) throw new Error('Unable to find or create file');
      if (off + bytes.length > f.length) throw new Error('Too much data for file size');
      for (let i = 0; i < bytes.length; i++) f[off + i] &= bytes[i];
      return true;
    },
    writeJSON(name: unknown, data: unknown) {
      return module.write(name, JSON.stringify(data));
    },
    list(regex?: unknown) {
      const out = new realm.Array<string>();
      for (const n of files.keys()) {
        if (regex === undefined || regex === null || n.match(regex as RegExp | string)) out.push(n);
      }
      return out;
    },
    erase(name: unknown) {
      files.delete(checkName(name));
    },
    eraseAll() {
      files.clear();
    },
    getFree: () => Math.max(0, capacity - used()),
    compact() {},
  };
  return { files, module };
}
