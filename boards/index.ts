/**
 * The board registry: look a board up by its id (case-insensitive) and get its profile.
 * Callers then ask `board.features.has('eConvolve')` or read figures such as
 * `board.memory` and `board.storageBytes`; no code outside boards/ names a board.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WatchwordError } from '../compiler/errors';
import type { BoardProfile } from './types';
import { BANGLEJS2 } from './banglejs2';
import { BANGLEJS } from './banglejs';
import { PUCKJS } from './puckjs';
import { PIXLJS } from './pixljs';
import { MICROBIT2 } from './microbit2';
import { ESP32 } from './esp32';
import { jerryscriptBoard, JERRYSCRIPT_DEFAULT_HEAP_BYTES } from './jerryscript';

export type { BoardProfile, Feature, Engine, Sensor } from './types';
export { JERRYSCRIPT_DEFAULT_HEAP_BYTES };

const FIXED: readonly BoardProfile[] = [BANGLEJS2, BANGLEJS, PUCKJS, PIXLJS, MICROBIT2, ESP32];

/** Every board id, in display order. */
export const BOARD_IDS: readonly string[] = [...FIXED.map((b) => b.id), 'JERRYSCRIPT'];

export interface BoardOptions {
  /** Heap size for heap-based engines (JerryScript); ignored by the others. */
  heapBytes?: number;
}

/** Looks a board up by id; throws a WatchwordError listing the known ids otherwise. */
export function getBoard(id: string, opts: BoardOptions = {}): BoardProfile {
  const key = String(id).trim().toUpperCase();
  if (key === 'JERRYSCRIPT') {
    const heap = opts.heapBytes ?? JERRYSCRIPT_DEFAULT_HEAP_BYTES;
    if (!Number.isInteger(heap) || heap < 4096) {
      throw new WatchwordError(`board JERRYSCRIPT: heap size ${JSON.stringify(opts.heapBytes)} bytes is not an integer >= 4096`);
    }
    return jerryscriptBoard(heap);
  }
  const found = FIXED.find((b) => b.id === key);
  if (!found) throw new WatchwordError(`unknown board ${JSON.stringify(id)}; known boards: ${BOARD_IDS.join(', ')}`);
  return found;
}

/** Absolute path of a board's espruino CLI description (`--board <file>`), if it has one. */
export function espruinoBoardJsonPath(board: BoardProfile): string | undefined {
  if (!board.espruinoBoardJson) return undefined;
  // resolve, not join: a profile may also point at an absolute path (a user's own board file)
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), board.espruinoBoardJson);
}

/**
 * Modules built into the board's firmware (board JSON `info.builtin_modules`). The espruino CLI
 * tries to download any other `require()`d module, so the packager refuses them.
 */
export function builtinModules(board: BoardProfile): string[] {
  const file = espruinoBoardJsonPath(board);
  if (!file) return [];
  let json: { info?: { builtin_modules?: unknown } };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WatchwordError(`board ${board.id}: cannot read its board description ${file}: ${(e as Error).message}`);
  }
  const mods = json?.info?.builtin_modules;
  if (!Array.isArray(mods) || mods.some((m) => typeof m !== 'string')) throw new WatchwordError(`board ${board.id}: ${file} has no info.builtin_modules list`);
  return mods as string[];
}

/** RAM in bytes the profile gives JavaScript (variables x bytes, or the heap). */
export function jsRamBytes(board: BoardProfile): number {
  return board.memory.kind === 'jsvars' ? board.memory.variables * board.memory.bytesPerVariable : board.memory.heapBytes;
}
