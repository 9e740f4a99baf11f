/* watchword commands app: what each recognized intent does. EDIT THIS FILE.
 *
 * Keys are the model's labels; each value is a function called with the command
 * c = {text, label, score, slots, app} where slots is SLOTS.parse(text, label) (see slots.js:
 * c.slots.duration {total, hours, minutes, seconds}, c.slots.time {hour, minute, exact},
 * c.slots.numbers) and app is WATCHWORD_APP (the build settings). It returns the line the
 * watch shows under the intent. "_other" runs for labels without an entry of their own.
 * Plain ES5 (Espruino): var, function, no arrow functions.
 *
 * Optional BangleApps libraries are looked up in Storage before use and required through a
 * variable, so the espruino CLI does not try to bundle them at upload time and the app still
 * works without them (timers and alarms then run inside this app only).
 */
var ACTIONS = (function () {
  var SCHED = "sched";
  var watch = { start: null, lastMs: 0 };
  var pending = {};

  function hasLib(name) {
    return typeof require === "function" && require("Storage").read(name) !== undefined;
  }

  /* A message to Gadgetbridge on the phone (its Bangle.js protocol: one JSON line). */
  function gb(msg) {
    if (typeof Bluetooth === "undefined") return false;
    Bluetooth.println("");
    Bluetooth.println(JSON.stringify(msg));
    return true;
  }

  function music(cmd) {
    /* The android/ios apps define Bangle.musicControl; without them speak Gadgetbridge directly. */
    if (typeof Bangle.musicControl === "function") Bangle.musicControl(cmd);
    else gb({ t: "music", n: cmd });
    return "Music: " + cmd;
  }

  function two(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function msOfDay(d) {
    return d.getHours() * 3600000 + d.getMinutes() * 60000 + d.getSeconds() * 1000;
  }

  /* Fallback when sched is not installed: ring inside this app. */
  function ringLater(id, ms, text) {
    if (pending[id]) clearTimeout(pending[id]);
    pending[id] = setTimeout(function () {
      delete pending[id];
      Bangle.buzz(800);
      E.showMessage(text, "Time's up");
    }, ms);
  }

  function timer(c) {
    var d = c.slots.duration;
    if (!d || d.total <= 0) return "Timer: how long?";
    var ms = d.total * 1000;
    var label = SLOTS.durationText(d);
    if (hasLib(SCHED)) {
      var s = require(SCHED);
      var t = s.newDefaultTimer();
      t.timer = ms;
      t.msg = "Timer " + label;
      t.appid = c.app.id;
      s.setAlarm(c.app.id + ".timer", t);
      s.reload();
    } else {
      ringLater("timer", ms, "Timer " + label);
    }
    return "Timer " + label;
  }

  function alarm(c) {
    var tm = c.slots.time;
    if (!tm) return "Alarm: at what time?";
    var now = new Date();
    var at = (tm.hour % 24) * 3600000 + tm.minute * 60000;
    /* "seven thirty" without am/pm: the next 7:30, morning or evening */
    if (!tm.exact && tm.hour <= 12) {
      var am = (tm.hour % 12) * 3600000 + tm.minute * 60000;
      var pm = am + 12 * 3600000;
      var cur = msOfDay(now);
      at = am > cur ? am : pm > cur ? pm : am;
    }
    var label = Math.floor(at / 3600000) + ":" + two(Math.floor(at / 60000) % 60);
    if (hasLib(SCHED)) {
      var s = require(SCHED);
      var a = s.newDefaultAlarm();
      a.t = at;
      a.msg = "Alarm " + label;
      a.appid = c.app.id;
      a.del = true;
      s.setAlarm(c.app.id + ".alarm", a);
      s.reload();
    } else {
      var wait = at - msOfDay(now);
      if (wait <= 0) wait += 86400000;
      ringLater("alarm", wait, "Alarm " + label);
    }
    return "Alarm " + label;
  }

  function elapsed(ms) {
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + two(s % 60) + "." + Math.floor((ms % 1000) / 100);
  }

  return {
    "timer": timer,
    "alarm": alarm,
    "stopwatch_start": function (c) {
      watch.start = Date.now();
      return "Stopwatch started";
    },
    "stopwatch_stop": function (c) {
      if (watch.start === null) return "Stopwatch: " + elapsed(watch.lastMs);
      watch.lastMs = Date.now() - watch.start;
      watch.start = null;
      return "Stopwatch " + elapsed(watch.lastMs);
    },
    "find_phone": function (c) {
      return gb({ t: "findPhone", n: true }) ? "Ringing your phone" : "No Bluetooth";
    },
    "music_play": function (c) { return music("play"); },
    "music_pause": function (c) { return music("pause"); },
    "music_next": function (c) { return music("next"); },
    "music_prev": function (c) { return music("previous"); },
    "volume_up": function (c) { return music("volumeup"); },
    "volume_down": function (c) { return music("volumedown"); },
    "time": function (c) {
      var d = new Date();
      return "It is " + d.getHours() + ":" + two(d.getMinutes());
    },
    "battery": function (c) {
      return "Battery " + E.getBattery() + "%" + (Bangle.isCharging() ? ", charging" : "");
    },
    "unknown": function (c) {
      return "Not understood";
    }
  };
})();
