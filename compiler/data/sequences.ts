/**
 * The sequence file read by `watchword predict`: `{"sequences": [[[...frame...], ...], ...]}`
 * with values in the units the device delivers, and optionally `"targets"` (the true label
 * of each sequence, as a label string or an index) so predict can report accuracy.
 * Every value is checked, and a bad one is named by sequence, frame and position.
 */
import fs from 'node:fs';
import { WatchwordError } from '../errors';

export interface SequenceFile {
  sequences: number[][][];
  targets?: (string | number)[];
}

export function readSequenceFile(file: string, features: number): SequenceFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WatchwordError(`${file}: cannot read JSON (${(e as Error).message})`);
  }
  const obj = raw as { sequences?: unknown; targets?: unknown };
  if (!obj || typeof obj !== 'object' || !Array.isArray(obj.sequences)) {
    throw new WatchwordError(`${file}: expected {"sequences": [[[...frame...], ...], ...]}`);
  }
  obj.sequences.forEach((seq: unknown, i: number) => {
    if (!Array.isArray(seq) || seq.length === 0) throw new WatchwordError(`${file}: sequence ${i} is not a non-empty array of frames`);
    seq.forEach((fr: unknown, t: number) => {
      if (!Array.isArray(fr) || fr.length !== features) {
        throw new WatchwordError(`${file}: sequence ${i} frame ${t} must be an array of ${features} numbers`);
      }
      fr.forEach((v: unknown, k: number) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new WatchwordError(`${file}: sequence ${i} frame ${t} value ${k} is not a finite number (${JSON.stringify(v)})`);
        }
      });
    });
  });
  if (obj.targets !== undefined) {
    if (!Array.isArray(obj.targets) || obj.targets.length !== obj.sequences.length) {
      throw new WatchwordError(`${file}: "targets" must have one entry per sequence`);
    }
  }
  return obj as SequenceFile;
}

/** Index of a target given as a label or an index; -1 when it is neither. */
export function targetIndex(t: string | number, labels: string[]): number {
  if (typeof t === 'number') return Number.isInteger(t) && t >= 0 && t < labels.length ? t : -1;
  return labels.indexOf(t);
}
