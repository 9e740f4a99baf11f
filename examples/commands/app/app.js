/* watchword commands app glue (ES5, Espruino / Bangle.js 2).
 * Built apps are: the watchword runtime (global `watchword`), `var WATCHWORD_APP = {...}` (the
 * build's settings, see assemble.ts), tokenize.js (watchwordNormalize/watchwordTokenize),
 * slots.js (`var SLOTS`), actions.js (`var ACTIONS`), then this file.
 * Text in: a Gadgetbridge notification (Bangle 'message' events from the android app, or
 * GB({t:"notify",...}) directly when no android app is installed), or a line typed on the
 * keyboard (the `textinput` library, when installed: tap the screen or press the button).
 * Then: lowercase and tokenize (tokenize.js: one character id per step, as examples/commands/vocab.ts),
 * classify, pull slots, run ACTIONS[label], show intent and result, and emit Bangle
 * 'watchword' with {index, label, score, time, text, slots, action} for other code and the
 * desktop simulator. A score below the threshold counts as "unknown".
 * A missing or damaged model file shows an error and leaves the watch running. */
(function () {
  var C = WATCHWORD_APP;
  var storage = require("Storage");
  var hasScreen = typeof g === "object";
  var net = null;

  function errorText(e) {
    return e && e.message ? String(e.message) : String(e);
  }

  function showError(msg) {
    print("watchword: " + msg);
    if (hasScreen) E.showMessage(msg, C.name);
  }

  function open() {
    var buf = storage.readArrayBuffer(C.model);
    if (buf === undefined) {
      showError("Model file " + C.model + " not found. Reinstall the app.");
      return false;
    }
    try {
      net = watchword.load(buf);
      if (net.features !== 1) throw new Error("the model expects " + net.features + " numbers per step, not one character");
    } catch (e) {
      net = null;
      showError("Model file " + C.model + " is damaged (" + errorText(e) + "). Reinstall the app.");
      return false;
    }
    return true;
  }

  function action(c) {
    var f = null;
    if (Object.prototype.hasOwnProperty.call(ACTIONS, c.label)) f = ACTIONS[c.label];
    else if (Object.prototype.hasOwnProperty.call(ACTIONS, "_other")) f = ACTIONS._other;
    if (typeof f !== "function") return "";
    try {
      var r = f(c);
      return r === undefined ? "" : String(r);
    } catch (e) {
      print("watchword: action for " + JSON.stringify(c.label) + " failed: " + errorText(e));
      return "Failed: " + errorText(e);
    }
  }

  /* Word wrap by pixel width (g.wrapString is missing on older firmware). */
  function wrap(text, width) {
    var words = String(text).split(" ");
    var out = [];
    var line = "";
    for (var i = 0; i < words.length; i++) {
      var next = line ? line + " " + words[i] : words[i];
      if (line && g.stringWidth(next) > width) { out.push(line); line = words[i]; }
      else line = next;
    }
    if (line) out.push(line);
    return out;
  }

  function show(lines) {
    if (!hasScreen) return;
    var W = g.getWidth();
    var H = g.getHeight();
    g.reset();
    g.clearRect(0, 24, W - 1, H - 1);
    g.setFontAlign(0, 0);
    var y = 24 + 16;
    for (var i = 0; i < lines.length; i++) {
      var big = i === 0;
      g.setFont("6x8", big ? 2 : 1);
      var parts = wrap(lines[i], W - 8);
      for (var k = 0; k < parts.length && y < H - 8; k++) {
        g.drawString(parts[k], W >> 1, y);
        y += big ? 20 : 12;
      }
      y += 4;
    }
    g.flip();
  }

  /* One command text from any source; returns what was done. */
  function handle(text, source) {
    if (!net) return null;
    var seq = watchwordTokenize(text);
    if (seq.length === 0) return null;
    var r = net.classify(seq);
    var label = r.score * 32768 < C.thresholdQ15 ? "unknown" : r.label;
    var c = { text: String(text), label: label, score: r.score, slots: SLOTS.parse(watchwordNormalize(text), label), app: C, source: source };
    var done = action(c);
    var slotText = c.slots.duration ? SLOTS.durationText(c.slots.duration) : c.slots.time ? SLOTS.timeText(c.slots.time) : "";
    show([label, done, slotText ? "(" + slotText + ")" : "", "\"" + watchwordNormalize(text) + "\""]);
    if (C.buzzMs > 0) Bangle.buzz(label === "unknown" ? C.buzzMs >> 1 : C.buzzMs);
    print("watchword: " + JSON.stringify(watchwordNormalize(text)) + " -> " + label + " " + Math.floor(r.score * 100) + "% " + done);
    var ev = { index: r.index, label: label, score: r.score, time: getTime(), text: c.text, slots: c.slots, action: done, source: source };
    Bangle.emit("watchword", ev);
    return ev;
  }
  /* For other code on the watch (and tests): run a command text. */
  global.watchwordCommand = function (text) { return handle(text, "call"); };

  var typing = false;
  function keyboard() {
    if (typing) return;
    if (storage.read("textinput") === undefined) {
      show(["No keyboard", "Install a keyboard app (e.g. Touch keyboard) or send a message"]);
      return;
    }
    /* through a variable: the espruino CLI would otherwise try to bundle the library */
    var lib = "textinput";
    typing = true;
    require(lib).input({ text: "" }).then(function (t) {
      typing = false;
      if (t && String(t).length) handle(t, "keyboard");
      else idle();
    });
  }

  function idle() {
    var kb = storage.read("textinput") !== undefined;
    show([C.name, kb ? "Tap to type a command," : "(no keyboard app installed)", kb ? "or send it from the phone" : "Send a command from the phone"]);
  }

  if (!open()) return;

  /* Gadgetbridge: the android app turns GB({t:"notify"}) into a 'message' event ("text", t "add").
   * The default message UI marks it handled but does not open over a running app. */
  Bangle.on("message", function (type, msg) {
    if (type === "text" && msg && msg.t === "add" && (msg.body || msg.title)) handle(msg.body || msg.title, "message");
  });
  if (typeof GB !== "function") {
    global.GB = function (ev) {
      if (ev && ev.t === "notify" && (ev.body || ev.title)) handle(ev.body || ev.title, "gadgetbridge");
    };
  }
  Bangle.on("touch", function () { keyboard(); });
  /* (the desktop simulator has no buttons) */
  if (typeof setWatch === "function" && typeof BTN1 !== "undefined") setWatch(function () { keyboard(); }, BTN1, { repeat: true, edge: "falling", debounce: 50 });

  if (hasScreen) {
    g.clear();
    if (Bangle.loadWidgets) { Bangle.loadWidgets(); Bangle.drawWidgets(); }
  }
  idle();
  print("watchword: " + C.name + " ready");
})();
