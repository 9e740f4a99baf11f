/**
 * The Bangle.js firmware's gesture detector (peripheralPollHandler in Espruino's
 * libs/banglejs/jswrap_bangle.c), re-implemented so the synthetic data set contains exactly
 * what a watch would hand to `Bangle.on('gesture', ...)`: which movements fire an event at
 * all, where the event starts and ends, and its length.
 *
 * Per accelerometer sample: accDiff = integer sqrt of the squared change of the raw x,y,z
 * reading since the previous sample. A gesture starts when accDiff > gestureStartThresh
 * (default 800 counts ≈ 0.1 g); it ends after gestureInactiveCount (4) consecutive samples
 * with accDiff < gestureEndThresh (2000 ≈ 0.24 g); it is reported only if its length
 * (counting the start sample and the quiet tail) is >= gestureMinLength (10) and < 50, the
 * size of the history buffer. The event is the last `length` samples as clipi8(raw >> 7).
 */
import { toGestureByte } from './sensor';

export interface DetectorOptions {
  gestureStartThresh: number;
  gestureEndThresh: number;
  gestureInactiveCount: number;
  gestureMinLength: number;
}

/** Firmware defaults (Bangle.setOptions documentation). */
export const DEFAULT_DETECTOR: DetectorOptions = {
  gestureStartThresh: 800,
  gestureEndThresh: 2000,
  gestureInactiveCount: 4,
  gestureMinLength: 10,
};

const HISTORY = 50;

/** Runs the detector over raw readings (x,y,z interleaved); returns every gesture event. */
export function detectGestures(raw: Int16Array, opts: DetectorOptions = DEFAULT_DETECTOR): Int8Array[] {
  const events: Int8Array[] = [];
  let px = 0, py = 0, pz = 0;
  let count = 0, idle = 0;
  const n = raw.length / 3;
  for (let i = 0; i < n; i++) {
    const x = raw[i * 3], y = raw[i * 3 + 1], z = raw[i * 3 + 2];
    const dx = x - px, dy = y - py, dz = z - pz;
    px = x; py = y; pz = z;
    if (i === 0) continue; // the firmware starts from a settled reading, not from 0
    const diff = Math.floor(Math.sqrt(dx * dx + dy * dy + dz * dz));
    if (count === 0) {
      if (diff > opts.gestureStartThresh) { idle = 0; count = 1; }
    } else {
      if (count < 255) count++;
      if (diff < opts.gestureEndThresh) {
        if (idle < 255) idle++;
        if (idle === opts.gestureInactiveCount) {
          if (count >= opts.gestureMinLength && count < HISTORY) {
            const ev = new Int8Array(count * 3);
            const first = i - count + 1;
            for (let k = 0; k < count * 3; k++) ev[k] = toGestureByte(raw[first * 3 + k]);
            events.push(ev);
          }
          count = 0;
        }
      } else if (idle < opts.gestureInactiveCount) {
        idle = 0;
      }
    }
  }
  return events;
}
