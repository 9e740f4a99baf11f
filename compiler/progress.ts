/**
 * Progress reporting for anything that runs longer than a couple of seconds (training,
 * calibration, builds, benchmarks), through cli-progress. On a terminal it draws a bar; when
 * stderr is not a terminal (CI, pipes) it prints a plain line at most every few seconds and
 * at the end, so logs stay readable. stdout is left for results.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Advance to `value` (absolute) with an optional status text. */
  update(value: number, status?: string): void;
  /** Print a line above the bar (e.g. an epoch summary). */
  log(line: string): void;
  stop(): void;
}

export function progress(label: string, total: number, opts: { quiet?: boolean } = {}): Progress {
  if (opts.quiet || process.env.WATCHWORD_QUIET) {
    return { update() {}, log() {}, stop() {} };
  }
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {status}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { status: '' });
    return {
      update: (v, status = '') => bar.update(v, { status }),
      log: (line) => { bar.stop(); process.stderr.write(line + '\n'); bar.start(total, (bar as unknown as { value: number }).value, { status: '' }); },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let value = 0;
  let status = '';
  return {
    update: (v, s = '') => {
      value = v; status = s;
      const now = Date.now();
      if (now - last > 5000) { last = now; process.stderr.write(`${label} ${v}/${total} ${s}\n`); }
    },
    log: (line) => process.stderr.write(line + '\n'),
    stop: () => process.stderr.write(`${label} ${value}/${total} ${status}\n`),
  };
}
