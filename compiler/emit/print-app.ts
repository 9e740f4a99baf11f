/**
 * The app for boards without the example's own glue (JerryScript, or an Espruino board without
 * the sensors the glue listens to): the runtime, the model opened once, and a global
 * `watchwordClassify(seq)` that classifies a whole sequence of frames (device units) and
 * prints `watchword: <label> <score>`. The host (JerryScript firmware, a Puck.js script, the
 * simulator) feeds it. A damaged model prints a clear error instead of throwing at load.
 */
import type { BoardProfile } from '../../boards/types';
import { jsString } from '../package/escape';
import { JERRY_MODEL_GLOBAL, modelStorageName } from '../package/types';

export function printingAppJs(runtimeJs: string, appId: string, board: BoardProfile): string {
  const open = board.engine === 'jerryscript'
    ? JERRY_MODEL_GLOBAL
    : `require("Storage").readArrayBuffer(${jsString(modelStorageName(appId))})`;
  return [
    runtimeJs.trimEnd(),
    'var watchwordNet = null;',
    '(function () {',
    `  var buf = ${open};`,
    `  if (!buf) { print("watchword: model " + ${jsString(appId)} + " not found"); return; }`,
    '  try { watchwordNet = watchword.load(buf); } catch (e) { print("watchword: " + (e && e.message ? e.message : e)); return; }',
    `  print("watchword: " + ${jsString(appId)} + " ready, " + watchwordNet.labels.length + " labels");`,
    '})();',
    'function watchwordClassify(seq) {',
    '  if (!watchwordNet) return null;',
    '  var r = watchwordNet.classify(seq);',
    '  print("watchword: " + r.label + " " + Math.floor(r.score * 100) + "%");',
    '  return r;',
    '}',
    '',
  ].join('\n');
}
