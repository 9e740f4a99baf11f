/* watchword commands tokenizer (ES5), shared by the Bangle.js glue (app.js) and the JerryScript
 * glue (jerry.js); the device-side twin of examples/commands/vocab.ts, which the model was
 * trained with (test/commands.test.ts checks they agree). Reads WATCHWORD_APP.alphabet and
 * WATCHWORD_APP.maxChars, which the build writes just before this file. */

/* Lowercase, spaces and control characters as single spaces, trimmed, at most maxChars. */
function watchwordNormalize(text) {
  var t = String(text).toLowerCase();
  var out = "";
  var space = false;
  for (var i = 0; i < t.length && out.length < WATCHWORD_APP.maxChars; i++) {
    if (t.charCodeAt(i) <= 32) { space = out.length > 0; continue; }
    if (space) { out += " "; space = false; if (out.length >= WATCHWORD_APP.maxChars) break; }
    out += t.charAt(i);
  }
  return out;
}

/* Character -> id: 1 + its position in the alphabet, 0 for anything else; one frame per id. */
function watchwordTokenize(text) {
  var t = watchwordNormalize(text);
  var seq = [];
  for (var i = 0; i < t.length; i++) seq.push([WATCHWORD_APP.alphabet.indexOf(t.charAt(i)) + 1]);
  return seq;
}
