/**
 * Slot phrases for the command generator — numbers, durations and clock times, the way people
 * type or a phone transcribes them ("5 minutes", "half an hour", "1h30", "7:30 pm",
 * "seven thirty am", "quarter to eight") — each drawn together with its true value, so the
 * generator's texts double as test cases for the app's slot rules (app/slots.js).
 */

export type Rng = () => number;

/** The value a duration phrase means. */
export interface DurationTruth { seconds: number }
/**
 * The value a clock-time phrase means: hour 0-23 when the phrase fixes the half of the day
 * (am/pm, 24-hour, noon, "in the evening"), else the spoken 1-12 hour with exact false.
 */
export interface TimeTruth { hour: number; minute: number; exact: boolean }

export interface Phrase<T> { text: string; value: T }

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

export function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** 0..99 in words ("twenty five" or "twenty-five"). */
export function numberWords(n: number, rng?: Rng): string {
  if (n < 20) return ONES[n];
  const t = TENS[Math.floor(n / 10)], o = n % 10;
  if (o === 0) return t;
  return t + (rng && rng() < 0.3 ? '-' : ' ') + ONES[o];
}

/** A count as digits (mostly) or words. */
function count(rng: Rng, n: number): string {
  return rng() < 0.65 ? String(n) : numberWords(n, rng);
}

const UNIT_WORDS = {
  s: { one: ['second', 'sec'], many: ['seconds', 'secs', 'sec', 's'] },
  m: { one: ['minute', 'min'], many: ['minutes', 'mins', 'min', 'm'] },
  h: { one: ['hour', 'hr'], many: ['hours', 'hrs', 'hr', 'h'] },
} as const;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** "5 minutes", "twenty secs", "2h": a count and a unit; a one-letter unit sticks to digits. */
function amount(rng: Rng, n: number, u: 's' | 'm' | 'h'): string {
  const words = n === 1 ? UNIT_WORDS[u].one : UNIT_WORDS[u].many;
  const w = pick(rng, words);
  if (w.length === 1) return `${n}${rng() < 0.5 ? '' : ' '}${w}`;
  if (n === 1 && rng() < 0.5) return `${u === 'h' ? 'an' : 'a'} ${w}`;
  return `${count(rng, n)} ${w}`;
}

/** A duration phrase and its length in seconds. */
export function drawDuration(rng: Rng): Phrase<DurationTruth> {
  const k = rng();
  if (k < 0.45) {
    const u = pick(rng, ['s', 'm', 'm', 'm', 'h'] as const);
    const n = u === 'h' ? int(rng, 1, 12) : u === 'm' ? int(rng, 1, 90) : int(rng, 5, 99);
    return { text: amount(rng, n, u), value: { seconds: n * UNIT_SECONDS[u] } };
  }
  if (k < 0.6) {
    const f = pick(rng, [
      ['half an hour', 1800], ['half hour', 1800], ['a quarter of an hour', 900], ['quarter of an hour', 900],
      ['quarter hour', 900], ['an hour and a half', 5400], ['a minute and a half', 90], ['half a minute', 30],
      ['three quarters of an hour', 2700], ['a couple of minutes', 120], ['a couple minutes', 120],
    ] as const);
    return { text: f[0], value: { seconds: f[1] } };
  }
  if (k < 0.7) {
    const u = pick(rng, ['m', 'h'] as const);
    const n = int(rng, 1, u === 'h' ? 4 : 10);
    const unit = pick(rng, UNIT_WORDS[u].many.slice(0, 2));
    return { text: `${count(rng, n)} and a half ${unit}`, value: { seconds: (n * 2 + 1) * UNIT_SECONDS[u] / 2 } };
  }
  if (k < 0.8) {
    const h = int(rng, 1, 3), m = int(rng, 1, 59);
    const sep = pick(rng, [' and ', ' ', ', ']);
    return { text: `${amount(rng, h, 'h')}${sep}${amount(rng, m, 'm')}`, value: { seconds: h * 3600 + m * 60 } };
  }
  if (k < 0.9) {
    const m = int(rng, 1, 20), s = int(rng, 1, 59);
    const sep = pick(rng, [' and ', ' ']);
    return { text: `${amount(rng, m, 'm')}${sep}${amount(rng, s, 's')}`, value: { seconds: m * 60 + s } };
  }
  if (k < 0.95) {
    // 1h30, 1h 30m, 2h15min
    const h = int(rng, 1, 3), m = int(rng, 1, 59);
    const text = pick(rng, [`${h}h${m}`, `${h}h ${m}m`, `${h}h${m}min`, `${h} h ${m} min`]);
    return { text, value: { seconds: h * 3600 + m * 60 } };
  }
  const h = int(rng, 1, 5);
  const frac = pick(rng, [['.5', 0.5], ['.25', 0.25], ['.75', 0.75]] as const);
  return { text: `${h}${frac[0]} ${pick(rng, ['hours', 'hrs', 'h'])}`, value: { seconds: Math.round((h + frac[1]) * 3600) } };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function ampmWord(rng: Rng, pm: boolean): string {
  return pick(rng, pm ? ['pm', 'pm', 'p.m.', 'PM'] : ['am', 'am', 'a.m.', 'AM']);
}

/** 24-hour value of a 12-hour clock reading. */
function to24(h12: number, pm: boolean): number {
  return (h12 % 12) + (pm ? 12 : 0);
}

/** A clock-time phrase and the time it means. */
export function drawTime(rng: Rng): Phrase<TimeTruth> {
  const k = rng();
  const h12 = int(rng, 1, 12);
  const minute = pick(rng, [0, 5, 10, 15, 20, 30, 30, 40, 45, 50, int(rng, 1, 59)]);
  const pm = rng() < 0.5;
  if (k < 0.2) {
    // 7:30, 07:30 with or without am/pm
    const withAmPm = rng() < 0.5;
    const text = `${rng() < 0.2 ? pad2(h12) : h12}:${pad2(minute)}`;
    if (!withAmPm) return { text, value: { hour: h12, minute, exact: false } };
    return { text: `${text}${rng() < 0.6 ? ' ' : ''}${ampmWord(rng, pm)}`, value: { hour: to24(h12, pm), minute, exact: true } };
  }
  if (k < 0.3) {
    // 24-hour clock: 19:45, 13:05
    const h = int(rng, 13, 23);
    return { text: `${h}:${pad2(minute)}`, value: { hour: h, minute, exact: true } };
  }
  if (k < 0.45) {
    // 7 am, 7pm, 7 o'clock
    if (rng() < 0.3) return { text: `${count(rng, h12)} o'clock`, value: { hour: h12, minute: 0, exact: false } };
    return { text: `${h12}${rng() < 0.5 ? ' ' : ''}${ampmWord(rng, pm)}`, value: { hour: to24(h12, pm), minute: 0, exact: true } };
  }
  if (k < 0.65) {
    // seven thirty, seven oh five, seven thirty am
    const mw = minute === 0 ? pick(rng, ['', "o'clock"]) : minute < 10 ? `oh ${ONES[minute]}` : numberWords(minute, rng);
    const base = `${numberWords(h12)}${mw ? ' ' + mw : ''}`;
    if (rng() < 0.5) return { text: `${base} ${ampmWord(rng, pm)}`, value: { hour: to24(h12, pm), minute, exact: true } };
    return { text: base, value: { hour: h12, minute, exact: false } };
  }
  if (k < 0.8) {
    // half past six, quarter to eight, ten past nine, twenty to five
    const f = pick(rng, [['half past', 30, 0], ['quarter past', 15, 0], ['quarter to', -15, 1], ['ten past', 10, 0],
      ['twenty to', -20, 1], ['five past', 5, 0], ['ten to', -10, 1], ['twenty past', 20, 0]] as const);
    const spoken = rng() < 0.7 ? numberWords(h12) : String(h12);
    const hour = f[2] ? (h12 === 1 ? 12 : h12 - 1) : h12;
    const m = (f[1] + 60) % 60;
    return { text: `${f[0]} ${spoken}`, value: { hour, minute: m, exact: false } };
  }
  if (k < 0.9) {
    // 6 in the morning, 7 in the evening, 9 at night
    const part = pick(rng, [['in the morning', false], ['in the afternoon', true], ['in the evening', true], ['at night', true]] as const);
    const h = part[0] === 'in the morning' ? int(rng, 4, 11) : part[0] === 'in the afternoon' ? int(rng, 1, 5) : int(rng, 6, 11);
    return { text: `${count(rng, h)} ${part[0]}`, value: { hour: to24(h, part[1]), minute: 0, exact: true } };
  }
  if (k < 0.95) {
    const w = pick(rng, [['noon', 12], ['midnight', 0], ['midday', 12]] as const);
    return { text: w[0], value: { hour: w[1], minute: 0, exact: true } };
  }
  // 7.30 (British)
  const text = `${h12}.${pad2(minute)}`;
  if (rng() < 0.5) return { text, value: { hour: h12, minute, exact: false } };
  return { text: `${text} ${ampmWord(rng, pm)}`, value: { hour: to24(h12, pm), minute, exact: true } };
}
