/* watchword gestures app glue (ES5, Espruino / Bangle.js).
 * Built apps are: the watchword runtime (global `watchword`), then `var WATCHWORD_APP = {...}`
 * (the build's settings, see assemble.ts), then actions.js (`var ACTIONS`), then this file.
 * Bangle.js 'gesture' event (Int8Array x,y,z, 64 = 1 g) -> classify -> when the score passes
 * the threshold and the label is not ignored: show the label, buzz, run ACTIONS[label], and
 * emit Bangle 'watchword' with the result (other code and the desktop simulator listen to it).
 * Streaming mode (WATCHWORD_APP.mode "accel"): one runtime step per 'accel' sample, a decision
 * once enough samples are in, state reset after a recognition or a full window.
 * A missing or damaged model file shows an error and leaves the watch running: no exception
 * escapes, no reload, so there is no crash loop. */
(function () {
  var C = WATCHWORD_APP;
  var storage = require("Storage");
  var hasScreen = typeof g === "object";
  var net = null;
  var state = null;
  var frame = new Int8Array(3);
  var steps = 0;

  function errorText(e) {
    return e && e.message ? String(e.message) : String(e);
  }

  function showError(msg) {
    print("watchword: " + msg);
    if (hasScreen) {
      g.reset();
      g.clear();
      E.showMessage(msg, C.name);
    }
  }

  function open() {
    var buf = storage.readArrayBuffer(C.model);
    if (buf === undefined) {
      showError("Model file " + C.model + " not found. Reinstall the app.");
      return false;
    }
    try {
      net = watchword.load(buf);
      state = net.state();
      if (net.features !== 3) throw new Error("the model expects " + net.features + " numbers per frame, not x,y,z");
    } catch (e) {
      net = null;
      showError("Model file " + C.model + " is damaged (" + errorText(e) + "). Reinstall the app.");
      return false;
    }
    return true;
  }

  function show(r) {
    if (!hasScreen) return;
    var W = g.getWidth();
    var H = g.getHeight();
    var text = String(r.label);
    var scale = Math.floor(W / (6 * (text.length + 1)));
    if (scale > 4) scale = 4;
    if (scale < 1) scale = 1;
    g.reset();
    g.clear();
    var icon = C.icon ? storage.read(C.icon) : undefined;
    if (icon !== undefined && icon.length > 2) g.drawImage(icon, (W - icon.charCodeAt(0)) >> 1, 8);
    g.setFontAlign(0, 0);
    g.setFont("6x8", scale);
    g.drawString(text, W >> 1, H >> 1);
    g.setFont("6x8", 2);
    g.drawString(Math.floor(r.score * 100) + "%", W >> 1, (H >> 1) + 4 * scale + 16);
    g.flip();
  }

  function ignored(label) {
    for (var i = 0; i < C.ignore.length; i++) if (C.ignore[i] === label) return true;
    return false;
  }

  function act(r) {
    var f = null;
    if (Object.prototype.hasOwnProperty.call(ACTIONS, r.label)) f = ACTIONS[r.label];
    else if (Object.prototype.hasOwnProperty.call(ACTIONS, "_other")) f = ACTIONS._other;
    if (typeof f !== "function") return;
    try {
      f(r);
    } catch (e) {
      print("watchword: action for " + JSON.stringify(r.label) + " failed: " + errorText(e));
    }
  }

  function decide(r) {
    if (!r || r.score * 32768 < C.thresholdQ15 || ignored(r.label)) return false;
    show(r);
    if (C.buzzMs > 0) Bangle.buzz(C.buzzMs);
    act(r);
    Bangle.emit("watchword", { index: r.index, label: r.label, score: r.score, time: getTime() });
    return true;
  }

  function classifyEvent(xyz) {
    var frames = [];
    for (var i = 0; i + 2 < xyz.length; i += 3) frames.push(xyz.subarray(i, i + 3));
    return net.classify(frames);
  }

  function best(out) {
    var k = 0;
    for (var i = 1; i < net.outputs; i++) if (out[i] > out[k]) k = i;
    return { index: k, label: net.labels[k], score: net.score(out, k) / 32768 };
  }

  function quantize(v) {
    var q = Math.floor(v * C.unitsPerG);
    return q < -128 ? -128 : q > 127 ? 127 : q;
  }

  if (!open()) return;

  if (C.mode === "accel") {
    Bangle.setPollInterval(C.pollMs);
    Bangle.on("accel", function (a) {
      frame[0] = quantize(a.x);
      frame[1] = quantize(a.y);
      frame[2] = quantize(a.z);
      var out = net.step(state, frame);
      steps++;
      if ((steps >= C.minSteps && decide(best(out))) || steps >= C.maxSteps) {
        net.reset(state);
        steps = 0;
      }
    });
  } else {
    Bangle.on("gesture", function (xyz) {
      if (xyz.length >= 3) decide(classifyEvent(xyz));
    });
  }
  if (hasScreen) {
    g.reset();
    g.clear();
    g.setFontAlign(0, 0);
    g.setFont("6x8", 2);
    g.drawString(C.name + "\nready", g.getWidth() >> 1, g.getHeight() >> 1);
    g.flip();
  }
  print("watchword: " + C.name + " ready");
})();
