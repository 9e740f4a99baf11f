/**
 * A simulated Espruino device in a Node `vm` sandbox: the app's own files are evaluated as
 * the watch would evaluate them, with shims for the globals firmware uses — `Bangle`, `g`
 * (when the board has a screen), `E` (the numeric E.convolve/E.mapInPlace/E.CRC32 shim plus
 * E.toArrayBuffer/E.showMessage), `require("Storage")`, `print`/`console`, timers on virtual
 * time, `getTime`, `atob`/`btoa`, `load`. Errors thrown by app code are caught and reported as
 * Espruino does ("Uncaught Error: ...") and the device keeps running; every call into app
 * code has a time limit so a hang is reported, not waited on.
 */
import vm from 'node:vm';
import { Framebuffer, type Screen } from './framebuffer';
import { createGraphics, type GraphicsShim, type GraphicsStats } from './shims/graphics';
import { createStorage, type StorageShim } from './shims/storage';
import { createBangle, type BangleShim } from './shims/bangle';
import { bytesToString, stringToBytes } from './shims/strings';
import { makeCheckedTypedArrays, unwrapTypedArray, TYPED_ARRAY_NAMES } from './typed-arrays';
import { Scheduler } from './scheduler';

export interface DeviceOptions {
  /** Board name, reported as process.env.BOARD. */
  board: string;
  /** Screen of the board, or null for boards without one (no `g`). */
  screen: Screen | null;
  /** Initial Storage contents (name → bytes). */
  files: Map<string, Uint8Array>;
  /** Storage capacity in bytes. */
  storageBytes?: number;
  /** The numeric E shim (E.convolve, E.mapInPlace, E.CRC32 ...); extended with E.toArrayBuffer/showMessage here. */
  E?: Record<string, unknown>;
  /** Throw on negative typed-array indices and writes to flash-mapped buffers (default true). */
  checkTypedArrays?: boolean;
  /** Time limit per call into app code, ms (default 10000). */
  timeoutMs?: number;
  /** Every printed line, as it happens. */
  onPrint?: (line: string) => void;
}

export interface DeviceError { t: number; where: string; message: string }

function formatArg(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export class Device {
  readonly context: vm.Context;
  readonly scheduler: Scheduler;
  readonly bangle: BangleShim;
  readonly storage: StorageShim;
  readonly fb: Framebuffer | null;
  readonly g: GraphicsShim | null;
  readonly gStats: GraphicsStats | null;
  readonly prints: string[] = [];
  readonly errors: DeviceError[] = [];
  private readonly timeoutMs: number;
  private readonly callScript = new vm.Script('__ww_call.f.apply(__ww_call.t, __ww_call.a)');
  private readonly opts: DeviceOptions;

  constructor(opts: DeviceOptions) {
    this.opts = opts;
    this.timeoutMs = opts.timeoutMs ?? 10000;
    const sandbox: Record<string, unknown> = {};
    this.context = vm.createContext(sandbox, { name: `watchword ${opts.board}` });
    const natives = vm.runInContext(
      `({ArrayBuffer:ArrayBuffer, Array:Array, JSON:JSON, Promise:Promise, ${TYPED_ARRAY_NAMES.map((n) => `${n}:${n}`).join(', ')}})`,
      this.context,
    ) as Record<string, any>;
    const readOnly = new WeakSet<ArrayBuffer>();
    const typed = opts.checkTypedArrays === false ? natives : makeCheckedTypedArrays(natives, readOnly);
    if (opts.checkTypedArrays !== false) for (const n of TYPED_ARRAY_NAMES) sandbox[n] = typed[n];

    this.scheduler = new Scheduler((e, where) => this.reportError(e, where));
    this.storage = createStorage(opts.files, { capacity: opts.storageBytes, realm: natives as any, readOnly });
    if (opts.screen) {
      this.fb = new Framebuffer(opts.screen);
      const { g, stats } = createGraphics(this.fb);
      this.g = g;
      this.gStats = stats;
      (g.clear as () => void)();
    } else {
      this.fb = null; this.g = null; this.gStats = null;
    }
    this.bangle = createBangle({
      now: () => this.scheduler.getTime(),
      later: (ms, fn) => this.scheduler.later(ms, fn),
      Promise: natives.Promise,
      Int8Array: typed.Int8Array as Int8ArrayConstructor,
      onError: (e, where) => this.reportError(e, where),
    }, opts.screen ?? { width: 0, height: 0 });
    // Handlers run through call() so each has the time limit.
    const emit = this.bangle.Bangle.emit;
    this.bangle.Bangle.emit = (evt: unknown, ...args: unknown[]) => this.guard(`Bangle '${String(evt)}' event`, () => emit(evt, ...args));

    const print = (...a: unknown[]) => this.print(a.map(formatArg).join(' '));
    const E: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(opts.E ?? {})) {
      // Native E functions see plain typed arrays, as Espruino's C code does.
      E[k] = typeof v === 'function' ? (...a: unknown[]) => (v as Function)(...a.map(unwrapTypedArray)) : v;
    }
    E.toArrayBuffer = (s: unknown) => {
      const b = stringToBytes(String(s));
      const ab = new natives.ArrayBuffer(b.length) as ArrayBuffer;
      new Uint8Array(ab).set(b);
      return ab;
    };
    E.showMessage = (msg: unknown, title?: unknown) => this.showMessage(String(msg), title === undefined ? undefined : String(title));
    E.getErrorFlags = () => new natives.Array();
    E.on = () => E;

    const Storage = this.storage.module;
    Object.assign(sandbox, {
      global: sandbox,
      print,
      console: { log: print, info: print, warn: print, error: print, debug: print },
      Bangle: this.bangle.Bangle,
      E,
      require: (name: unknown) => {
        if (name === 'Storage') return Storage;
        throw new Error(`Module ${String(name)} not found`);
      },
      setTimeout: this.scheduler.setTimeout,
      setInterval: this.scheduler.setInterval,
      clearTimeout: this.scheduler.clearTimeout,
      clearInterval: this.scheduler.clearInterval,
      getTime: this.scheduler.getTime,
      atob: (s: unknown) => bytesToString(new Uint8Array(Buffer.from(String(s), 'base64'))),
      btoa: (s: unknown) => Buffer.from(stringToBytes(String(s))).toString('base64'),
      load: (name?: unknown) => this.load(name === undefined ? undefined : String(name)),
      process: { env: { BOARD: opts.board, VERSION: '2v29 (watchword simulator)' } },
      WIDGETS: {},
    });
    if (this.g) sandbox.g = this.g;
  }

  print(line: string): void {
    for (const l of line.split('\n')) {
      this.prints.push(l);
      this.opts.onPrint?.(l);
    }
  }

  reportError(e: unknown, where: string): void {
    const err = e as { name?: string; message?: string };
    const message = err && typeof err === 'object' && 'message' in err ? `${err.name ?? 'Error'}: ${err.message}` : String(e);
    this.errors.push({ t: this.scheduler.getTime(), where, message });
    this.print(`Uncaught ${message}`);
  }

  /** Runs host-side work that calls into app code, with the time limit and Espruino's error handling. */
  private guard<T>(where: string, fn: () => T): T | undefined {
    (this.context as Record<string, unknown>).__ww_call = { f: fn, t: undefined, a: [] };
    try {
      return this.callScript.runInContext(this.context, { timeout: this.timeoutMs }) as T;
    } catch (e) {
      this.reportError(e, where);
      return undefined;
    } finally {
      delete (this.context as Record<string, unknown>).__ww_call;
    }
  }

  /** Evaluates source text as the device would (errors reported, not thrown). */
  run(source: string, filename: string): void {
    try {
      vm.runInContext(source, this.context, { filename, timeout: this.timeoutMs });
    } catch (e) {
      this.reportError(e, filename);
    }
  }

  /** Evaluates an expression in the device and returns its value (throws on error). */
  evaluate(source: string, filename: string): unknown {
    return vm.runInContext(source, this.context, { filename, timeout: this.timeoutMs });
  }

  /** Espruino's load(file): forget the running app's handlers and timers, then evaluate the file from Storage. */
  load(name?: string): void {
    this.bangle.Bangle.removeAllListeners();
    this.scheduler.clearTimeout();
    if (name === undefined) return;
    const src = this.storage.module.read(name) as string | undefined;
    if (src === undefined) { this.reportError(new Error(`load: file ${JSON.stringify(name)} not found in Storage`), 'load'); return; }
    this.run(src, name);
  }

  /** Advances virtual time to `seconds`, running due timers. */
  advanceTo(seconds: number): void {
    this.guard('timer', () => this.scheduler.advanceTo(seconds * 1000));
  }

  gesture(xyz: ArrayLike<number>): void {
    this.bangle.gesture(xyz);
  }

  accel(x: number, y: number, z: number): void {
    this.bangle.accel(x, y, z);
  }

  /** E.showMessage as on Bangle.js: clear the app area, a title bar when given, the message centred. */
  private showMessage(msg: string, title?: string): void {
    const g = this.g as Record<string, Function> | null;
    if (!g || !this.fb) { this.print(title ? `${title}: ${msg}` : msg); return; }
    const w = this.fb.width, h = this.fb.height;
    g.reset(); g.clearRect(0, 0, w - 1, h - 1);
    let top = 0;
    if (title) {
      const th = (g.theme as unknown as { fgH: number; bgH: number });
      g.setColor(th.bgH).fillRect(0, 0, w - 1, 19);
      g.setColor(th.fgH).setFont('6x8', 2).setFontAlign(0, 0).drawString(title, w / 2, 10);
      top = 20;
      g.reset();
    }
    // Word-wrap at the largest font scale (2, else 1) that fits the area, as Bangle.js wraps to its width.
    const wrap = (maxChars: number): string[] => {
      const lines: string[] = [];
      for (const para of msg.split('\n')) {
        let cur = '';
        for (let word of para.split(/\s+/).filter(Boolean)) {
          while (word.length > maxChars) { if (cur) { lines.push(cur); cur = ''; } lines.push(word.slice(0, maxChars)); word = word.slice(maxChars); }
          if (!cur) cur = word;
          else if ((cur + ' ' + word).length <= maxChars) cur += ' ' + word;
          else { lines.push(cur); cur = word; }
        }
        lines.push(cur);
      }
      return lines;
    };
    let scale = 2;
    let lines = wrap(Math.max(1, Math.floor(w / (6 * scale))));
    if (lines.length * 8 * scale > h - top) { scale = 1; lines = wrap(Math.max(1, Math.floor(w / 6))); }
    g.setFont('6x8', scale).setFontAlign(0, 0).drawString(lines.join('\n'), w / 2, top + (h - top) / 2);
    g.reset();
  }
}
