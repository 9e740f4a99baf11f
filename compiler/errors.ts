/**
 * Errors a user can act on. Every stage throws `WatchwordError` for bad input (a malformed
 * file, an unsupported layer or op, a value out of range) with a message that names the file,
 * layer/node and value; the CLI prints it as one line and exits with `exitCode` (2).
 * Anything else escaping the CLI is a watchword bug and is reported as such.
 */
export class WatchwordError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'WatchwordError';
    this.exitCode = exitCode;
  }
}

/** Throws a WatchwordError when `cond` is false. */
export function check(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new WatchwordError(typeof message === 'function' ? message() : message);
}
