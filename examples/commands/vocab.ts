/**
 * The character vocabulary of the text-command model, and the tokenizer the watch app
 * mirrors (app/app.js `tokenize`, given this alphabet by assemble.ts): lowercase the text,
 * map each character to its id, anything else to the "other" id 0, keep at most MAX_CHARS
 * characters. Lowercasing is part of the preprocessing, so casing noise never reaches the
 * model; the raw text (with its casing) is what the slot rules see, also lowercased.
 *
 * Ids: 0 other, 1.. the characters of ALPHABET in order (space, a-z, 0-9, punctuation).
 */

/** Characters with their own id (id = index + 1). */
export const ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789:.,?!'-";

/** Id of characters outside ALPHABET. */
export const OTHER_ID = 0;

/** Number of token ids (the Embedding's vocab). */
export const VOCAB_SIZE = ALPHABET.length + 1;

/** Longest text the model sees; the app keeps the first MAX_CHARS characters. */
export const MAX_CHARS = 48;

/**
 * The app's preprocessing: lowercase, every control character or space (code <= 32) as one
 * space, runs of them collapsed, trimmed, truncated to MAX_CHARS. Written as a loop over
 * UTF-16 code units, as the ES5 app does it (no regular expressions on the watch).
 */
export function normalizeText(text: string): string {
  const t = text.toLowerCase();
  let out = '';
  let space = false;
  for (let i = 0; i < t.length && out.length < MAX_CHARS; i++) {
    const c = t.charCodeAt(i);
    if (c <= 32) { space = out.length > 0; continue; }
    if (space) { out += ' '; space = false; if (out.length >= MAX_CHARS) break; }
    out += t.charAt(i);
  }
  return out;
}

/** Text → token ids, exactly as the watch app computes them. */
export function tokenize(text: string): number[] {
  const t = normalizeText(text);
  const ids: number[] = [];
  for (let i = 0; i < t.length; i++) ids.push(ALPHABET.indexOf(t.charAt(i)) + 1); // -1 → OTHER_ID 0
  return ids;
}
