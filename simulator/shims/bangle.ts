/**
 * The `Bangle` object: an event emitter with Espruino's `on`/`removeListener`/
 * `removeAllListeners`/`emit`, plus the device calls watchword's glue makes. Event shapes
 * follow the Bangle.js reference: 'gesture' handlers get one Int8Array of interleaved x,y,z
 * samples (raw >> 7, 64 = 1 g); 'accel' handlers get `{x, y, z, diff, mag}` in g, where mag
 * is the vector length and diff the length of the change since the previous sample.
 * `buzz(ms, strength)` returns a Promise resolved when the (virtual) buzz ends; buzzes,
 * poll intervals, options and LCD power are recorded so the simulator and tests can see
 * what the app asked the hardware to do.
 */

export interface BangleLog {
  buzzes: { t: number; ms: number; strength: number }[];
  pollInterval: number[];
  options: Record<string, unknown>;
  lcdPower: boolean;
}

export interface BangleHost {
  /** Virtual time in seconds. */
  now(): number;
  /** Schedules fn after ms of virtual time. */
  later(ms: number, fn: () => void): void;
  /** The sandbox's Promise and Int8Array, so values handed to the app belong to its realm. */
  Promise: PromiseConstructor;
  Int8Array: Int8ArrayConstructor;
  /** Called when an app handler throws: Espruino reports the error and keeps running. */
  onError(e: unknown, where: string): void;
}

export interface BangleShim {
  Bangle: Record<string, any>;
  log: BangleLog;
  /** Delivers a gesture event (int8 x,y,z interleaved). */
  gesture(xyz: ArrayLike<number>): void;
  /** Delivers an accelerometer sample in g. */
  accel(x: number, y: number, z: number): void;
}

export function createBangle(host: BangleHost, screen: { width: number; height: number }): BangleShim {
  const listeners = new Map<string, Function[]>();
  const log: BangleLog = { buzzes: [], pollInterval: [], options: {}, lcdPower: true };
  let last: { x: number; y: number; z: number } | null = null;
  let locked = false;

  const Bangle: Record<string, any> = {
    on(evt: unknown, fn: unknown) {
      if (typeof fn !== 'function') throw new Error(`Bangle.on(${JSON.stringify(String(evt))}): second argument must be a function`);
      const k = String(evt);
      if (!listeners.has(k)) listeners.set(k, []);
      listeners.get(k)!.push(fn);
      return Bangle;
    },
    addListener(evt: unknown, fn: unknown) { return Bangle.on(evt, fn); },
    prependListener(evt: unknown, fn: unknown) {
      Bangle.on(evt, fn);
      const l = listeners.get(String(evt))!;
      l.unshift(l.pop()!);
      return Bangle;
    },
    removeListener(evt: unknown, fn: unknown) {
      const l = listeners.get(String(evt));
      if (l) { const i = l.indexOf(fn as Function); if (i >= 0) l.splice(i, 1); }
      return Bangle;
    },
    removeAllListeners(evt?: unknown) {
      if (evt === undefined) listeners.clear(); else listeners.delete(String(evt));
      return Bangle;
    },
    emit(evt: unknown, ...args: unknown[]) {
      const l = listeners.get(String(evt));
      if (!l) return true;
      for (const fn of l.slice()) {
        try { fn.apply(Bangle, args); } catch (e) { host.onError(e, `Bangle '${String(evt)}' handler`); }
      }
      return true;
    },
    buzz(ms?: number, strength?: number) {
      const d = ms === undefined ? 200 : Number(ms);
      log.buzzes.push({ t: host.now(), ms: d, strength: strength === undefined ? 1 : Number(strength) });
      return new host.Promise((resolve) => host.later(d, () => resolve(undefined)));
    },
    beep(ms?: number) { return new host.Promise((resolve) => host.later(ms === undefined ? 200 : Number(ms), () => resolve(undefined))); },
    setPollInterval(ms: number) { log.pollInterval.push(Number(ms)); },
    setOptions(o: Record<string, unknown>) { Object.assign(log.options, o); },
    getOptions() { return { ...log.options }; },
    setLCDPower(on: unknown) { log.lcdPower = !!on; },
    isLCDOn() { return log.lcdPower; },
    setLCDTimeout() {},
    setLocked(l: unknown) { locked = !!l; },
    isLocked() { return locked; },
    getAccel() { const s = last ?? { x: 0, y: 0, z: -1 }; return { ...s, diff: 0, mag: Math.hypot(s.x, s.y, s.z) }; },
    loadWidgets() {},
    drawWidgets() {},
    setUI() {},
    appRect: { x: 0, y: 24, w: screen.width, h: screen.height - 24, x2: screen.width - 1, y2: screen.height - 1 },
  };

  return {
    Bangle,
    log,
    gesture(xyz) {
      const a = new host.Int8Array(xyz.length);
      for (let i = 0; i < xyz.length; i++) a[i] = xyz[i];
      Bangle.emit('gesture', a);
    },
    accel(x, y, z) {
      const diff = last ? Math.hypot(x - last.x, y - last.y, z - last.z) : 0;
      last = { x, y, z };
      Bangle.emit('accel', { x, y, z, diff, mag: Math.hypot(x, y, z) });
    },
  };
}
