/**
 * The text-command example as the build sees it (compiler/example.ts): the committed
 * character-level GRU, the generated data set's training split for calibration and its test
 * split for accuracy and self-test vectors, and the app — the Bangle.js glue (keyboard and
 * Gadgetbridge input, slot rules, the user's actions.js) on boards with a launcher and a
 * screen, a main.js that prints intent and slots on JerryScript, and the print-only classifier
 * on other Espruino boards.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExampleSpec } from '../../compiler/example';
import { printingAppJs } from '../../compiler/emit/print-app';
import { loadDatasetSource } from '../../compiler/train/dataset-source';
import type { Dataset } from '../../compiler/data/dataset';
import { assembleCommandsApp, assembleCommandsJerry, defaultCommandsSettings } from './app/assemble';
import { COMMAND_DEFAULTS } from './generate';

const HERE = path.dirname(fileURLToPath(import.meta.url));

let data: Promise<Dataset> | undefined;
const dataset = () => (data ??= loadDatasetSource({
  generator: 'commands', options: { seed: COMMAND_DEFAULTS.seed, train: COMMAND_DEFAULTS.train, validation: 1, test: COMMAND_DEFAULTS.test },
}, 'commands example'));

export const example: ExampleSpec = {
  name: 'commands',
  appId: 'commands',
  appName: 'Commands',
  shortName: 'Commands',
  description: 'Understands short text commands (timer, alarm, stopwatch, music, find phone, time, battery) typed on the watch or sent from the phone, with a tiny int8 character-level GRU built by watchword',
  version: '0.01',
  tags: ['tool', 'ml', 'messages'],
  model: path.join(HERE, 'model', 'model.json'),
  calibration: async () => (await dataset()).splits.train.map((e) => e.frames),
  testSet: async () => {
    const t = (await dataset()).splits.test;
    return { sequences: t.map((e) => e.frames), targets: t.map((e) => e.label) };
  },
  appJs: ({ runtimeJs, board, appId }) => {
    if (board.engine === 'jerryscript') return assembleCommandsJerry({ runtimeJs, settings: defaultCommandsSettings(appId) });
    if (board.features.has('launcher') && board.features.has('screen')) return assembleCommandsApp({ runtimeJs, settings: defaultCommandsSettings(appId) });
    return printingAppJs(runtimeJs, appId, board);
  },
  readmeExtra: [
    '## Sending commands and mapping them to actions',
    '',
    'Type a command after tapping the screen (needs a keyboard app such as "Touch keyboard", i.e. the',
    '`textinput` library), or send it from the phone as a notification through Gadgetbridge. Text is',
    'lowercased and cut to 48 characters. Each intent runs the function of the same name in',
    '`actions.js` of the example (examples/commands/app/actions.js): edit it and rebuild. Timers and',
    'alarms use the `sched` library ("Scheduler") when it is installed, otherwise they ring inside the',
    'app while it is open. Music commands go to the phone through Gadgetbridge.',
  ].join('\n'),
};
