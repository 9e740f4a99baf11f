/**
 * Virtual time for the simulated device: `setTimeout`/`setInterval`/`clearTimeout`/
 * `clearInterval`/`getTime()` run on a clock the simulator advances itself, so a trace of
 * minutes plays back in milliseconds (fast-forward) and the same trace always gives the same
 * output. `--realtime` waits for the wall clock before each step instead.
 * Espruino semantics: timeouts and intervals share one id space and either clear function
 * clears either; extra arguments are passed to the callback; getTime() is in seconds.
 */

interface Timer { id: number; at: number; every: number; fn: Function; args: unknown[] }

export class Scheduler {
  /** Current virtual time in milliseconds. */
  nowMs = 0;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(private onError: (e: unknown, where: string) => void) {}

  setTimeout = (fn: unknown, ms?: unknown, ...args: unknown[]): number => this.add(fn, ms, 0, args);
  setInterval = (fn: unknown, ms?: unknown, ...args: unknown[]): number => this.add(fn, ms, Math.max(1, Number(ms) || 0), args);
  clearTimeout = (id?: unknown): void => {
    if (id === undefined) { this.timers = []; return; }
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  clearInterval = this.clearTimeout;
  getTime = (): number => this.nowMs / 1000;

  /** Schedules a host callback (no id) — used by shims such as Bangle.buzz. */
  later(ms: number, fn: () => void): void {
    this.add(fn, ms, 0, []);
  }

  private add(fn: unknown, ms: unknown, every: number, args: unknown[]): number {
    if (typeof fn !== 'function') throw new Error('setTimeout/setInterval: first argument must be a function');
    const id = this.nextId++;
    this.timers.push({ id, at: this.nowMs + Math.max(0, Number(ms) || 0), every, fn, args });
    return id;
  }

  /** Time of the next pending timer, or Infinity. */
  nextAt(): number {
    let m = Infinity;
    for (const t of this.timers) if (t.at < m) m = t.at;
    return m;
  }

  /** Runs every timer due at or before `ms` in time order, then sets the clock to `ms`. */
  advanceTo(ms: number): void {
    for (;;) {
      let next: Timer | null = null;
      for (const t of this.timers) if (t.at <= ms && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (!next) break;
      this.nowMs = Math.max(this.nowMs, next.at);
      if (next.every) next.at += next.every; else this.timers.splice(this.timers.indexOf(next), 1);
      try { next.fn(...next.args); } catch (e) { this.onError(e, 'timer callback'); }
    }
    this.nowMs = Math.max(this.nowMs, ms);
  }

  pending(): number {
    return this.timers.length;
  }
}
