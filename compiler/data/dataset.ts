/**
 * watchword's data set format, shared by training, the example generators and the recorder
 * merge: one JSON document
 *   {name, labels, input: InputSpec, splits: {train, validation, test: [{label, frames}]}}
 * where `label` is an index into `labels` and `frames` are in device units (what the watch
 * delivers, e.g. gesture-event int8 x,y,z). Everything is validated on load, and a bad entry
 * is named by file, split and row, so a hand-edited or merged file fails with a useful line.
 * `toSequenceFile` turns a split into the `watchword predict` input format.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../errors';
import type { InputSpec } from '../ir/types';
import type { SequenceFile } from './sequences';

export interface Example {
  label: number;
  frames: number[][];
}

export const SPLITS = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface Dataset {
  name: string;
  labels: string[];
  input: InputSpec;
  splits: Record<SplitName, Example[]>;
}

const RANGES: Record<string, [number, number] | undefined> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
};

/** Checks one frame value against the input spec; returns an error text or undefined. */
function badValue(v: unknown, input: InputSpec, vocab?: number): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `is not a finite number (${JSON.stringify(v)})`;
  const r = RANGES[input.deviceType];
  if (r && (!Number.isInteger(v) || v < r[0] || v > r[1])) return `${v} is not an ${input.deviceType} (${r[0]}..${r[1]})`;
  if (input.deviceType === 'token' && (!Number.isInteger(v) || v < 0 || (vocab !== undefined && v >= vocab))) {
    return `${v} is not a token id${vocab !== undefined ? ` (0..${vocab - 1})` : ''}`;
  }
  return undefined;
}

function validateInput(raw: unknown, where: string): InputSpec {
  const i = raw as Partial<InputSpec> | undefined;
  if (!i || typeof i !== 'object') throw new WatchwordError(`${where}: "input" must be an object (features, deviceType, scale, unit)`);
  if (!Number.isInteger(i.features) || i.features! < 1) throw new WatchwordError(`${where}: input.features must be a positive integer, got ${JSON.stringify(i.features)}`);
  if (!['int8', 'int16', 'float', 'token'].includes(i.deviceType as string)) {
    throw new WatchwordError(`${where}: input.deviceType must be int8, int16, float or token, got ${JSON.stringify(i.deviceType)}`);
  }
  if (typeof i.scale !== 'number' || !(i.scale > 0) || !Number.isFinite(i.scale)) throw new WatchwordError(`${where}: input.scale must be a positive number, got ${JSON.stringify(i.scale)}`);
  if (typeof i.unit !== 'string') throw new WatchwordError(`${where}: input.unit must be a string`);
  if (i.maxSteps !== undefined && (!Number.isInteger(i.maxSteps) || i.maxSteps < 1)) throw new WatchwordError(`${where}: input.maxSteps must be a positive integer, got ${JSON.stringify(i.maxSteps)}`);
  if (i.sampleRateHz !== undefined && (typeof i.sampleRateHz !== 'number' || !(i.sampleRateHz > 0))) throw new WatchwordError(`${where}: input.sampleRateHz must be a positive number`);
  return i as InputSpec;
}

/**
 * Validates a parsed data set. `where` names the file in messages. `vocab` (Embedding models)
 * bounds token ids.
 */
export function validateDataset(raw: unknown, where: string, vocab?: number): Dataset {
  const d = raw as Partial<Dataset> | undefined;
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new WatchwordError(`${where}: a data set must be a JSON object {name, labels, input, splits}`);
  if (typeof d.name !== 'string') throw new WatchwordError(`${where}: "name" must be a string`);
  if (!Array.isArray(d.labels) || d.labels.length < 2 || d.labels.some((l) => typeof l !== 'string' || l.length === 0)) {
    throw new WatchwordError(`${where}: "labels" must be an array of at least 2 non-empty strings`);
  }
  if (new Set(d.labels).size !== d.labels.length) throw new WatchwordError(`${where}: "labels" has duplicates`);
  const input = validateInput(d.input, where);
  if (!d.splits || typeof d.splits !== 'object') throw new WatchwordError(`${where}: "splits" must be an object {train, validation, test}`);
  for (const s of SPLITS) {
    const rows = (d.splits as Record<string, unknown>)[s];
    if (!Array.isArray(rows)) throw new WatchwordError(`${where}: splits.${s} must be an array of {label, frames}`);
    rows.forEach((row: unknown, r: number) => {
      const at = `${where}: split ${s} row ${r}`;
      const e = row as Partial<Example>;
      if (!e || typeof e !== 'object') throw new WatchwordError(`${at}: must be an object {label, frames}`);
      if (!Number.isInteger(e.label) || e.label! < 0 || e.label! >= d.labels!.length) {
        throw new WatchwordError(`${at}: label ${JSON.stringify(e.label)} is not an index into labels (0..${d.labels!.length - 1})`);
      }
      if (!Array.isArray(e.frames) || e.frames.length === 0) throw new WatchwordError(`${at}: frames must be a non-empty array`);
      if (input.maxSteps !== undefined && e.frames.length > input.maxSteps) {
        throw new WatchwordError(`${at}: ${e.frames.length} frames, more than input.maxSteps ${input.maxSteps}`);
      }
      e.frames.forEach((fr: unknown, t: number) => {
        if (!Array.isArray(fr) || fr.length !== input.features) throw new WatchwordError(`${at} frame ${t}: must be an array of ${input.features} numbers`);
        fr.forEach((v: unknown, k: number) => {
          const bad = badValue(v, input, vocab);
          if (bad) throw new WatchwordError(`${at} frame ${t} value ${k}: ${bad}`);
        });
      });
    });
  }
  return d as Dataset;
}

export function loadDataset(file: string, vocab?: number): Dataset {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WatchwordError(`${file}: cannot read the data set JSON (${(e as Error).message})`);
  }
  return validateDataset(raw, file, vocab);
}

/** Writes a data set: one example per line, so diffs and `head` stay readable. */
export function saveDataset(ds: Dataset, file: string): void {
  const parts: string[] = [];
  parts.push(`{"name":${JSON.stringify(ds.name)},"labels":${JSON.stringify(ds.labels)},"input":${JSON.stringify(ds.input)},"splits":{`);
  SPLITS.forEach((s, i) => {
    const rows = ds.splits[s].map((e) => JSON.stringify({ label: e.label, frames: e.frames }));
    parts.push(`${i ? ',' : ''}${JSON.stringify(s)}:[${rows.length ? '\n' + rows.join(',\n') + '\n' : ''}]`);
  });
  parts.push('}}\n');
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, parts.join(''));
}

/** One split in the `watchword predict` input format, targets as label strings. */
export function toSequenceFile(ds: Dataset, split: SplitName): SequenceFile {
  const rows = ds.splits[split];
  return { sequences: rows.map((e) => e.frames), targets: rows.map((e) => ds.labels[e.label]) };
}

/** Examples per label in a split (for summaries). */
export function classCounts(ds: Dataset, split: SplitName): number[] {
  const n = new Array(ds.labels.length).fill(0);
  for (const e of ds.splits[split]) n[e.label]++;
  return n;
}
