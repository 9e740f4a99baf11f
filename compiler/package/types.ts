/**
 * What the packager takes and gives back. The build command (import -> quantize -> plan ->
 * emit -> package) fills a `PackageInput`; `packageApp` (index.ts) turns it into the files of
 * `dist/<BOARD>/<app-id>/`. The packager treats the code and model as opaque: it adds the
 * per-board wrapping (App Loader metadata, icon, upload script, C header), checks budgets and
 * writes the folder atomically.
 *
 * How the emitted code finds the model (a contract between emit and package):
 * - Espruino boards: `require("Storage").readArrayBuffer(<modelStorageName(appId)>)`, i.e.
 *   `"<id>.ww"`. The upload script writes that Storage file before the app.
 * - JerryScript: the host defines the global `WW_MODEL` (an ArrayBuffer over model.h's bytes)
 *   before running main.js; selftest.js defines it itself from embedded bytes.
 */
import type { BoardProfile } from '../../boards/types';

/** Global the JerryScript host binds the model ArrayBuffer to. */
export const JERRY_MODEL_GLOBAL = 'WW_MODEL';

/** Storage file name of the model on Espruino boards. */
export function modelStorageName(appId: string): string {
  return `${appId}.ww`;
}

/** Storage file name the Espruino selftest.js stores its code under before load()ing it. */
export function selftestStorageName(appId: string): string {
  return `${appId}.test.js`;
}

/** RAM the runtime allocates at load (from the plan); the budget turns it into JS variables / heap. */
export interface RuntimeRam {
  /** Total bytes of the typed arrays the runtime allocates once at load (state, scratch, outputs). */
  typedArrayBytes: number;
  /** How many typed arrays (allocated ones plus views onto the model file); each costs a few variables. */
  typedArrays: number;
}

/** Figures the earlier stages measured or estimated; the packager adds sizes and RAM and writes report.md/json. */
export interface ReportFacts {
  /** Model name and where it came from (file, format). */
  model: string;
  source?: string;
  layers?: { name: string; kind: string; shape: string; params: number; macs: number }[];
  params?: number;
  macsPerStep?: number;
  /** Estimated milliseconds per time step on this board (from the plan's cost model). */
  msPerStep?: number | null;
  /** Accuracy on the evaluation set, 0..1, of the float model and the int8 build. */
  accuracy?: { float: number | null; int8: number | null; samples?: number };
  /** Fraction of weights that are zero (0..1). */
  sparsity?: number | null;
  /** Self-test vectors embedded in selftest.js. */
  selftestVectors?: number;
  /** Free-form notes (kernel choice etc.), one line each. */
  notes?: string[];
}

export interface ChangeLogEntry { version: string; changes: string }

export interface PackageInput {
  board: BoardProfile;
  /** App id: lower-case letters and digits (becomes Storage names `<id>.app.js`, `<id>.ww`...). */
  appId: string;
  /** Display name. */
  appName: string;
  /** Launcher name (<= 12 characters suggested); defaults to appName when short. */
  shortName?: string;
  description: string;
  /** BangleApps-style version, e.g. "0.01". */
  version: string;
  /** Oldest first; the last entry's version must equal `version`. Default: one "First build" entry. */
  changelog?: ChangeLogEntry[];
  /** BangleApps tags (comma-free words). */
  tags?: string[];
  /** The ES5 runtime + glue, already minified; reads the model as described above. */
  appJs: string;
  /** The `.ww` model file. */
  modelBytes: Uint8Array;
  /** ES5 self-test (runtime + vectors) that prints `watchword selftest ...`; reads the model like appJs. */
  selftestJs: string;
  /** Class labels, in output order (shown in README/report; the model file carries its own copy). */
  labels: string[];
  ram: RuntimeRam;
  report: ReportFacts;
  /** Extra Markdown for the README (e.g. the actions.js how-to), inserted verbatim. */
  readmeExtra?: string;
}

/** One generated file: its name inside the app folder and its exact bytes. */
export interface OutFile { name: string; bytes: Uint8Array }

export interface PackageResult {
  /** Absolute path of dist/<BOARD>/<app-id>. */
  dir: string;
  files: { name: string; bytes: number }[];
  budget: import('./budget').BudgetReport;
}
