/**
 * Text commands through a built commands app on the desktop (`watchword simulate --text`).
 * Espruino boards: the app's files are installed in the simulator's Node device, the app is
 * loaded, and each text arrives as Gadgetbridge delivers it — a `GB({t:"notify", ...})` call
 * on the watch's console; the app's Bangle 'watchword' event gives intent, score, slots and
 * the action's result. JerryScript: the build's main.js runs in the JerryScript host (print +
 * WW_MODEL) and each text goes through its `watchwordCommand(text)`, which prints the intent.
 * Texts are untrusted: they reach the device only as escaped string literals.
 */
import path from 'node:path';
import { WatchwordError } from '../../compiler/errors';
import { jsLiteral, jsString } from '../../compiler/package/escape';
import type { BoardProfile } from '../../boards/types';
import { Device, type DeviceError } from '../../simulator/device';
import type { Screen } from '../../simulator/framebuffer';
import { readAppFiles } from '../../simulator/app-files';
import { dataToBytes } from '../../simulator/shims/strings';
import { runJerryMain } from '../../simulator/jerryscript-host';
import { eForBoard } from '../../simulator/engine-run';
import type { EngineName } from '../../simulator/engines/index';

export interface TextCommandResult {
  text: string;
  label: string;
  score: number;
  slots: { numbers?: number[]; duration: { total: number; hours: number; minutes: number; seconds: number } | null; time: { hour: number; minute: number; exact: boolean } | null };
  /** What the app's action did (the line it shows), Bangle.js only. */
  action?: string;
  /** Lines the watch sent to the phone (Gadgetbridge protocol), Bangle.js only. */
  toPhone?: string[];
}

export interface TextSimResult { results: TextCommandResult[]; errors: DeviceError[]; prints: string[] }

export async function simulateTexts(o: { board: BoardProfile; app: string; texts: string[]; engine?: EngineName; onPrint?: (l: string) => void }): Promise<TextSimResult> {
  if (o.board.engine === 'jerryscript') {
    const after = o.texts.map((t) => `watchwordCommand(${jsString(t)});`).join('\n');
    const r = await runJerryMain(o.app, { engine: o.engine ?? 'quickjs', after: `print("--");\n${after}` });
    const lines = r.lines.slice(r.lines.indexOf('--') + 1);
    lines.forEach((l) => o.onPrint?.(l));
    const results = lines.filter((l) => l.startsWith('intent ')).map((l, i): TextCommandResult => {
      const m = /^intent (\S+) (\d+)% (\{.*?\}) "/.exec(l);
      if (!m) throw new WatchwordError(`${path.join(o.app, 'main.js')}: unexpected output line ${JSON.stringify(l)}`);
      return { text: o.texts[i], label: m[1], score: Number(m[2]) / 100, slots: JSON.parse(m[3]) };
    });
    return { results, errors: [], prints: r.lines };
  }
  if (o.engine && o.engine !== 'node') throw new WatchwordError(`--text runs on the node engine for board ${o.board.id} (the Gadgetbridge message path is simulated there)`);
  const app = readAppFiles(o.app);
  const sc = o.board.screen;
  let screen: Screen | null = null;
  if (sc && o.board.features.has('screen')) {
    const bpp = sc.bpp;
    if (bpp !== 1 && bpp !== 3 && bpp !== 16) throw new WatchwordError(`board ${o.board.id}: the simulator has no ${bpp}-bit screen format`);
    screen = { width: sc.width, height: sc.height, bpp };
  }
  const device = new Device({ board: o.board.id, screen, files: app.files, E: eForBoard(o.board), onPrint: o.onPrint });
  // As the App Loader installs: files marked "evaluate" are stored as what they evaluate to.
  for (const name of app.evaluate) {
    const bytes = dataToBytes(device.evaluate(device.storage.module.read(name) as string, name));
    if (!bytes) throw new WatchwordError(`${path.join(app.dir, name)}: does not evaluate to data to store`);
    device.storage.files.set(name, bytes);
  }
  // The watch hardware the actions touch that the shared simulator does not model yet: a full
  // battery, not charging, and Bluetooth lines to the phone collected per command.
  device.run([
    'if (typeof E.getBattery !== "function") E.getBattery = function () { return 100; };',
    'if (typeof Bangle.isCharging !== "function") Bangle.isCharging = function () { return false; };',
    'var __wwPhone = [];',
    'if (typeof Bluetooth === "undefined") global.Bluetooth = { println: function (l) { if (String(l).length) __wwPhone.push(String(l)); } };',
  ].join('\n'), 'simulate-text shims');
  device.load(`${app.id}.app.js`);
  const results: TextCommandResult[] = [];
  device.bangle.Bangle.on('watchword', (e: TextCommandResult) => results.push({ text: String(e.text), label: String(e.label), score: Number(e.score), slots: e.slots, action: e.action === undefined ? undefined : String(e.action) }));
  o.texts.forEach((text, i) => {
    const before = results.length;
    device.run(`GB(${jsLiteral({ t: 'notify', id: i + 1, src: 'watchword simulate', title: '', body: text })});`, `notification ${i + 1}`);
    if (results.length === before) results.push({ text, label: '(no reaction)', score: 0, slots: { duration: null, time: null } });
    const phone = device.evaluate('__wwPhone.splice(0, __wwPhone.length).join("\\n")', 'phone lines');
    if (phone) results[results.length - 1].toPhone = String(phone).split('\n');
  });
  return { results, errors: device.errors, prints: device.prints };
}

/** One line per command: intent, score, slots, action. */
export function formatTextResult(r: TextCommandResult): string {
  const slots: string[] = [];
  const d = r.slots?.duration;
  if (d) slots.push(`duration ${[d.hours ? `${d.hours} h` : '', d.minutes ? `${d.minutes} min` : '', d.seconds || d.total === 0 ? `${d.seconds} s` : ''].filter(Boolean).join(' ')} (${d.total} s)`);
  const t = r.slots?.time;
  if (t) slots.push(`time ${t.hour}:${String(t.minute).padStart(2, '0')}${t.exact ? '' : ' (am or pm)'}`);
  const label = /^[\x21-\x7e]+$/.test(r.label) ? r.label : JSON.stringify(r.label);
  return `${JSON.stringify(r.text)} -> ${label} (score ${r.score.toFixed(2)})${slots.length ? '  ' + slots.join(', ') : ''}${r.action !== undefined ? `  action: ${r.action}` : ''}${r.toPhone ? `  to phone: ${r.toPhone.join(' ')}` : ''}`;
}
