/* watchword gesture recorder for Bangle.js (plain ES5, the DESIGN.md subset).
 *
 * Pick a label from the menu, then perform that gesture again and again: every `gesture`
 * event the firmware reports is appended to the Storage file "wwgestures.csv" as one row
 *     label,n,x0,y0,z0,x1,y1,z1,...
 * (n samples of int8 x,y,z, 64 = 1 g), the watch buzzes and the count goes up. The button
 * goes back to the menu. Download the file with
 *     espruino --download wwgestures.csv
 * and build a data set with `watchword data merge wwgestures.csv --out my-gestures.json`.
 *
 * Bangle.setPollInterval(80) keeps the accelerometer at the 12.5 Hz the synthetic data and the
 * trained model assume, and turns off power saving (which would drop to 1.25 Hz after a
 * minute without movement). Gesture detection uses the firmware's default options.
 */
var LABELS = ["swipe_left", "swipe_right", "flick_up", "flick_down", "twist", "shake", "double_tap", "circle", "other"];
var FILE = "wwgestures.csv";
var storage = require("Storage");
var label = null;
var counts = {};

function csvRow(lbl, d) {
  var n = d.length / 3;
  var s = lbl + "," + n;
  for (var i = 0; i < d.length; i++) s += "," + d[i];
  return s + "\n";
}

function draw() {
  var r = Bangle.appRect;
  var cx = r.x + r.w / 2, cy = r.y + r.h / 2;
  g.reset().clearRect(r);
  g.setFontAlign(0, 0).setFont("6x8", 2);
  g.drawString(label, cx, cy - 24);
  g.drawString((counts[label] || 0) + " recorded", cx, cy + 4);
  g.setFont("6x8", 1).drawString("move now - button: menu", cx, cy + 34);
}

function onGesture(d) {
  if (label === null) return;
  storage.open(FILE, "a").write(csvRow(label, d));
  counts[label] = (counts[label] || 0) + 1;
  Bangle.buzz(60);
  draw();
}

function record(lbl) {
  label = lbl;
  E.showMenu();
  Bangle.setUI({ mode: "custom", btn: showMenu, back: showMenu });
  draw();
}

function chooser(lbl) {
  return function () { record(lbl); };
}

function eraseAll() {
  E.showPrompt("Erase all recordings?").then(function (yes) {
    if (yes) storage.open(FILE, "r").erase();
    if (yes) counts = {};
    showMenu();
  });
}

function showMenu() {
  label = null;
  var menu = { "": { title: "Record gesture" } };
  for (var i = 0; i < LABELS.length; i++) menu[LABELS[i] + " (" + (counts[LABELS[i]] || 0) + ")"] = chooser(LABELS[i]);
  menu["Erase file"] = eraseAll;
  E.showMenu(menu);
}

Bangle.setPollInterval(80);
Bangle.on("gesture", onGesture);
Bangle.loadWidgets();
Bangle.drawWidgets();
showMenu();
