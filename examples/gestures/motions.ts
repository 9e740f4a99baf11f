/**
 * The physics of each gesture: a recipe draws random parameters (amplitude, speed, duration,
 * direction jitter, wrist) and returns the specific force the watch's accelerometer feels,
 * as a function of time, in the watch frame and in g.
 *
 * Frame (Bangle.js, screen as the wearer reads it): x → 3 o'clock (screen right), y → 6
 * o'clock (screen down, towards the wearer when reading), z → into the wrist. An
 * accelerometer measures specific force f = a − g: at rest it reads +1 g "up", so a watch
 * lying face up reads (0, 0, −1 g) — the firmware's `faceUp` test (z < −5700 counts) agrees.
 *
 * Each recipe composes two physical effects:
 *   f(t) = Rm(t)ᵀ · (a(t) + u)
 * where u is the "up" unit vector in the watch frame at the base pose (how the wrist is held:
 * tilted towards the face, forearm pitched, arm hanging), a(t) the hand's linear acceleration
 * (g) in that frame, and Rm(t) the watch's rotation relative to the base pose during the
 * gesture (twists, flicks), so gravity swings between the axes as the wrist turns.
 *
 * Handedness: a watch on the right wrist is worn rotated 180° and its screen (and, in the
 * firmware, the accelerometer axes) rotated back, so in the screen frame x still points to
 * the wearer's right, but the hand lies at −x instead of +x: a hanging arm reads x > 0 instead
 * of x < 0, and the same anatomical twist turns the other way round x.
 */
import type { Vec3 } from './sensor';

export type Rng = () => number;
export type Mat3 = number[]; // row-major 3x3

export interface MotionContext {
  rng: Rng;
  gauss: () => number;
  /** +1: watch on the left wrist (hand towards +x); −1: right wrist. */
  hand: 1 | -1;
}

/** A motion: its duration (s) and the specific force at time t in [0, duration]. */
export interface Motion {
  duration: number;
  force(t: number): Vec3;
}

export const U = (rng: Rng, a: number, b: number): number => a + (b - a) * rng();
const DEG = Math.PI / 180;

export function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Rotation matrix about a unit axis (Rodrigues). */
export function rotation(axis: Vec3, angle: number): Mat3 {
  const [x, y, z] = normalize(axis);
  const c = Math.cos(angle), s = Math.sin(angle), C = 1 - c;
  return [
    c + x * x * C, x * y * C - z * s, x * z * C + y * s,
    y * x * C + z * s, c + y * y * C, y * z * C - x * s,
    z * x * C - y * s, z * y * C + x * s, c + z * z * C,
  ];
}

/** Rᵀ v: a world-frame vector seen from a watch rotated by R. */
function applyT(R: Mat3, v: Vec3): Vec3 {
  return [
    R[0] * v[0] + R[3] * v[1] + R[6] * v[2],
    R[1] * v[0] + R[4] * v[1] + R[7] * v[2],
    R[2] * v[0] + R[5] * v[1] + R[8] * v[2],
  ];
}

const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
const clamp01 = (s: number) => (s < 0 ? 0 : s > 1 ? 1 : s);

/** Acceleration of a move-and-stop of one period: sin(2πs) (speeds up, then brakes). */
export const moveStop = (s: number): number => (s <= 0 || s >= 1 ? 0 : Math.sin(2 * Math.PI * s));
/** An angle that goes out and back: (1 − cos 2πs) / 2, from 0 to 1 and back to 0. */
export const outBack = (s: number): number => (s <= 0 || s >= 1 ? 0 : (1 - Math.cos(2 * Math.PI * s)) / 2);
/** Minimum-jerk position profile 0 → 1 and its second derivative (per s²). */
export const minJerk = (s: number): number => { const x = clamp01(s); return x * x * x * (10 - 15 * x + 6 * x * x); };
export const minJerkAcc = (s: number): number => (s <= 0 || s >= 1 ? 0 : 60 * s - 180 * s * s + 120 * s * s * s);

/** Direction near `axis`, tilted by up to `maxDeg` in a random direction. */
function jitterDir(ctx: MotionContext, axis: Vec3, maxDeg: number): Vec3 {
  const r: Vec3 = normalize([ctx.gauss(), ctx.gauss(), ctx.gauss()]);
  return applyT(rotation(r, U(ctx.rng, -maxDeg, maxDeg) * DEG), axis);
}

/**
 * The base pose when the wearer looks at the watch: screen tilted towards the face by
 * 0–70° about the forearm (x) axis, forearm pitched ±30° (hand up or down).
 */
export function readingPose(ctx: MotionContext): Vec3 {
  const tilt = U(ctx.rng, -10, 70) * DEG;
  const pitch = U(ctx.rng, -30, 30) * DEG;
  return normalize([ctx.hand * Math.sin(pitch), -Math.sin(tilt) * Math.cos(pitch), -Math.cos(tilt) * Math.cos(pitch)]);
}

/** Arm hanging by the side: hand down (so up = −hand), screen facing outwards, a little slack. */
export function hangingPose(ctx: MotionContext): Vec3 {
  return normalize([-ctx.hand, U(ctx.rng, -0.35, 0.35), U(ctx.rng, -0.35, 0.35)]);
}

/** A motion from a linear acceleration a(t) and a rotation Rm(t) about a fixed pose u. */
function compose(duration: number, u: Vec3, acc: (t: number) => Vec3, rot?: (t: number) => Mat3): Motion {
  return {
    duration,
    force: (t) => {
      const f = add(acc(t), u);
      return rot ? applyT(rot(t), f) : f;
    },
  };
}

/** Small tremor/wobble added to every gesture: a few tenths of a g, random axis. */
function wobble(ctx: MotionContext, duration: number): (t: number) => Vec3 {
  const dir = normalize([ctx.gauss(), ctx.gauss(), ctx.gauss()]);
  const amp = U(ctx.rng, 0, 0.15);
  const t0 = U(ctx.rng, 0, duration * 0.5), T = U(ctx.rng, 0.2, 0.5);
  return (t) => scale(dir, amp * moveStop((t - t0) / T));
}

// ---- the gestures --------------------------------------------------------------------------

/** Swipe: the hand moves sideways (screen left/right) and stops; 0.25–0.7 s, 0.7–2.2 g peak. */
function swipe(ctx: MotionContext, sign: 1 | -1): Motion {
  const u = readingPose(ctx);
  const T = U(ctx.rng, 0.25, 0.7), A = U(ctx.rng, 0.7, 2.2);
  const dir = jitterDir(ctx, [sign, 0, 0], 20);
  const w = wobble(ctx, T);
  const roll = U(ctx.rng, -12, 12) * DEG;
  return compose(T, u, (t) => add(scale(dir, A * moveStop(t / T)), w(t)), (t) => rotation([0, 1, 0], roll * outBack(t / T)));
}

/**
 * Flick: a quick upward (or downward) jerk of the hand, translating along world up while the
 * wrist bends the same way (rotation about the watch's y axis) and comes back; 0.25–0.6 s.
 */
function flick(ctx: MotionContext, sign: 1 | -1): Motion {
  const u = readingPose(ctx);
  const T = U(ctx.rng, 0.25, 0.6), A = U(ctx.rng, 0.6, 2.0);
  const bend = sign * ctx.hand * U(ctx.rng, 10, 40) * DEG;
  const dir = jitterDir(ctx, scale(u, sign), 15);
  const w = wobble(ctx, T);
  return compose(T, u, (t) => add(scale(dir, A * moveStop(t / T)), w(t)), (t) => rotation([0, 1, 0], bend * outBack(t / T)));
}

/**
 * Twist: the wrist turns out about the forearm (x) axis by 50–130° and back (the motion of
 * Bangle.js's own `twist` wake-up); gravity swings from z into y and back. 0.5–1.4 s.
 */
function twist(ctx: MotionContext): Motion {
  const u = readingPose(ctx);
  const T = U(ctx.rng, 0.5, 1.4);
  const angle = -ctx.hand * U(ctx.rng, 50, 130) * DEG;
  const r = U(ctx.rng, 0.02, 0.05); // watch sits 2–5 cm off the rotation axis: centripetal accel
  const w = wobble(ctx, T);
  return compose(T, u, (t) => {
    const s = t / T;
    const omega = angle * Math.PI * Math.sin(2 * Math.PI * s) / T; // d/dt of angle*outBack
    return add([0, 0, (r * omega * omega) / 9.81], w(t));
  }, (t) => rotation([1, 0, 0], angle * outBack(t / T)));
}

/** Shake: 2–5 back-and-forth strokes at 2.5–4.5 Hz roughly along the screen's x axis, 1–3 g. */
function shake(ctx: MotionContext): Motion {
  const u = readingPose(ctx);
  const f = U(ctx.rng, 2.5, 4.5), cycles = 2 + Math.floor(ctx.rng() * 4);
  const T = cycles / f, A = U(ctx.rng, 1.0, 3.0);
  const dir = jitterDir(ctx, [1, 0, 0], 30);
  const phase = ctx.rng() < 0.5 ? 0 : Math.PI;
  return compose(T, u, (t) => scale(dir, A * Math.sin(2 * Math.PI * f * t + phase) * Math.sin(Math.PI * t / T)));
}

/**
 * Double tap: two taps of a finger on the screen 0.25–0.5 s apart. Each pushes the watch into
 * the wrist (+z) for 30–70 ms at 2–5 g and the wrist tissue springs back; the rest of the arm
 * gives a little.
 */
function doubleTap(ctx: MotionContext): Motion {
  const u = readingPose(ctx);
  const gap = U(ctx.rng, 0.25, 0.5);
  const taps = [0, gap].map(() => ({ d: U(ctx.rng, 0.03, 0.07), A: U(ctx.rng, 2, 5) }));
  const side = jitterDir(ctx, [0, 0, 1], 15);
  const T = gap + 0.25;
  const one = (t: number, d: number, A: number) => {
    if (t < 0) return 0;
    if (t < d) return A * Math.sin(Math.PI * t / d);
    const tt = t - d; // damped rebound of the wrist tissue
    return -0.5 * A * Math.exp(-tt / 0.03) * Math.sin(Math.PI * tt / 0.06);
  };
  return compose(T, u, (t) => scale(side, one(t, taps[0].d, taps[0].A) + one(t - gap, taps[1].d, taps[1].A)));
}

/**
 * Circle: the hand draws a circle of radius 8–25 cm in the screen plane, once, in 0.8–1.8 s,
 * either way round. Position p(θ) on the circle with θ following a minimum-jerk profile, so
 * the acceleration (computed exactly from p) starts and ends at zero.
 */
function circle(ctx: MotionContext): Motion {
  const u = readingPose(ctx);
  const R = U(ctx.rng, 0.08, 0.25), T = U(ctx.rng, 0.8, 1.8);
  const dirn = ctx.rng() < 0.5 ? 1 : -1;
  const start = ctx.rng() * 2 * Math.PI;
  const tiltAxis = normalize([ctx.gauss(), ctx.gauss(), 0]);
  const tilt = rotation(tiltAxis, U(ctx.rng, -20, 20) * DEG);
  return compose(T, u, (t) => {
    const s = t / T;
    const th = start + dirn * 2 * Math.PI * minJerk(s);
    const w = dirn * 2 * Math.PI * (30 * s * s * (1 - s) * (1 - s)) / T; // dθ/dt
    const al = dirn * 2 * Math.PI * minJerkAcc(s) / (T * T); // d²θ/dt²
    // p = R (cos θ, sin θ): p'' = R (−sin θ θ'' − cos θ θ'², cos θ θ'' − sin θ θ'²)
    const ax = R * (-Math.sin(th) * al - Math.cos(th) * w * w);
    const ay = R * (Math.cos(th) * al - Math.sin(th) * w * w);
    return applyT(tilt, [ax / 9.81, ay / 9.81, 0]);
  });
}

// ---- ordinary movement (the `other` class) -------------------------------------------------

/** Walking: the hanging arm swings about the shoulder at the step rhythm, the body bounces. */
function walking(ctx: MotionContext): Motion {
  const u = hangingPose(ctx);
  const f = U(ctx.rng, 0.8, 1.1), Phi = U(ctx.rng, 8, 30) * DEG, L = U(ctx.rng, 0.55, 0.7);
  const bounce = U(ctx.rng, 0.1, 0.35), T = U(ctx.rng, 1.2, 3.5), ph = ctx.rng() * 2 * Math.PI;
  const env = (t: number) => Math.min(1, t / 0.4, (T - t) / 0.4);
  return compose(T, u, (t) => {
    const w = 2 * Math.PI * f;
    const tang = (-L * Phi * w * w * Math.sin(w * t + ph)) / 9.81; // tangential accel of the swing
    return add([0, tang * env(t), 0], scale(u, bounce * env(t) * Math.sin(2 * w * t)));
  }, (t) => rotation([0, 0, 1], Phi * env(t) * Math.sin(2 * Math.PI * f * t + ph)));
}

/** Raising the wrist to read it (or lowering it): the pose rotates from hanging to reading. */
function raiseOrLower(ctx: MotionContext): Motion {
  const a = hangingPose(ctx), b = readingPose(ctx);
  const [u0, u1] = ctx.rng() < 0.6 ? [a, b] : [b, a];
  const T = U(ctx.rng, 0.6, 1.3), lift = U(ctx.rng, 0.2, 0.7) * (u1 === b ? 1 : -1);
  return {
    duration: T,
    force: (t) => {
      const s = minJerk(t / T);
      const up = normalize([u0[0] + (u1[0] - u0[0]) * s, u0[1] + (u1[1] - u0[1]) * s, u0[2] + (u1[2] - u0[2]) * s]);
      return add(up, scale(up, lift * moveStop(t / T)));
    },
  };
}

/** Random everyday motion: a few overlapping small moves and a slow turn on random axes. */
function fidget(ctx: MotionContext): Motion {
  const u = ctx.rng() < 0.5 ? readingPose(ctx) : hangingPose(ctx);
  const T = U(ctx.rng, 0.8, 2.5);
  const moves = Array.from({ length: 2 + Math.floor(ctx.rng() * 3) }, () => ({
    dir: normalize([ctx.gauss(), ctx.gauss(), ctx.gauss()]),
    A: U(ctx.rng, 0.15, 0.9), t0: U(ctx.rng, 0, T * 0.6), d: U(ctx.rng, 0.3, 0.9),
  }));
  const axis = normalize([ctx.gauss(), ctx.gauss(), ctx.gauss()]);
  const ang = U(ctx.rng, -45, 45) * DEG;
  return compose(T, u, (t) => moves.reduce<Vec3>((acc, m) => add(acc, scale(m.dir, m.A * moveStop((t - m.t0) / m.d))), [0, 0, 0]),
    (t) => rotation(axis, ang * minJerk(t / T)));
}

/** Reaching for something / putting the arm down on a table: one slow, large move. */
function reach(ctx: MotionContext): Motion {
  const u = ctx.rng() < 0.5 ? readingPose(ctx) : hangingPose(ctx);
  const T = U(ctx.rng, 0.7, 1.6), A = U(ctx.rng, 0.2, 0.6);
  const dir = normalize([ctx.gauss(), ctx.gauss(), ctx.gauss()]);
  const axis = normalize([ctx.gauss(), ctx.gauss(), ctx.gauss()]);
  const ang = U(ctx.rng, 10, 60) * DEG;
  return compose(T, u, (t) => scale(dir, A * moveStop(t / T)), (t) => rotation(axis, ang * minJerk(t / T)));
}

export const OTHER_KINDS = ['walking', 'raise_lower', 'fidget', 'reach'] as const;

/** The classes, in model output order. */
export const GESTURE_LABELS = [
  'swipe_left', 'swipe_right', 'flick_up', 'flick_down', 'twist', 'shake', 'double_tap', 'circle', 'other',
] as const;
export type GestureLabel = (typeof GESTURE_LABELS)[number];

/** Draws one motion of the given class. */
export function drawMotion(label: GestureLabel, ctx: MotionContext): Motion {
  switch (label) {
    case 'swipe_left': return swipe(ctx, -1);
    case 'swipe_right': return swipe(ctx, 1);
    case 'flick_up': return flick(ctx, 1);
    case 'flick_down': return flick(ctx, -1);
    case 'twist': return twist(ctx);
    case 'shake': return shake(ctx);
    case 'double_tap': return doubleTap(ctx);
    case 'circle': return circle(ctx);
    case 'other': {
      const k = OTHER_KINDS[Math.floor(ctx.rng() * OTHER_KINDS.length)];
      return k === 'walking' ? walking(ctx) : k === 'raise_lower' ? raiseOrLower(ctx) : k === 'fidget' ? fidget(ctx) : reach(ctx);
    }
  }
}
