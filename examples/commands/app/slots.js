/* watchword commands app: slot rules (ES5, Espruino / JerryScript / any engine).
 * Pulls numbers, durations and clock times out of a command text with plain rules, after
 * the model has said what the text is about:
 *   SLOTS.parse("Set a timer for an hour and a half", "timer")
 *     -> {numbers: [1], duration: {total: 5400, hours: 1, minutes: 30, seconds: 0}, time: null}
 *   SLOTS.parse("wake me at seven thirty pm", "alarm")
 *     -> {numbers: [7, 30], duration: null, time: {hour: 19, minute: 30, exact: true}}
 * duration.total is in seconds, split into hours/minutes/seconds. time.hour is 0-23 when the
 * text fixes the half of the day (am/pm, 24-hour clock, noon, "in the evening"); otherwise
 * exact is false and hour is the spoken 1-12 (the app picks the next such time).
 * Understood: digits and number words up to 99 ("twenty-five"), "a"/"an", "a couple of",
 * units s/sec/second(s), m/min(s)/minute(s), h/hr(s)/hour(s), "half an hour", "a quarter of
 * an hour", "three quarters of an hour", "N and a half", "an hour and a half", "1h30",
 * "1.5 hours"; clock times "7:30", "7.30", "7:30 pm", "19:45", "7 am", "seven o'clock",
 * "seven thirty", "seven oh five am", "half past six", "quarter to eight", "ten past nine",
 * "6 in the morning", "9 at night", "noon", "midnight". With intent "alarm" a bare number is
 * an hour ("alarm at 7"), with intent "timer" minutes ("timer 5").
 * No regular expressions: Espruino's are limited and slow; everything is a char loop. */
var SLOTS = (function () {
  var ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
  var TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
  var UNITS = { s: 1, sec: 1, secs: 1, second: 1, seconds: 1, m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
    h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600 };

  function has(o, k) {
    return Object.prototype.hasOwnProperty.call(o, k);
  }

  function indexIn(list, w) {
    for (var i = 0; i < list.length; i++) if (list[i] === w) return i;
    return -1;
  }

  function isDigit(c) {
    return c >= "0" && c <= "9";
  }

  function isLetter(c) {
    return c >= "a" && c <= "z";
  }

  /* Lowercased text -> words and digit groups. "a.m."/"p.m." become am/pm, apostrophes
   * vanish (o'clock -> oclock), ":" or "." between digits stays in the group ("7:30",
   * "1.5"), letters after digits split off ("1h30" -> 1, h, 30). */
  function lex(text) {
    var s = String(text).toLowerCase().split("a.m.").join("am").split("p.m.").join("pm");
    var out = [];
    var cur = "";
    var kind = 0; /* 0 none, 1 word, 2 digits */
    for (var i = 0; i <= s.length; i++) {
      var c = i < s.length ? s.charAt(i) : " ";
      if (isLetter(c)) {
        if (kind === 2) { out.push(cur); cur = ""; }
        kind = 1;
        cur += c;
      } else if (isDigit(c)) {
        if (kind === 1) { out.push(cur); cur = ""; }
        kind = 2;
        cur += c;
      } else if (c === "'" && kind === 1) {
        /* inside a word: drop */
      } else if ((c === ":" || c === ".") && kind === 2 && i + 1 < s.length && isDigit(s.charAt(i + 1)) && cur.indexOf(":") < 0 && cur.indexOf(".") < 0) {
        cur += c;
      } else {
        if (kind !== 0) out.push(cur);
        cur = "";
        kind = 0;
      }
    }
    return out;
  }

  /* Words and digit groups -> items {w, n, clock}: n is a number value (digits or number
   * words, "twenty five" merged) or null; clock {h, m, dot} for "7:30" / "7.30". */
  function items(tokens) {
    var out = [];
    for (var i = 0; i < tokens.length; i++) {
      var t = tokens[i];
      var it = { w: t, n: null, clock: null, words: false };
      if (isDigit(t.charAt(0))) {
        var sep = t.indexOf(":") >= 0 ? ":" : t.indexOf(".") >= 0 ? "." : "";
        if (sep) {
          var a = t.split(sep);
          var h = parseInt(a[0], 10);
          var m = parseInt(a[1], 10);
          if (a[1].length === 2 && m < 60 && h < 24) it.clock = { h: h, m: m, dot: sep === ".", pad: a[0].length === 2 && h < 10 };
          if (sep === ".") it.n = parseFloat(t);
        } else {
          it.n = parseInt(t, 10);
        }
      } else {
        var o = indexIn(ONES, t);
        var d = indexIn(TENS, t);
        if (o >= 0) { it.n = o; it.words = true; }
        else if (d >= 2) {
          it.n = d * 10;
          it.words = true;
          var nx = i + 1 < tokens.length ? indexIn(ONES, tokens[i + 1]) : -1;
          if (nx >= 1 && nx <= 9) { it.n += nx; it.w = t + " " + tokens[i + 1]; i++; }
        }
      }
      out.push(it);
    }
    return out;
  }

  function word(its, i) {
    return i >= 0 && i < its.length ? its[i].w : "";
  }

  function unitAt(its, i) {
    var w = word(its, i);
    return has(UNITS, w) ? UNITS[w] : 0;
  }

  /* "a", "an" and "a couple (of)" as counts before a unit. */
  function countAt(its, i) {
    var w = word(its, i);
    if (its[i] && its[i].n !== null && !its[i].clock) return { n: its[i].n, len: 1 };
    if (its[i] && its[i].clock && its[i].clock.dot) return { n: its[i].n, len: 1 };
    if (w === "a" || w === "an") {
      if (word(its, i + 1) === "couple") return { n: 2, len: word(its, i + 2) === "of" ? 3 : 2 };
      return { n: 1, len: 1 };
    }
    if (w === "couple") return { n: 2, len: word(its, i + 1) === "of" ? 2 : 1 };
    return null;
  }

  /* "and a half" at i: 3 items, or 0. */
  function andHalf(its, i) {
    return word(its, i) === "and" && word(its, i + 1) === "a" && word(its, i + 2) === "half" ? 3 : 0;
  }

  /* Sums every "<count> <unit>" and fraction phrase; total seconds or -1 when none. */
  function duration(its) {
    var total = 0;
    var found = false;
    var i = 0;
    while (i < its.length) {
      var w = word(its, i);
      var j = i;
      var quarters = 0;
      /* half (a|an) unit, (a) quarter (of) (a|an) unit, three quarters (of) (a|an) unit;
       * counted in quarters: no float literals in device code (Espruino parses them an ulp off) */
      if (w === "half") { quarters = 2; j = i + 1; }
      else if (w === "quarter" || (w === "quarters" && its[i - 1] && its[i - 1].n === 3)) { quarters = w === "quarter" ? 1 : 3; j = i + 1; }
      if (quarters) {
        if (word(its, j) === "of") j++;
        if (word(its, j) === "a" || word(its, j) === "an") j++;
        var fu = unitAt(its, j);
        if (fu) { total += quarters * fu / 4; found = true; i = j + 1; continue; }
      }
      var c = countAt(its, i);
      if (c) {
        var k = i + c.len;
        var half = andHalf(its, k);
        var u = unitAt(its, k + half);
        if (u) {
          total += c.n * u + (half ? u / 2 : 0);
          found = true;
          k += half + 1;
          if (andHalf(its, k)) { total += u / 2; k += 3; }
          /* 1h30, 1 hour 30 (minutes implied), 5 min 20 */
          if (u > 1 && its[k] && its[k].n !== null && !its[k].clock && !unitAt(its, k + 1) && word(its, k + 1) !== "and") {
            total += its[k].n * u / 60;
            k++;
          }
          i = k;
          continue;
        }
      }
      i++;
    }
    return found ? Math.floor((2 * total + 1) / 2) : -1; /* nearest second (total >= 0) */
  }

  function hour12(n) {
    return n !== null && n >= 1 && n <= 12 && Math.floor(n) === n;
  }

  /* am/pm, "in the morning", ... at i: {pm, len} or null. */
  function dayPart(its, i) {
    var w = word(its, i);
    if (w === "am") return { pm: false, len: 1 };
    if (w === "pm") return { pm: true, len: 1 };
    if (w === "in" && word(its, i + 1) === "the") {
      var p = word(its, i + 2);
      if (p === "morning") return { pm: false, len: 3 };
      if (p === "afternoon" || p === "evening") return { pm: true, len: 3 };
    }
    if (w === "at" && word(its, i + 1) === "night") return { pm: true, len: 2 };
    if (w === "tonight") return { pm: true, len: 1 };
    return null;
  }

  function mkTime(h, m, its, next) {
    var dp = dayPart(its, next);
    if (dp && h >= 1 && h <= 12) return { hour: (h % 12) + (dp.pm ? 12 : 0), minute: m, exact: true };
    return { hour: h, minute: m, exact: h > 12 || h === 0 };
  }

  /* The first clock time in the text, or null. */
  function clockTime(its, intent) {
    for (var i = 0; i < its.length; i++) {
      var it = its[i];
      var w = it.w;
      var nu = unitAt(its, i + 1);
      if (it.clock && !nu) return mkTime(it.clock.h, it.clock.m, its, i + 1);
      if (w === "noon" || w === "midday") return { hour: 12, minute: 0, exact: true };
      if (w === "midnight") return { hour: 0, minute: 0, exact: true };
      /* half past six, quarter to eight, ten (minutes) past nine */
      var mins = w === "half" ? 30 : w === "quarter" ? 15 : it.n !== null && it.n >= 1 && it.n <= 30 && !it.clock ? it.n : -1;
      if (mins >= 0) {
        var j = i + 1;
        if (word(its, j) === "minutes" || word(its, j) === "minute") j++;
        var rel = word(its, j);
        var target = its[j + 1];
        if ((rel === "past" || rel === "to") && target && hour12(target.n)) {
          var h = target.n;
          var m = mins;
          if (rel === "to") { h = h === 1 ? 12 : h - 1; m = 60 - mins; }
          return mkTime(h, m, its, j + 2);
        }
      }
      if (hour12(it.n) && !it.clock && !nu) {
        var nw = word(its, i + 1);
        /* 7 oclock / 7 o clock */
        if (nw === "oclock" || (nw === "o" && word(its, i + 2) === "clock")) return mkTime(it.n, 0, its, i + (nw === "o" ? 3 : 2));
        var dp = dayPart(its, i + 1);
        if (dp) return mkTime(it.n, 0, its, i + 1);
        /* seven thirty (am), seven oh five, twelve fifteen */
        var mi = its[i + 1];
        if (nw === "oh" && its[i + 2] && its[i + 2].n !== null && its[i + 2].n >= 0 && its[i + 2].n <= 9 && its[i + 2].words) {
          return mkTime(it.n, its[i + 2].n, its, i + 3);
        }
        if (it.words && mi && mi.words && mi.n !== null && mi.n >= 10 && mi.n <= 59 && !unitAt(its, i + 2)) {
          if (word(its, i + 2) === "oclock") return mkTime(it.n, mi.n, its, i + 3);
          return mkTime(it.n, mi.n, its, i + 2);
        }
      }
    }
    /* an alarm with a bare hour: "alarm at 7", "wake me at 19" */
    if (intent === "alarm") {
      for (var k = 0; k < its.length; k++) {
        var n = its[k].n;
        if (n !== null && n >= 0 && n <= 23 && Math.floor(n) === n && !its[k].clock && !unitAt(its, k + 1)) return mkTime(n, 0, its, k + 1);
      }
    }
    return null;
  }

  function parse(text, intent) {
    var its = items(lex(text));
    var numbers = [];
    for (var i = 0; i < its.length; i++) {
      if (its[i].clock && !its[i].clock.dot) { numbers.push(its[i].clock.h); numbers.push(its[i].clock.m); }
      else if (its[i].n !== null) numbers.push(its[i].n);
    }
    var total = duration(its);
    if (total < 0 && intent === "timer") {
      /* "timer 5": minutes */
      for (var k = 0; k < its.length; k++) if (its[k].n !== null && !its[k].clock && its[k].n > 0) { total = Math.floor((its[k].n * 120 + 1) / 2); break; }
    }
    var dur = null;
    if (total >= 0) dur = { total: total, hours: Math.floor(total / 3600), minutes: Math.floor(total / 60) % 60, seconds: total % 60 };
    /* A text with a duration ("in 5 minutes") names no clock time unless it has one of its own. */
    var time = intent === "timer" ? null : clockTime(its, intent);
    return { numbers: numbers, duration: dur, time: time };
  }

  /* Words for a duration, for the screen: "1 h 30 min", "45 s". */
  function durationText(d) {
    var parts = [];
    if (d.hours) parts.push(d.hours + " h");
    if (d.minutes) parts.push(d.minutes + " min");
    if (d.seconds || !parts.length) parts.push(d.seconds + " s");
    return parts.join(" ");
  }

  function timeText(t) {
    var m = t.minute < 10 ? "0" + t.minute : String(t.minute);
    return t.hour + ":" + m;
  }

  return { parse: parse, lex: lex, durationText: durationText, timeText: timeText };
})();
