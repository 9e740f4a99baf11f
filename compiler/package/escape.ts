/**
 * Embedding untrusted text (labels, model and app names, descriptions) into generated files.
 * Everything here produces pure-ASCII output, because the espruino CLI reads and writes code as
 * Latin-1 ("binary") and Espruino builds without Unicode support treat source as 8-bit: a
 * non-ASCII character must travel as an escape to arrive unchanged.
 *
 * - `jsString`: an ES5 string literal. Quotes, backslashes, every control and non-ASCII
 *   character (including U+2028/U+2029, which end a line inside ES5 source, and lone
 *   surrogates) become escapes; `<` and `>` too, so `</script>` or `<!--` never appear literally
 *   when generated code is pasted into HTML. The result evaluates back to exactly the input.
 * - `jsLiteral`: ES5 literal for JSON-like data (strings, finite numbers, booleans, null,
 *   arrays, plain objects), built on `jsString`.
 * - `asciiJson`: JSON text with non-ASCII escaped (for files Espruino parses with JSON.parse).
 * - `commentText`: text safe inside a JS or C block comment or a `//` line.
 * - `markdownCode`: text shown verbatim in a Markdown code span.
 */

const HEX = '0123456789abcdef';

function u4(code: number): string {
  return '\\u' + HEX[(code >> 12) & 15] + HEX[(code >> 8) & 15] + HEX[(code >> 4) & 15] + HEX[code & 15];
}

function x2(code: number): string {
  return '\\x' + HEX[(code >> 4) & 15] + HEX[code & 15];
}

/** An ASCII-only, double-quoted ES5 string literal that evaluates to exactly `s`. */
export function jsString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22: out += '\\"'; continue;
      case 0x27: out += "\\'"; continue;
      case 0x5c: out += '\\\\'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x3c: case 0x3e: out += x2(c); continue; // < >
    }
    if (c < 0x20 || c === 0x7f) out += x2(c); // never '\0' followed by a digit (octal ambiguity)
    else if (c > 0x7e) out += u4(c); // includes U+2028/2029 and lone surrogates
    else out += s[i];
  }
  return out + '"';
}

export type JsonLike = string | number | boolean | null | JsonLike[] | { [k: string]: JsonLike };

/** ES5 literal text for JSON-like data; object keys are quoted with `jsString`. */
export function jsLiteral(v: JsonLike): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return jsString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`jsLiteral: non-finite number ${v}`);
    // Integers only on the device path (Espruino parses float literals 1-2 ulp off);
    // non-integers are allowed for metadata but written with full precision.
    return Object.is(v, -0) ? '0' : String(v);
  }
  if (Array.isArray(v)) return '[' + v.map(jsLiteral).join(',') + ']';
  const keys = Object.keys(v);
  return '{' + keys.map((k) => jsString(k) + ':' + jsLiteral((v as { [k: string]: JsonLike })[k])).join(',') + '}';
}

/** JSON text (optionally indented) with every non-ASCII character, U+2028/2029 included, escaped. */
export function asciiJson(v: unknown, indent?: number): string {
  return JSON.stringify(v, null, indent).replace(/[\u007f-\uffff]/g, (ch) => u4(ch.charCodeAt(0)));
}

/**
 * Text that can sit inside a `/* ... *\/` comment (JS or C) or after `//` without ending it or
 * the line: comment terminators are broken up, line terminators and other control or non-ASCII
 * characters are shown as \uXXXX. For human eyes only; never parsed back.
 */
export function commentText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) out += u4(c);
    else out += s[i];
  }
  return out.replace(/\*\//g, '*\\/').replace(/\/\*/g, '/\\*').replace(/\?\?/g, '?\\?'); // ?? guards C trigraphs
}

/** A Markdown inline code span showing `s` verbatim (on one line). */
export function markdownCode(s: string): string {
  const flat = s.replace(/[\r\n\u2028\u2029]+/g, ' ');
  let fence = '`';
  while (flat.includes(fence)) fence += '`';
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return fence + pad + flat + pad + fence;
}
