/**
 * The gestures example as the build sees it (compiler/example.ts): the committed GRU, the
 * synthetic data set's training split for calibration and its test split for accuracy and
 * self-test vectors, and the app — the Bangle.js glue (app/app.js + the user's app/actions.js)
 * on boards with Bangle.js gesture events, a print-only classifier on the others (JerryScript).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExampleSpec } from '../../compiler/example';
import { printingAppJs } from '../../compiler/emit/print-app';
import { loadDatasetSource } from '../../compiler/train/dataset-source';
import type { Dataset } from '../../compiler/data/dataset';
import { assembleGesturesApp, defaultGesturesSettings } from './app/assemble';

const HERE = path.dirname(fileURLToPath(import.meta.url));

let data: Promise<Dataset> | undefined;
const dataset = () => (data ??= loadDatasetSource({ generator: 'gestures' }, 'gestures example'));

export const example: ExampleSpec = {
  name: 'gestures',
  appId: 'gestures',
  appName: 'Gestures',
  description: 'Recognizes wrist gestures (swipes, flicks, twist, shake, double tap, circle) on the watch with a tiny int8 GRU built by watchword',
  version: '0.01',
  tags: ['tool', 'gesture', 'ml'],
  model: path.join(HERE, 'model', 'model.json'),
  calibration: async () => (await dataset()).splits.train.map((e) => e.frames),
  testSet: async () => {
    const t = (await dataset()).splits.test;
    return { sequences: t.map((e) => e.frames), targets: t.map((e) => e.label) };
  },
  appJs: ({ runtimeJs, ir, board, appId }) =>
    board.sensors.includes('gesture')
      ? assembleGesturesApp({ runtimeJs, settings: defaultGesturesSettings(appId, ir.input) })
      : printingAppJs(runtimeJs, appId, board),
  readmeExtra: [
    '## Mapping gestures to actions',
    '',
    'Each recognized gesture runs the function of the same name in `actions.js` of the example',
    '(examples/gestures/app/actions.js): edit it and rebuild. `other` (ordinary movement) never triggers.',
  ].join('\n'),
};
