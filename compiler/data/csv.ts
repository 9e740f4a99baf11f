/**
 * Gesture recordings from the watch: the recorder app (examples/gestures/recorder) appends one
 * CSV row per Bangle.js `gesture` event to a Storage file,
 *     label,n,x0,y0,z0,x1,y1,z1,...        (n samples, int8 values, 64 = 1 g)
 * and `watchword data merge` reads the files `espruino --download` fetched into one data set,
 * split per class into train/validation/test by a seeded shuffle. Lines starting with '#' are
 * comments. A bad row is an error naming the file and line, never a silently dropped example.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import seedrandom from 'seedrandom';
import { WatchwordError } from '../errors';
import type { InputSpec } from '../ir/types';
import type { Dataset, Example } from './dataset';
import { shuffleInPlace } from '../train/batches';

export interface CsvRecording {
  label: string;
  frames: number[][];
  /** "file:line" for messages */
  at: string;
}

const LABEL_RE = /^[A-Za-z0-9_][A-Za-z0-9_ -]{0,31}$/;

/** Parses one recorder CSV; `maxSteps` bounds n (50 for gesture events). */
export function readRecorderCsv(file: string, maxSteps = 50): CsvRecording[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new WatchwordError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let records: { info: { lines: number }; record: string[] }[];
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, comment: '#', trim: true }) as never;
  } catch (e) {
    throw new WatchwordError(`${file}: not valid CSV (${(e as Error).message})`);
  }
  return records.map(({ info, record }) => {
    const at = `${file}:${info.lines}`;
    const [label, nText, ...vals] = record;
    if (!label || !LABEL_RE.test(label)) throw new WatchwordError(`${at}: label ${JSON.stringify(label ?? '')} must be 1-32 letters, digits, '_', '-' or spaces`);
    const n = Number(nText);
    if (!Number.isInteger(n) || n < 1 || n > maxSteps) throw new WatchwordError(`${at}: sample count ${JSON.stringify(nText ?? '')} must be an integer 1..${maxSteps}`);
    if (vals.length !== 3 * n) throw new WatchwordError(`${at}: expected ${3 * n} values (x,y,z for ${n} samples), found ${vals.length}`);
    const frames: number[][] = [];
    for (let i = 0; i < n; i++) {
      const fr: number[] = [];
      for (let k = 0; k < 3; k++) {
        const s = vals[i * 3 + k];
        const v = Number(s);
        if (s === '' || !Number.isInteger(v) || v < -128 || v > 127) {
          throw new WatchwordError(`${at}: sample ${i} ${'xyz'[k]} = ${JSON.stringify(s)} is not an int8 (-128..127)`);
        }
        fr.push(v);
      }
      frames.push(fr);
    }
    return { label, frames, at };
  });
}

export interface MergeOptions {
  name?: string;
  /** Fixed label order (the model's output order); default: order of first appearance. */
  labels?: string[];
  seed?: string | number;
  /** Fractions of each class for validation and test (default 0.15 each). */
  validation?: number;
  test?: number;
}

/** Merges recordings into a data set; each class is split by the same seeded shuffle. */
export function mergeRecordings(recs: CsvRecording[], input: InputSpec, o: MergeOptions = {}): Dataset {
  const fv = o.validation ?? 0.15, ft = o.test ?? 0.15;
  if (!(fv >= 0 && ft >= 0 && fv + ft < 1)) throw new WatchwordError(`validation (${fv}) and test (${ft}) fractions must be >= 0 and sum to less than 1`);
  if (recs.length === 0) throw new WatchwordError('no recordings to merge');
  const labels = o.labels ? o.labels.slice() : [...new Set(recs.map((r) => r.label))];
  if (labels.length < 2) throw new WatchwordError(`a data set needs at least 2 classes, found ${labels.length} (${labels.join(', ')})`);
  const byClass: Example[][] = labels.map(() => []);
  for (const r of recs) {
    const k = labels.indexOf(r.label);
    if (k < 0) throw new WatchwordError(`${r.at}: label '${r.label}' is not one of --labels ${labels.join(',')}`);
    if (input.maxSteps !== undefined && r.frames.length > input.maxSteps) throw new WatchwordError(`${r.at}: ${r.frames.length} samples, more than ${input.maxSteps}`);
    byClass[k].push({ label: k, frames: r.frames });
  }
  const rng = seedrandom(`watchword-merge:${o.seed ?? 1}`);
  const splits: Dataset['splits'] = { train: [], validation: [], test: [] };
  byClass.forEach((rows) => {
    shuffleInPlace(rows, rng);
    const nt = Math.round(rows.length * ft), nv = Math.round(rows.length * fv);
    splits.test.push(...rows.slice(0, nt));
    splits.validation.push(...rows.slice(nt, nt + nv));
    splits.train.push(...rows.slice(nt + nv));
  });
  return { name: o.name ?? 'recorded', labels, input: { ...input }, splits };
}
