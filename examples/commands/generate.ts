/**
 * The synthetic text-command data set: short texts as they reach a watch (typed on the
 * Bangle.js keyboard, forwarded by Gadgetbridge, transcribed by a phone), each labelled with
 * its intent. An example is drawn from a sentence template (templates.ts), its slots filled
 * with durations and clock times (phrases.ts), then dressed the way real text varies: a
 * polite prefix or suffix, casing, end punctuation, and typing noise — dropped, swapped,
 * doubled letters and neighbouring keys on a QWERTY layout, at a rate per character. The
 * model sees the tokenized text (vocab.ts): one character per time step.
 *
 * Splits: train, validation and test draw from each intent's `seen` templates; the extra
 * `heldout` split draws only from the `heldout` templates, which training never sees, to
 * measure generalization to new phrasings. Each split has its own seeded stream
 * (seedrandom "<seed>:<split>"), so the same seed gives the same texts and growing one split
 * leaves the others unchanged.
 *
 *   npx tsx examples/commands/generate.ts --split test|heldout [--seed 1] [--n 100] [--out f.json]
 * writes a split in the `watchword predict` input format ({sequences, targets, texts}).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import type { Dataset, Example } from '../../compiler/data/dataset';
import type { InputSpec } from '../../compiler/ir/types';
import { drawDuration, drawTime, pick, type Rng, type TimeTruth } from './phrases';
import { drawFiller, expandChoices, INTENTS, TEMPLATES, type Intent } from './templates';
import { MAX_CHARS, normalizeText, tokenize } from './vocab';

export { INTENTS } from './templates';

/** What the model is fed: one character id per step, as app/app.js tokenizes. */
export const COMMANDS_INPUT: InputSpec = {
  features: 1,
  deviceType: 'token',
  scale: 1,
  unit: 'token',
  maxSteps: MAX_CHARS,
  source: 'text (keyboard, Gadgetbridge notification): lowercased, one character id per step (examples/commands/vocab.ts)',
};

export type CommandSplit = 'train' | 'validation' | 'test' | 'heldout';

export interface CommandGenOptions {
  seed?: string | number;
  /** Examples per intent in each split. */
  train?: number;
  validation?: number;
  test?: number;
  heldout?: number;
}

export const COMMAND_DEFAULTS = { seed: 1, train: 450, validation: 60, test: 150, heldout: 100 };

/** One generated text with everything known about it. */
export interface CommandText {
  /** What the watch receives (with casing, punctuation and typing noise). */
  text: string;
  /** The same text before typing noise (slot rules are tested on this). */
  clean: string;
  intent: Intent;
  /** The template it came from (its index in seen or heldout). */
  template: string;
  /** True slot values of the phrases in the text. */
  slots: { seconds?: number; time?: TimeTruth };
}

// QWERTY key centres (row offsets as on a real keyboard), for neighbouring-key typos.
const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const ROW_OFFSET = [0, 0.5, 0.75, 1.25];
const KEY_POS = new Map<string, [number, number]>();
ROWS.forEach((row, r) => [...row].forEach((ch, i) => KEY_POS.set(ch, [i + ROW_OFFSET[r], r])));

/** Keys whose centres lie closer than 1.25 key widths: the keys a finger slips onto. */
export function neighbourKeys(ch: string): string[] {
  const p = KEY_POS.get(ch);
  if (!p) return [];
  const out: string[] = [];
  for (const [k, q] of KEY_POS) if (k !== ch && Math.hypot(q[0] - p[0], q[1] - p[1]) < 1.25) out.push(k);
  return out;
}

/** One typing slip at a random letter: drop, swap with the next, double, or a neighbouring key. */
export function typo(rng: Rng, s: string): string {
  const letters: number[] = [];
  for (let i = 0; i < s.length; i++) if (/[a-z0-9]/i.test(s[i])) letters.push(i);
  if (letters.length < 3) return s;
  const i = pick(rng, letters);
  const k = rng();
  if (k < 0.3) return s.slice(0, i) + s.slice(i + 1);
  if (k < 0.55 && i + 1 < s.length) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  if (k < 0.7) return s.slice(0, i) + s[i] + s.slice(i);
  const lower = s[i].toLowerCase();
  const nb = neighbourKeys(lower);
  if (nb.length === 0) return s;
  let r = pick(rng, nb);
  if (s[i] !== lower) r = r.toUpperCase();
  return s.slice(0, i) + r + s.slice(i + 1);
}

/** Chance of a typing slip per character (about one text in four gets one). */
export const TYPO_RATE = 0.018;

const PREFIXES = ['please ', 'hey ', 'ok ', 'can you ', 'could you ', 'hey watch ', 'watch, ', 'um ', 'quick, '];
const SUFFIXES = [' please', ' now', ' thanks', ' pls', ' thank you', ' asap'];

function casing(rng: Rng, s: string): string {
  const k = rng();
  if (k < 0.55) return s;
  if (k < 0.85) return s.charAt(0).toUpperCase() + s.slice(1);
  if (k < 0.93) return s.replace(/\b[a-z]/g, (c) => c.toUpperCase());
  return s.toUpperCase();
}

function punctuate(rng: Rng, s: string): string {
  const k = rng();
  if (k < 0.5) return s;
  if (k < 0.7) return s + '.';
  if (k < 0.8) return s + '!';
  if (k < 0.92) return s + '?';
  return s + '...';
}

/** Fills `{dur}`, `{time}` and the `unknown` fillers of an expanded template. */
function fill(rng: Rng, t: string, slots: CommandText['slots']): string {
  // fillers first: they may contain {dur}/{time} themselves
  let s = t.replace(/\{(chat|notify|other|words|junk|heldchat|heldnotify)\}/g, (_, k: string) => expandChoices(rng, drawFiller(rng, k)));
  s = s.replace(/\{dur\}/g, () => { const d = drawDuration(rng); slots.seconds = d.value.seconds; return d.text; });
  s = s.replace(/\{time\}/g, () => { const d = drawTime(rng); slots.time = d.value; return d.text; });
  return s;
}

/** Draws one text of `intent` from its seen or held-out templates. */
export function drawCommand(rng: Rng, intent: Intent, heldout: boolean): CommandText {
  const list = heldout ? TEMPLATES[intent].heldout : TEMPLATES[intent].seen;
  for (let attempt = 0; ; attempt++) {
    const template = pick(rng, list);
    const slots: CommandText['slots'] = {};
    let s = fill(rng, expandChoices(rng, template), slots).replace(/\s+/g, ' ').trim();
    const wrap = rng();
    if (wrap < 0.12) s = pick(rng, PREFIXES) + s;
    else if (wrap < 0.22) s = s + pick(rng, SUFFIXES);
    s = punctuate(rng, casing(rng, s));
    const clean = s;
    // Typing slips per character (a long text gets more than a short one), at most three.
    let slips = 0;
    for (let i = 0; i < s.length; i++) if (rng() < TYPO_RATE) slips++;
    for (let i = 0; i < Math.min(slips, 3); i++) s = typo(rng, s);
    // A draw longer than the model's window is drawn again (after 20 tries it is cut, as the app
    // would), and so is one of a single character (no command; TF.js training fails on it).
    if (normalizeText(s).length > 1 && (s.length <= MAX_CHARS || attempt >= 20)) return { text: s, clean, intent, template, slots };
  }
}

/** `n` texts per intent for one split, deterministic in (seed, split). */
export function generateCommandTexts(split: CommandSplit, n: number, seed: string | number = COMMAND_DEFAULTS.seed): CommandText[] {
  const rng = seedrandom(`${seed}:${split}`);
  const out: CommandText[] = [];
  for (let i = 0; i < n; i++) for (const intent of INTENTS) out.push(drawCommand(rng, intent, split === 'heldout'));
  return out;
}

export function toExamples(texts: CommandText[]): Example[] {
  return texts.map((t) => ({ label: INTENTS.indexOf(t.intent), frames: tokenize(t.text).map((id) => [id]) }));
}

/** The data set (dataset.ts format; the held-out split is separate, see generateHeldout). */
export function generateCommandsDataset(opts: CommandGenOptions = {}): Dataset {
  const o = { ...COMMAND_DEFAULTS, ...opts };
  return {
    name: 'commands',
    labels: INTENTS.slice(),
    input: { ...COMMANDS_INPUT },
    splits: {
      train: toExamples(generateCommandTexts('train', o.train, o.seed)),
      validation: toExamples(generateCommandTexts('validation', o.validation, o.seed)),
      test: toExamples(generateCommandTexts('test', o.test, o.seed)),
    },
  };
}

/** The held-out-templates split as data set rows. */
export function generateHeldout(opts: CommandGenOptions = {}): Example[] {
  const o = { ...COMMAND_DEFAULTS, ...opts };
  return toExamples(generateCommandTexts('heldout', o.heldout, o.seed));
}

/** Writes one split in the `watchword predict` format, with the texts alongside. */
function main(argv: string[]): void {
  const arg = (name: string, dflt?: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  const split = (arg('--split', 'test') as CommandSplit);
  if (!['train', 'validation', 'test', 'heldout'].includes(split)) throw new Error(`--split must be train, validation, test or heldout, got ${split}`);
  const seedArg = arg('--seed', String(COMMAND_DEFAULTS.seed))!;
  const seed = /^\d+$/.test(seedArg) ? Number(seedArg) : seedArg;
  const n = Number(arg('--n', String(COMMAND_DEFAULTS[split])));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive integer`);
  const texts = generateCommandTexts(split, n, seed);
  const doc = { sequences: texts.map((t) => tokenize(t.text).map((id) => [id])), targets: texts.map((t) => t.intent), texts: texts.map((t) => t.text) };
  const out = arg('--out');
  const json = JSON.stringify(doc) + '\n';
  if (out) fs.writeFileSync(out, json); else process.stdout.write(json);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));

