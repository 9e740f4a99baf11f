/**
 * The shape of a board profile: what the compiler needs to know about a target device to
 * plan, budget and package a model for it. Profiles are data (one file per board, each
 * figure with its source in a comment); compiler code asks `board.features.has(X)` and reads
 * figures, and never branches on a board's name (esbuild's compat-table approach).
 */

/** The JavaScript engine that runs the firmware. */
export type Engine = 'espruino' | 'jerryscript';

/**
 * Capabilities that change what the emitter, packager or budget may do.
 * - `eConvolve`, `eMapInPlace`: Espruino's native dot product / table lookup (absent on
 *   SAVE_ON_FLASH builds).
 * - `eCRC32`: native `E.CRC32` for the model file check.
 * - `storageFiles`: a flash file system (`require("Storage")`) the app and model live in.
 * - `storageMappedFiles`: `Storage.readArrayBuffer` returns a view onto flash (no RAM copy).
 * - `atob`: a global base64 decoder (the espruino CLI's Storage uploads use it).
 * - `typedArrays`: Int8Array & co. with the ES2015 semantics the runtime relies on.
 * - `print`: a global `print(text)` for self-test output.
 * - `processMemory`: `process.memory()` reports JS variables in use (self-test figure).
 * - `launcher`: apps are started from a launcher that reads `<id>.info` and `<id>.img`.
 * - `appLoader`: the BangleApps App Loader can install an app folder (metadata.json…).
 * - `screen`: a display driven through the global Graphics object `g`.
 * - `buzz`: a vibration motor (`Bangle.buzz`).
 * - `unicode`: the firmware is built with ESPR_UNICODE_SUPPORT (labels keep non-Latin-1).
 */
export type Feature =
  | 'eConvolve'
  | 'eMapInPlace'
  | 'eCRC32'
  | 'storageFiles'
  | 'storageMappedFiles'
  | 'atob'
  | 'typedArrays'
  | 'print'
  | 'processMemory'
  | 'launcher'
  | 'appLoader'
  | 'screen'
  | 'buzz'
  | 'unicode';

/** Espruino keeps every JS value in fixed-size "variables" (JsVars). */
export interface JsVarMemory {
  kind: 'jsvars';
  /** JS variables available (the board JSON's `info.variables`). */
  variables: number;
  /** Bytes per variable (Espruino's src/jsutils.h picks 12/13/14/16 from the count). */
  bytesPerVariable: number;
}

/** JerryScript allocates from one fixed heap whose size is chosen when the firmware is built. */
export interface HeapMemory {
  kind: 'heap';
  heapBytes: number;
}

/** Events/sensors an app can use, named as the app glue subscribes to them. */
export type Sensor =
  | 'accel' // streaming accelerometer samples (event or poll)
  | 'gesture' // Bangle.js 'gesture' event: Int8Array x,y,z, raw >> 7
  | 'mag' // magnetometer
  | 'hrm' // heart-rate / PPG
  | 'pressure' // barometer
  | 'gps'
  | 'touch'
  | 'button'
  | 'light'
  | 'temperature'
  | 'mic';

export interface Screen {
  width: number;
  height: number;
  /** Bits per pixel of the display. */
  bpp: number;
}

export interface BoardProfile {
  /** Upper-case id used on the command line and in dist/<BOARD>/ (e.g. 'BANGLEJS2'). */
  id: string;
  /** Human-readable name. */
  name: string;
  engine: Engine;
  /**
   * Board description for the espruino CLI's `--board`, relative to boards/ (so the CLI
   * fetches nothing). Only for boards programmed through the espruino CLI.
   */
  espruinoBoardJson?: string;
  /** BangleApps `supports` device id, for boards with the `appLoader` feature. */
  appLoaderDevice?: string;
  memory: JsVarMemory | HeapMemory;
  /** Bytes of file storage for the app and the model; null when the model is linked into firmware. */
  storageBytes: number | null;
  /**
   * Per-file overhead of the Storage file system: header bytes and alignment
   * (Espruino src/jsflash.h: a 32-byte JsfFileHeader, data padded to 4 bytes).
   */
  storageFile?: { headerBytes: number; alignment: number };
  /** Storage file the app is installed as when there is no launcher (runs at boot). */
  bootFile?: string;
  screen?: Screen;
  sensors: readonly Sensor[];
  features: ReadonlySet<Feature>;
  /** CPU clock in MHz (board JSON `chip.speed`), for latency estimates. */
  cpuMHz: number | null;
}
