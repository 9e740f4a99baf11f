/**
 * The synthetic wrist-gesture data set: for each example a motion is drawn (motions.ts), played
 * through the Bangle.js accelerometer model (sensor.ts) between two still periods, and cut by
 * the firmware's own gesture detector (detector.ts). What comes out is exactly a `gesture`
 * event: an Int8Array of x,y,z samples at 12.5 Hz, 64 = 1 g, 10–49 samples.
 *
 * A drawn gesture that the detector would not report (too short, too long) or would split in
 * two is drawn again, as a wearer would repeat it; for `other` (ordinary movement) any event
 * the detector reports is kept, since that is what would reach the recognizer on the watch.
 *
 * Deterministic: every split has its own seeded stream (seedrandom "<seed>:<split>"), so the
 * same seed gives the same data set, and growing one split does not change the others.
 */
import seedrandom from 'seedrandom';
import type { Dataset, Example } from '../../compiler/data/dataset';
import type { InputSpec } from '../../compiler/ir/types';
import { DEFAULT_DETECTOR, detectGestures } from './detector';
import { drawMotion, GESTURE_LABELS, U, type GestureLabel, type MotionContext, type Rng } from './motions';
import { ODR_HZ, SIM_HZ, sampleAccelerometer, type SensorImperfections, type Vec3 } from './sensor';

export { GESTURE_LABELS } from './motions';

/** What the model is fed: Bangle.js `gesture` events as the app configures them. */
export const GESTURE_INPUT: InputSpec = {
  features: 3,
  deviceType: 'int8',
  scale: 1 / 64,
  unit: 'g',
  sampleRateHz: ODR_HZ,
  maxSteps: 49,
  source: 'Bangle.js gesture event (Int8Array x,y,z; raw >> 7, 64 = 1 g; Bangle.setPollInterval(80), 12.5 Hz)',
};

export interface GestureGenOptions {
  seed?: string | number;
  /** Examples per class in each split. */
  train?: number;
  validation?: number;
  test?: number;
}

export const GESTURE_DEFAULTS = { seed: 1, train: 300, validation: 60, test: 150 };

function gaussian(rng: Rng): () => number {
  return () => {
    const a = Math.max(rng(), 1e-12), b = rng();
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
  };
}

/**
 * One recording: still (0.3–1 s), the motion, still again (1.2 s, long enough for the
 * detector's 4 quiet samples). While "still" the arm drifts slowly by a degree or two and
 * trembles slightly, as a real arm does.
 */
function record(label: GestureLabel, rng: Rng, gauss: () => number): Int16Array {
  const ctx: MotionContext = { rng, gauss, hand: rng() < 0.7 ? 1 : -1 };
  const motion = drawMotion(label, ctx);
  const pre = U(rng, 0.3, 1.0), post = 1.2;
  const total = pre + motion.duration + post;
  const steps = Math.ceil(total * SIM_HZ);
  const drift: Vec3 = [gauss() * 0.01, gauss() * 0.01, gauss() * 0.01]; // g per second
  const tremorF = U(rng, 8, 12), tremorA = U(rng, 0, 0.02);
  const force: Vec3[] = new Array(steps);
  for (let i = 0; i < steps; i++) {
    const t = i / SIM_HZ - pre;
    const f = motion.force(Math.min(Math.max(t, 0), motion.duration));
    const tr = tremorA * Math.sin(2 * Math.PI * tremorF * t);
    force[i] = [f[0] + drift[0] * t + tr, f[1] + drift[1] * t, f[2] + drift[2] * t + tr];
  }
  const imp: SensorImperfections = {
    offset: [U(rng, -0.03, 0.03), U(rng, -0.03, 0.03), U(rng, -0.03, 0.03)],
    gain: [U(rng, 0.97, 1.03), U(rng, 0.97, 1.03), U(rng, 0.97, 1.03)],
    noise: U(rng, 0.003, 0.015),
  };
  return sampleAccelerometer(force, imp, gauss);
}

/** Draws one `gesture` event of the given class (retrying draws the watch would not report). */
export function generateGesture(label: GestureLabel, rng: Rng, gauss: () => number = gaussian(rng)): Int8Array {
  for (let attempt = 0; attempt < 200; attempt++) {
    const events = detectGestures(record(label, rng, gauss), DEFAULT_DETECTOR);
    if (label === 'other') {
      if (events.length > 0) return events[Math.floor(rng() * events.length)];
    } else if (events.length === 1) {
      return events[0];
    }
  }
  throw new Error(`gesture generator: no detectable '${label}' in 200 draws (a bug in the motion model)`);
}

/** An Int8Array event as frames [[x,y,z], ...]. */
export function eventToFrames(ev: Int8Array): number[][] {
  const frames: number[][] = [];
  for (let i = 0; i < ev.length; i += 3) frames.push([ev[i], ev[i + 1], ev[i + 2]]);
  return frames;
}

function generateSplit(seed: string, n: number): Example[] {
  const rng = seedrandom(seed);
  const gauss = gaussian(rng);
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    GESTURE_LABELS.forEach((label, k) => out.push({ label: k, frames: eventToFrames(generateGesture(label, rng, gauss)) }));
  }
  return out;
}

/** The whole data set (dataset.ts format), deterministic for a seed. */
export function generateGestureDataset(opts: GestureGenOptions = {}): Dataset {
  const o = { ...GESTURE_DEFAULTS, ...opts };
  return {
    name: 'gestures',
    labels: GESTURE_LABELS.slice(),
    input: { ...GESTURE_INPUT },
    splits: {
      train: generateSplit(`${o.seed}:train`, o.train),
      validation: generateSplit(`${o.seed}:validation`, o.validation),
      test: generateSplit(`${o.seed}:test`, o.test),
    },
  };
}
