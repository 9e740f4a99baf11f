/* watchword gestures app: what each recognized gesture does. EDIT THIS FILE.
 *
 * Keys are the model's labels (see the app's README.md / report.md for the list); each value is
 * a function called with the recognition result {index, label, score} after the watch has shown
 * the label and buzzed. A label without an entry only shows and buzzes. The special key
 * "_other" runs for labels that have no entry of their own.
 * Plain ES5 (Espruino): var, function, no arrow functions.
 *
 * Examples of what you could put here:
 *   "swipe_left":  function (r) { Bangle.musicControl && Bangle.musicControl("previous"); },
 *   "swipe_right": function (r) { Bangle.musicControl && Bangle.musicControl("next"); },
 *   "double_tap":  function (r) { load(); }  // back to the clock
 */
var ACTIONS = {
  "swipe_left": function (r) { },
  "swipe_right": function (r) { },
  "flick_up": function (r) { },
  "flick_down": function (r) { },
  "twist": function (r) { },
  "shake": function (r) { },
  "double_tap": function (r) { },
  "circle": function (r) { }
};
