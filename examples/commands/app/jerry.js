/* watchword commands glue for JerryScript firmware (ES5): main.js of a JERRYSCRIPT build.
 * Built as: the watchword runtime (global `watchword`), `var WATCHWORD_APP = {...}`, slots.js
 * (`var SLOTS`), then this file. The host binds the model to the global WW_MODEL (an
 * ArrayBuffer over model.h) and registers `print` (see the build's README). There is no
 * keyboard or phone here: the firmware passes text to watchwordCommand(text), which prints
 * one line "intent <label> <score%> <slots JSON>" and returns {label, score, slots}; at start
 * the build's demo texts (WATCHWORD_APP.demo) are run through it. Tokenizing is tokenize.js, the
 * same as the Bangle app's (lowercase, one character id per step). */
var WATCHWORD_NET = null;

function watchwordCommand(text) {
  if (!WATCHWORD_NET) WATCHWORD_NET = watchword.load(WW_MODEL);
  var t = watchwordNormalize(text);
  var seq = watchwordTokenize(t);
  if (seq.length === 0) {
    print("intent none (empty text)");
    return null;
  }
  var r = WATCHWORD_NET.classify(seq);
  var label = r.score * 32768 < WATCHWORD_APP.thresholdQ15 ? "unknown" : r.label;
  var slots = SLOTS.parse(t, label);
  print("intent " + label + " " + Math.floor(r.score * 100) + "% " + JSON.stringify({ duration: slots.duration, time: slots.time }) + " " + JSON.stringify(t));
  return { index: r.index, label: label, score: r.score, slots: slots };
}

(function () {
  try {
    WATCHWORD_NET = watchword.load(WW_MODEL);
  } catch (e) {
    print("watchword: the model is damaged (" + (e && e.message ? e.message : String(e)) + ")");
    return;
  }
  print("watchword: " + WATCHWORD_APP.name + " ready (" + WATCHWORD_NET.labels.length + " intents)");
  for (var i = 0; i < WATCHWORD_APP.demo.length; i++) watchwordCommand(WATCHWORD_APP.demo[i]);
})();
