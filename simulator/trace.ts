/**
 * Input traces for the simulator: what the watch's sensors deliver, recorded or generated.
 * Two kinds, each as JSON or CSV:
 * - gesture events — Bangle.js 'gesture' data: int8 x,y,z samples interleaved (raw >> 7,
 *   64 = 1 g), one event per detected movement, each at a time in seconds;
 *     JSON `{"kind":"gesture","events":[{"t":1.5,"xyz":[x,y,z,x,y,z,...],"label"?:"..."}]}`
 *     (xyz may also be a list of [x,y,z] triples), or the sequence file used by
 *     `watchword predict` (`{"sequences":[[[x,y,z],...],...],"targets"?:[...]}`), whose
 *     sequences become events 2 s apart with their targets as expected labels;
 *     CSV with header `event,t,x,y,z[,label]`: one row per sample, rows of one event share
 *     its `event` id and are consecutive.
 *     A recording from the example's recorder app (rows `label,n,x0,y0,z0,...`, no header;
 *     compiler/data/csv.ts reads and checks it) becomes events 2 s apart with their labels.
 * - accelerometer samples — Bangle.js 'accel' data in g with a time:
 *     JSON `{"kind":"accel","samples":[{"t":0.08,"x":0.01,"y":-0.98,"z":0.12}]}`;
 *     CSV with header `t,x,y,z`.
 * Every value is checked; a bad one is a WatchwordError naming the file and the row (CSV line
 * number, or JSON path) and what is wrong with it. Times must not go backwards.
 */
import fs from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { WatchwordError } from '../compiler/errors';
import { readRecorderCsv } from '../compiler/data/csv';

export interface GestureEvent { kind: 'gesture'; t: number; xyz: Int8Array; label?: string }
export interface AccelSample { kind: 'accel'; t: number; x: number; y: number; z: number }
export type TraceItem = GestureEvent | AccelSample;

export interface Trace {
  kind: 'gesture' | 'accel';
  file: string;
  items: TraceItem[];
}

/** Seconds between events made from a sequence file. */
export const SEQUENCE_SPACING_S = 2;

function fail(file: string, where: string, what: string): never {
  throw new WatchwordError(`${file}: ${where}: ${what}`);
}

function num(file: string, where: string, v: unknown, name: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) fail(file, where, `${name} is not a finite number (${JSON.stringify(v)})`);
  return n;
}

function int8(file: string, where: string, v: unknown, name: string): number {
  const n = num(file, where, v, name);
  if (!Number.isInteger(n) || n < -128 || n > 127) fail(file, where, `${name} = ${n} is not an int8 (-128..127; gesture data is raw >> 7, 64 = 1 g)`);
  return n;
}

function time(file: string, where: string, v: unknown, prev: number): number {
  const t = num(file, where, v, 't');
  if (t < 0) fail(file, where, `t = ${t} is negative`);
  if (t < prev) fail(file, where, `t = ${t} goes back in time (previous ${prev})`);
  return t;
}

/** Reads a trace file (.json or .csv). */
export function readTrace(file: string): Trace {
  if (!fs.existsSync(file)) throw new WatchwordError(`${file}: no such trace file`);
  const text = fs.readFileSync(file, 'utf8');
  if (/\.csv$/i.test(file)) {
    const first = text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '';
    const cells = first.split(',').map((c) => c.trim().toLowerCase());
    if (cells.length > 2 && !cells.includes('t') && /^\d+$/.test(cells[1])) {
      return {
        kind: 'gesture', file,
        items: readRecorderCsv(file).map((r, i) => ({ kind: 'gesture' as const, t: (i + 1) * SEQUENCE_SPACING_S, xyz: Int8Array.from(r.frames.flat()), label: r.label })),
      };
    }
    return parseCsvTrace(text, file);
  }
  return parseJsonTrace(text, file);
}

export function parseJsonTrace(text: string, file = '<trace>'): Trace {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WatchwordError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const o = raw as Record<string, unknown>;
  if (!o || typeof o !== 'object' || Array.isArray(o)) fail(file, 'top level', 'expected an object with "events", "samples" or "sequences"');
  const items: TraceItem[] = [];
  if (Array.isArray(o.sequences)) {
    const targets = o.targets as unknown[] | undefined;
    if (targets !== undefined && (!Array.isArray(targets) || targets.length !== o.sequences.length)) {
      fail(file, 'targets', 'must have one entry per sequence');
    }
    o.sequences.forEach((seq: unknown, i: number) => {
      const where = `sequences[${i}]`;
      if (!Array.isArray(seq) || seq.length === 0) fail(file, where, 'is not a non-empty array of [x,y,z] frames');
      const xyz = new Int8Array(seq.length * 3);
      seq.forEach((fr: unknown, k: number) => {
        if (!Array.isArray(fr) || fr.length !== 3) fail(file, `${where}[${k}]`, 'is not an [x,y,z] frame');
        for (let c = 0; c < 3; c++) xyz[k * 3 + c] = int8(file, `${where}[${k}]`, fr[c], 'xyz'[c]);
      });
      const ev: GestureEvent = { kind: 'gesture', t: (i + 1) * SEQUENCE_SPACING_S, xyz };
      if (targets) ev.label = String(targets[i]);
      items.push(ev);
    });
    return { kind: 'gesture', file, items };
  }
  const kind = o.kind ?? (Array.isArray(o.events) ? 'gesture' : Array.isArray(o.samples) ? 'accel' : undefined);
  if (kind === 'gesture') {
    if (!Array.isArray(o.events)) fail(file, 'events', 'must be an array of {"t": seconds, "xyz": [x,y,z,...]}');
    let prev = 0;
    o.events.forEach((ev: unknown, i: number) => {
      const where = `events[${i}]`;
      const e = ev as Record<string, unknown>;
      if (!e || typeof e !== 'object') fail(file, where, 'is not an object');
      const t = time(file, where, e.t, prev);
      prev = t;
      let flat: unknown[];
      if (Array.isArray(e.xyz) && e.xyz.length > 0 && Array.isArray(e.xyz[0])) {
        flat = [];
        (e.xyz as unknown[]).forEach((fr, k) => {
          if (!Array.isArray(fr) || fr.length !== 3) fail(file, `${where}.xyz[${k}]`, 'is not an [x,y,z] triple');
          flat.push(...fr);
        });
      } else if (Array.isArray(e.xyz)) {
        flat = e.xyz;
      } else {
        fail(file, where, '"xyz" must be an array of int8 x,y,z samples');
      }
      if (flat.length === 0 || flat.length % 3 !== 0) fail(file, where, `"xyz" has ${flat.length} values, not a positive multiple of 3`);
      const xyz = new Int8Array(flat.length);
      flat.forEach((v, k) => { xyz[k] = int8(file, `${where}.xyz[${k}]`, v, 'value'); });
      const item: GestureEvent = { kind: 'gesture', t, xyz };
      if (e.label !== undefined) item.label = String(e.label);
      items.push(item);
    });
    return { kind: 'gesture', file, items };
  }
  if (kind === 'accel') {
    if (!Array.isArray(o.samples)) fail(file, 'samples', 'must be an array of {"t","x","y","z"}');
    let prev = 0;
    o.samples.forEach((s: unknown, i: number) => {
      const where = `samples[${i}]`;
      const e = s as Record<string, unknown>;
      if (!e || typeof e !== 'object') fail(file, where, 'is not an object');
      const t = time(file, where, e.t, prev);
      prev = t;
      items.push({ kind: 'accel', t, x: num(file, where, e.x, 'x'), y: num(file, where, e.y, 'y'), z: num(file, where, e.z, 'z') });
    });
    return { kind: 'accel', file, items };
  }
  fail(file, 'kind', `expected "gesture" or "accel", got ${JSON.stringify(kind)}`);
}

export function parseCsvTrace(text: string, file = '<trace>'): Trace {
  let rows: string[][];
  let lines: number[];
  try {
    const recs = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, trim: true, comment: '#', info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    rows = recs.map((r) => r.record);
    lines = recs.map((r) => r.info.lines);
  } catch (e) {
    throw new WatchwordError(`${file}: not valid CSV (${(e as Error).message})`);
  }
  if (rows.length === 0) fail(file, 'line 1', 'empty file (expected a header "t,x,y,z" or "event,t,x,y,z")');
  const header = rows[0].map((h) => h.toLowerCase());
  const col = (n: string) => header.indexOf(n);
  const items: TraceItem[] = [];
  const isGesture = col('event') >= 0;
  const need = isGesture ? ['event', 't', 'x', 'y', 'z'] : ['t', 'x', 'y', 'z'];
  for (const n of need) if (col(n) < 0) fail(file, 'line 1', `header ${JSON.stringify(rows[0].join(','))} lacks column "${n}" (expected "t,x,y,z" for accelerometer samples or "event,t,x,y,z[,label]" for gesture events)`);
  const lineOf = (i: number) => `line ${lines[i]}`;
  if (isGesture) {
    let cur: { id: string; t: number; vals: number[]; label?: string } | null = null;
    const seen = new Set<string>();
    let prev = 0;
    const flush = () => {
      if (cur) items.push({ kind: 'gesture', t: cur.t, xyz: Int8Array.from(cur.vals), ...(cur.label !== undefined ? { label: cur.label } : {}) });
    };
    for (let i = 1; i < rows.length; i++) {
      const r = rows[i];
      if (r.length !== header.length) fail(file, lineOf(i), `has ${r.length} fields, the header has ${header.length}`);
      const id = r[col('event')];
      if (id === '') fail(file, lineOf(i), 'empty "event" id');
      if (!cur || cur.id !== id) {
        if (seen.has(id)) fail(file, lineOf(i), `event ${JSON.stringify(id)} continues after another event (rows of one event must be consecutive)`);
        flush();
        const t = time(file, lineOf(i), r[col('t')], prev);
        prev = t;
        seen.add(id);
        cur = { id, t, vals: [] };
        if (col('label') >= 0 && r[col('label')] !== '') cur.label = r[col('label')];
      }
      for (const c of ['x', 'y', 'z']) cur.vals.push(int8(file, lineOf(i), r[col(c)], c));
    }
    flush();
    return { kind: 'gesture', file, items };
  }
  let prev = 0;
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    if (r.length !== header.length) fail(file, lineOf(i), `has ${r.length} fields, the header has ${header.length}`);
    const t = time(file, lineOf(i), r[col('t')], prev);
    prev = t;
    items.push({ kind: 'accel', t, x: num(file, lineOf(i), r[col('x')], 'x'), y: num(file, lineOf(i), r[col('y')], 'y'), z: num(file, lineOf(i), r[col('z')], 'z') });
  }
  return { kind: 'accel', file, items };
}
