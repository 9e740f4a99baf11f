/**
 * The simulated device on QuickJS and Duktape. Those engines run sandboxed scripts and only
 * hand back printed lines (simulator/engines), so the device is an ES5 prelude run inside the
 * engine: Storage over the app's files (passed as binary data globals), Bangle's event
 * emitter, virtual-time timers, `E` (the numeric shim for boards whose profile has the native
 * functions, plus toArrayBuffer/showMessage), atob, and a `g` that draws nothing but reports
 * each call. A driver then installs the app, loads `<id>.app.js` and plays the trace. Everything
 * the app does comes back as one tagged line each — `P` printed text, `G` a graphics call,
 * `W` a recognition, `B` a buzz, `T` the trace clock, `U` an uncaught error — JSON-encoded
 * so no app text can forge a tag. The host replays `G` lines into the same framebuffer and
 * graphics shim the Node device uses, so screenshots are identical across engines.
 */
import type { Trace } from './trace';

/** ES5 device prelude (runs after the engine's print/base64 prelude and the E shim, if any). */
export const DEVICE_PRELUDE = String.raw`
var __wwOut = print;
var __wwNow = 0, __wwTimers = [], __wwNextId = 1, __wwListeners = {}, __wwFont = 1;
function __wwEmitLine(tag, v) { __wwOut(tag + " " + JSON.stringify(v)); }
function __wwErr(e) { __wwEmitLine("U", e && e.message ? String(e.name || "Error") + ": " + String(e.message) : String(e)); }
print = function () {
  var s = "";
  for (var i = 0; i < arguments.length; i++) {
    var a = arguments[i];
    s += (i ? " " : "") + (typeof a === "string" ? a : typeof a === "object" ? JSON.stringify(a) : String(a));
  }
  __wwEmitLine("P", s);
};
var console = { log: print, info: print, warn: print, error: print, debug: print };
function getTime() { return __wwNow / 1000; }
function __wwAddTimer(fn, ms, every, args) {
  if (typeof fn !== "function") throw new Error("setTimeout/setInterval: first argument must be a function");
  var id = __wwNextId++;
  __wwTimers.push({ id: id, at: __wwNow + (ms > 0 ? ms : 0), every: every, fn: fn, args: args });
  return id;
}
function setTimeout(fn, ms) { return __wwAddTimer(fn, ms, 0, Array.prototype.slice.call(arguments, 2)); }
function setInterval(fn, ms) { return __wwAddTimer(fn, ms, ms > 1 ? ms : 1, Array.prototype.slice.call(arguments, 2)); }
function clearTimeout(id) {
  if (id === undefined) { __wwTimers = []; return; }
  for (var i = 0; i < __wwTimers.length; i++) if (__wwTimers[i].id === id) { __wwTimers.splice(i, 1); return; }
}
var clearInterval = clearTimeout;
function __wwAdvance(ms) {
  for (;;) {
    var k = -1;
    for (var i = 0; i < __wwTimers.length; i++) {
      var t = __wwTimers[i];
      if (t.at <= ms && (k < 0 || t.at < __wwTimers[k].at)) k = i;
    }
    if (k < 0) break;
    var tm = __wwTimers[k];
    if (tm.at > __wwNow) __wwNow = tm.at;
    if (tm.every) tm.at += tm.every; else __wwTimers.splice(k, 1);
    try { tm.fn.apply(null, tm.args); } catch (e) { __wwErr(e); }
  }
  if (ms > __wwNow) __wwNow = ms;
}
function __wwBytesToString(u) {
  var s = "";
  for (var i = 0; i < u.length; i += 4096) s += String.fromCharCode.apply(null, Array.prototype.slice.call(u.subarray(i, i + 4096)));
  return s;
}
function __wwToBytes(d) {
  var u, i;
  if (typeof d === "string") { u = new Uint8Array(d.length); for (i = 0; i < d.length; i++) u[i] = d.charCodeAt(i) & 255; return u; }
  if (d instanceof ArrayBuffer) return new Uint8Array(d.slice(0));
  if (d && d.buffer instanceof ArrayBuffer) return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
  if (d && typeof d.length === "number") { u = new Uint8Array(d.length); for (i = 0; i < d.length; i++) u[i] = d[i] & 255; return u; }
  return null;
}
function atob(s) { return __wwBytesToString(new Uint8Array(__wwBase64ToArrayBuffer(String(s)))); }
var __wwFiles = {}, __wwFileOrder = [];
var __wwStorage = {
  read: function (name, off, len) {
    var f = __wwFiles[name];
    if (f === undefined) return undefined;
    off = off > 0 ? Math.min(off, f.length) : 0;
    len = len > 0 ? Math.min(len, f.length - off) : f.length - off;
    return __wwBytesToString(f.subarray(off, off + len));
  },
  readArrayBuffer: function (name) {
    var f = __wwFiles[name];
    return f === undefined ? undefined : f.buffer.slice(f.byteOffset, f.byteOffset + f.length);
  },
  readJSON: function (name) { var s = __wwStorage.read(name); return s === undefined ? undefined : JSON.parse(s); },
  write: function (name, data, offset, size) {
    var isObj = typeof data === "object" && data !== null && !(data instanceof ArrayBuffer) && !(data.buffer instanceof ArrayBuffer) && !(data instanceof Array);
    var b = __wwToBytes(isObj ? JSON.stringify(data) : data);
    if (isObj) { offset = 0; size = 0; }
    offset = offset > 0 ? Math.floor(offset) : 0;
    size = size > 0 ? Math.floor(size) : 0;
    if (!b) throw new Error("Can't get pointer to data to write");
    if (!size) size = b.length;
    if (!size) throw new Error("Can't create zero length file");
    var f = __wwFiles[name], i;
    var erased = true;
    if (f !== undefined) for (i = 0; i < f.length; i++) if (f[i] !== 255) { erased = false; break; }
    if ((f === undefined && offset === 0) || (f !== undefined && offset === 0 && (size !== f.length || !erased))) {
      if (f === undefined) __wwFileOrder.push(name);
      f = new Uint8Array(size);
      for (i = 0; i < size; i++) f[i] = 255;
      __wwFiles[name] = f;
    }
    if (f === undefined) throw new Error("Unable to find or create file");
    if (offset + b.length > f.length) throw new Error("Too much data for file size");
    for (i = 0; i < b.length; i++) f[offset + i] &= b[i];
    return true;
  },
  list: function (re) {
    var out = [];
    for (var i = 0; i < __wwFileOrder.length; i++) {
      var n = __wwFileOrder[i];
      if (__wwFiles[n] !== undefined && (re === undefined || n.match(re))) out.push(n);
    }
    return out;
  },
  erase: function (name) { delete __wwFiles[name]; }
};
function require(m) {
  if (m === "Storage") return __wwStorage;
  throw new Error("Module " + m + " not found");
}
var Bangle = {
  on: function (evt, fn) { (__wwListeners[evt] = __wwListeners[evt] || []).push(fn); return Bangle; },
  removeListener: function (evt, fn) {
    var l = __wwListeners[evt] || [];
    for (var i = 0; i < l.length; i++) if (l[i] === fn) { l.splice(i, 1); break; }
    return Bangle;
  },
  removeAllListeners: function (evt) { if (evt === undefined) __wwListeners = {}; else delete __wwListeners[evt]; return Bangle; },
  emit: function (evt) {
    var l = (__wwListeners[evt] || []).slice(), args = Array.prototype.slice.call(arguments, 1);
    if (evt === "watchword" && args[0]) __wwEmitLine("W", { index: args[0].index, label: String(args[0].label), score: args[0].score, t: __wwNow / 1000 });
    for (var i = 0; i < l.length; i++) { try { l[i].apply(Bangle, args); } catch (e) { __wwErr(e); } }
    return true;
  },
  buzz: function (ms, strength) {
    __wwEmitLine("B", { t: __wwNow / 1000, ms: ms === undefined ? 200 : ms, strength: strength === undefined ? 1 : strength });
    return typeof Promise === "function" ? Promise.resolve() : undefined;
  },
  beep: function () { return typeof Promise === "function" ? Promise.resolve() : undefined; },
  setPollInterval: function () {}, setOptions: function () {}, setLCDPower: function () {}, isLCDOn: function () { return true; },
  setLCDTimeout: function () {}, setLocked: function () {}, isLocked: function () { return false; },
  loadWidgets: function () {}, drawWidgets: function () {}, setUI: function () {}
};
if (typeof E === "undefined") var E = {};
E.toArrayBuffer = function (s) { return __wwToBytes(String(s)).buffer; };
E.showMessage = function (msg, title) { __wwEmitLine("G", ["__showMessage", String(msg), title === undefined ? null : String(title)]); };
E.getErrorFlags = function () { return []; };
var WIDGETS = {};
// load(file) as Espruino does it: once the current command has finished, evaluate the Storage
// file at global scope (the espruino CLI ends upload.js/selftest.js with load("<file>")).
function load(name) {
  if (typeof name !== "string") { __wwEmitLine("U", "load() without a file name is not simulated on this engine"); return; }
  setTimeout(function () { var src = __wwStorage.read(name); if (src === undefined) { __wwEmitLine("U", "load(): no Storage file " + name); return; } (0, eval)(src); }, 0);
}
`;

/**
 * Makes the device's globals real globals. The engine harness runs preludes inside one
 * function (so their vars are locals), while the app is evaluated from Storage with an
 * indirect eval at global scope, as Espruino's load() does: it must find them there.
 */
export const DEVICE_GLOBALS = `
var __wwGlobal = (0, eval)("this");
(function (names, values) { for (var i = 0; i < names.length; i++) __wwGlobal[names[i]] = values[i]; })(
  ["print", "console", "getTime", "setTimeout", "setInterval", "clearTimeout", "clearInterval", "atob", "require", "Bangle", "E", "WIDGETS", "load"],
  [print, console, getTime, setTimeout, setInterval, clearTimeout, clearInterval, atob, require, Bangle, E, WIDGETS, load]);
if (typeof g !== "undefined") __wwGlobal.g = g;
`;

/** ES5 `g` recorder for a screen of the given size (appended to the prelude when the board has one). */
export function graphicsRecorder(width: number, height: number, theme: Record<string, unknown>): string {
  const calls = ['reset', 'clear', 'setColor', 'setBgColor', 'setFontAlign', 'drawString', 'fillRect', 'clearRect', 'drawRect', 'drawLine', 'setPixel', 'drawImage', 'flip'];
  return `
var g = { theme: ${JSON.stringify(theme)} };
function __wwArg(a) {
  if (a instanceof ArrayBuffer || (a && a.buffer instanceof ArrayBuffer)) return { __bytes: Array.prototype.slice.call(__wwToBytes(a)) };
  return a;
}
function __wwRec(name) {
  return function () {
    var a = [name];
    for (var i = 0; i < arguments.length; i++) a.push(__wwArg(arguments[i]));
    __wwEmitLine("G", a);
    if (name === "reset") __wwFont = 1;
    return g;
  };
}
${calls.map((c) => `g.${c} = __wwRec(${JSON.stringify(c)});`).join('\n')}
g.setFont = function (name, size) {
  var m = String(name).match(/^6x8(?::(\\d+))?/);
  __wwFont = size !== undefined ? size : m && m[1] ? Number(m[1]) : 1;
  __wwEmitLine("G", ["setFont", name, size === undefined ? null : size]);
  return g;
};
g.getWidth = function () { return ${width}; };
g.getHeight = function () { return ${height}; };
g.getFontHeight = function () { return 8 * __wwFont; };
g.stringWidth = function (s) { return String(s).length * 6 * __wwFont; };
`;
}

/** ES5 driver: install files, evaluate App Loader `evaluate` entries, load the app, play the trace. */
export function driverScript(appId: string, fileNames: string[], evaluate: string[], trace: Trace, tailSeconds: number): string {
  const items = trace.items.map((it) => (it.kind === 'gesture'
    ? { t: it.t, k: 'g', xyz: Array.from(it.xyz) }
    : { t: it.t, k: 'a', x: it.x, y: it.y, z: it.z }));
  const last = trace.items.length ? trace.items[trace.items.length - 1].t : 0;
  return `
(function () {
  var names = ${JSON.stringify(fileNames)};
  var bufs = [${fileNames.map((_, i) => `__wwF${i}`).join(', ')}];
  for (var i = 0; i < names.length; i++) { __wwFiles[names[i]] = new Uint8Array(bufs[i]); __wwFileOrder.push(names[i]); }
  var ev = ${JSON.stringify(evaluate)};
  for (i = 0; i < ev.length; i++) __wwFiles[ev[i]] = __wwToBytes((0, eval)(__wwStorage.read(ev[i])));
})();
try { (0, eval)(__wwStorage.read(${JSON.stringify(appId + '.app.js')})); } catch (e) { __wwErr(e); }
(function () {
  var items = ${JSON.stringify(items)};
  var last = null;
  for (var i = 0; i < items.length; i++) {
    var it = items[i];
    __wwAdvance(it.t * 1000);
    __wwOut("T " + i);
    if (it.k === "g") {
      var a = new Int8Array(it.xyz.length);
      for (var j = 0; j < a.length; j++) a[j] = it.xyz[j];
      Bangle.emit("gesture", a);
    } else {
      var dx = last ? it.x - last.x : 0, dy = last ? it.y - last.y : 0, dz = last ? it.z - last.z : 0;
      Bangle.emit("accel", { x: it.x, y: it.y, z: it.z, diff: last ? Math.sqrt(dx * dx + dy * dy + dz * dz) : 0, mag: Math.sqrt(it.x * it.x + it.y * it.y + it.z * it.z) });
      last = it;
    }
  }
  __wwAdvance(${(last + tailSeconds) * 1000});
  __wwOut("T end");
})();
`;
}
