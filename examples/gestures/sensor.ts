/**
 * The Bangle.js accelerometer as the firmware sees it, turned into a function: a continuous
 * motion (specific force in the watch frame, in g) goes in, the stream of raw 16-bit
 * readings and their `gesture`-event bytes come out.
 *
 * What is modelled, and why (figures from Espruino's libs/banglejs/jswrap_bangle.c):
 * - The KX023 runs at its default output data rate, 12.5 Hz (ODCNTL = 0: "12.5Hz acceleration
 *   output data rate, filtering low-pass ODR/9"), 4 g range, 8192 counts = 1 g. The firmware
 *   polls every 80 ms (`Bangle.setPollInterval(80)`) and only takes a sample when the chip
 *   flags new data, so a faster poll would not give more samples.
 * - The chip's digital low-pass at ODR/9 (~1.4 Hz) is modelled as a first-order filter run on
 *   a 200 Hz simulation, then sampled every 80 ms. It is why short taps and fast shakes reach
 *   the firmware smeared and attenuated.
 * - Per-recording sensor imperfections: offset (±0.03 g per axis), gain (±3 %), white noise.
 * - Readings are 16-bit (saturate at ±4 g); the gesture event keeps `clipi8(raw >> 7)`, an
 *   arithmetic shift (floor division by 128) clipped to -128..127, so 64 = 1 g and the event
 *   saturates near ±2 g.
 */
export type Vec3 = [number, number, number];

/** Simulation rate (Hz) and the accelerometer's output data rate (Hz). */
export const SIM_HZ = 200;
export const ODR_HZ = 12.5;
/** Simulation steps per accelerometer sample (200 / 12.5). */
export const STEPS_PER_SAMPLE = SIM_HZ / ODR_HZ;
export const COUNTS_PER_G = 8192;

export interface SensorImperfections {
  offset: Vec3; // g
  gain: Vec3; // multiplier
  noise: number; // g, standard deviation per sample
}

/**
 * Samples a specific-force signal (one Vec3 in g per simulation step, watch frame) the way the
 * KX023 + firmware would: low-pass, decimate to 12.5 Hz, add imperfections, quantize.
 * Returns raw 16-bit counts per sample (x, y, z interleaved).
 */
export function sampleAccelerometer(force: Vec3[], imp: SensorImperfections, gauss: () => number): Int16Array {
  const fc = ODR_HZ / 9;
  const alpha = 1 - Math.exp((-2 * Math.PI * fc) / SIM_HZ);
  const state: Vec3 = [force[0][0], force[0][1], force[0][2]]; // filter settled at rest
  const n = Math.floor(force.length / STEPS_PER_SAMPLE);
  const out = new Int16Array(n * 3);
  let s = 0;
  for (let i = 0; i < force.length && s < n; i++) {
    for (let k = 0; k < 3; k++) state[k] += alpha * (force[i][k] - state[k]);
    if ((i + 1) % STEPS_PER_SAMPLE === 0) {
      for (let k = 0; k < 3; k++) {
        const g = state[k] * imp.gain[k] + imp.offset[k] + imp.noise * gauss();
        const raw = Math.round(g * COUNTS_PER_G);
        out[s * 3 + k] = Math.max(-32768, Math.min(32767, raw));
      }
      s++;
    }
  }
  return out;
}

/** The byte the gesture event stores for one raw reading: clipi8(raw >> 7). */
export function toGestureByte(raw: number): number {
  const v = raw >> 7;
  return v < -128 ? -128 : v > 127 ? 127 : v;
}
