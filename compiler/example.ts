/**
 * What an example (examples/<name>/example.ts) gives the build: the committed model, the data
 * used to calibrate and to measure accuracy, the app's identity, and the app code for a board
 * (the glue around the runtime). `loadExample(name)` finds it by folder name, so adding an
 * example needs no change here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BoardProfile } from '../boards/types';
import { WatchwordError } from './errors';
import type { ModelIR } from './ir/types';

export const EXAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../examples');

export interface LabelledSequences { sequences: number[][][]; targets: number[] }

export interface AppContext {
  /** The ES5 runtime bundle (defines the global `watchword`). */
  runtimeJs: string;
  ir: ModelIR;
  board: BoardProfile;
  appId: string;
}

export interface ExampleSpec {
  name: string;
  appId: string;
  appName: string;
  shortName?: string;
  description: string;
  version: string;
  tags: string[];
  /** The committed trained model (absolute path). */
  model: string;
  /** Representative sequences (device units) to calibrate activation ranges on. */
  calibration(): Promise<number[][][]>;
  /** The held-out set the build reports accuracy on (and takes self-test vectors from). */
  testSet(): Promise<LabelledSequences>;
  /** The app code for `ctx.board` (runtime + glue), ES5; the model is read as compiler/package/types.ts says. */
  appJs(ctx: AppContext): string;
  /** Extra Markdown for the app's README (how to edit actions, ...). */
  readmeExtra?: string;
}

export function exampleNames(): string[] {
  return fs.readdirSync(EXAMPLES_DIR).filter((n) => fs.existsSync(path.join(EXAMPLES_DIR, n, 'example.ts'))).sort();
}

export async function loadExample(name: string): Promise<ExampleSpec> {
  if (!/^[a-z0-9_-]+$/i.test(name) || !exampleNames().includes(name)) {
    throw new WatchwordError(`unknown example "${name}" (known: ${exampleNames().join(', ')})`);
  }
  const mod = await import(pathToFileURL(path.join(EXAMPLES_DIR, name, 'example.ts')).href);
  return mod.example as ExampleSpec;
}
