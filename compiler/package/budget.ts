/**
 * Will the build fit? Storage bytes on the device and RAM (Espruino JS variables or the
 * JerryScript heap), estimated from the real files and code and checked against the board
 * profile. A build that does not fit fails here, before anything is written, with a
 * WatchwordError naming the figures.
 *
 * The RAM estimate is structural, not measured (selftest.js prints the measured figure on a
 * device): the app code is parsed with acorn and each construct that lives in RAM while the
 * app runs is charged. On Espruino, code loaded from a memory-mapped Storage file stays in
 * flash (functions reference it), so the charge is per function, variable, literal element and
 * string byte; typed arrays cost one variable per `bytesPerVariable` bytes plus headers. A
 * reserve (default 25%) is kept for the firmware, launcher, widgets and temporaries during a
 * step. On JerryScript the byte code is charged at one heap byte per source byte (compiled code
 * of minified source is of that order) plus object and typed-array sizes. On Espruino the
 * install itself is checked too, from the longest statement of the generated upload.js (the
 * espruino CLI sends a Storage file as chunked `Storage.write(name, "<chunk>", offset)` lines,
 * each of which Espruino holds twice while it parses it).
 */
import * as acorn from 'acorn';
import { WatchwordError } from '../errors';
import type { BoardProfile } from '../../boards/types';
import type { RuntimeRam } from './types';

/** Fraction of RAM left for the firmware, launcher/widgets and temporaries. */
export const DEFAULT_RAM_RESERVE = 0.25;

/** Espruino charges (variables) per construct; JerryScript charges (bytes). */
const ESPRUINO_VARS = { fn: 4, decl: 2, element: 2, typedArray: 3 };
const JERRY_BYTES = { fn: 48, decl: 8, element: 16, typedArray: 32, baseline: 4096 };

export interface CodeShape {
  functions: number;
  declarations: number;
  /** Object-literal properties plus array-literal elements. */
  elements: number;
  /** UTF-16 code units of string literals. */
  stringChars: number;
}

/** Counts the RAM-relevant constructs of a script (throws a WatchwordError if it does not parse). */
export function codeShape(code: string, what = 'app code'): CodeShape {
  let ast: acorn.Node;
  try {
    ast = acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' });
  } catch (e) {
    throw new WatchwordError(`${what} is not valid ES5: ${(e as Error).message}`);
  }
  const shape: CodeShape = { functions: 0, declarations: 0, elements: 0, stringChars: 0 };
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { for (const n of node) visit(n); return; }
    const n = node as { type?: string; [k: string]: unknown };
    switch (n.type) {
      case 'FunctionDeclaration': case 'FunctionExpression': shape.functions++; break;
      case 'VariableDeclarator': shape.declarations++; break;
      case 'ObjectExpression': shape.elements += (n.properties as unknown[]).length; break;
      case 'ArrayExpression': shape.elements += (n.elements as unknown[]).length; break;
      case 'Literal': if (typeof n.value === 'string') shape.stringChars += (n.value as string).length; break;
    }
    for (const k of Object.keys(n)) if (k !== 'type' && k !== 'start' && k !== 'end') visit(n[k]);
  };
  visit(ast);
  return shape;
}

export interface StorageFileSize { name: string; bytes: number }

export interface BudgetInput {
  /** Files written to the device's Storage (model, app, icon, info); empty for JerryScript. */
  storageFiles: StorageFileSize[];
  appJs: string;
  modelBytes: number;
  ram: RuntimeRam;
  /** Override the RAM reserve fraction (0..0.9). */
  reserve?: number;
  /** Characters of the longest statement upload.js sends (known once the CLI has run; absent = not checked yet). */
  uploadLineChars?: number;
}

export interface StorageBudget { usedBytes: number; capacityBytes: number; files: StorageFileSize[] }
export interface VarsBudget {
  kind: 'jsvars';
  estimatedVariables: number;
  availableVariables: number;
  /** Variables the app may use after the reserve. */
  limitVariables: number;
  bytesPerVariable: number;
  breakdown: { code: number; typedArrays: number; model: number };
  /**
   * Peak variables while upload.js installs the app: its longest statement (a chunked
   * `Storage.write(name, "<chunk>", offset)`), which Espruino holds twice (the REPL's input line
   * and the lexed string literal) at about bytesPerVariable-4 characters per variable.
   */
  uploadVariables: number;
}
export interface HeapBudget {
  kind: 'heap';
  estimatedBytes: number;
  heapBytes: number;
  limitBytes: number;
  breakdown: { code: number; typedArrays: number; baseline: number };
  /** Extra heap selftest.js needs on top of the app: its embedded base64 model and the decoded copy. */
  selftestExtraBytes: number;
}
export interface BudgetReport {
  board: string;
  storage: StorageBudget | null;
  ram: VarsBudget | HeapBudget;
  reserve: number;
  shape: CodeShape;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Bytes a set of files takes in Espruino Storage (header + data padded to the alignment). */
export function storageBytesUsed(board: BoardProfile, files: StorageFileSize[]): number {
  const hdr = board.storageFile?.headerBytes ?? 0;
  const align = board.storageFile?.alignment ?? 1;
  return files.reduce((a, f) => a + hdr + Math.ceil(f.bytes / align) * align, 0);
}

/** Estimates storage and RAM for a build on a board (does not throw on overflow; see checkBudget). */
export function estimateBudget(board: BoardProfile, input: BudgetInput): BudgetReport {
  const reserve = input.reserve ?? DEFAULT_RAM_RESERVE;
  if (!(reserve >= 0 && reserve <= 0.9)) throw new WatchwordError(`RAM reserve ${reserve} is outside 0..0.9`);
  const shape = codeShape(input.appJs);
  const storage = board.storageBytes === null ? null : {
    usedBytes: storageBytesUsed(board, input.storageFiles),
    capacityBytes: board.storageBytes,
    files: input.storageFiles,
  };
  const { typedArrayBytes, typedArrays } = input.ram;
  if (!(Number.isInteger(typedArrayBytes) && typedArrayBytes >= 0 && Number.isInteger(typedArrays) && typedArrays >= 0)) {
    throw new WatchwordError(`runtime RAM figures must be non-negative integers (typedArrayBytes ${typedArrayBytes}, typedArrays ${typedArrays})`);
  }
  let ram: VarsBudget | HeapBudget;
  if (board.memory.kind === 'jsvars') {
    const bpv = board.memory.bytesPerVariable;
    const mapped = board.features.has('storageMappedFiles');
    let code = shape.functions * ESPRUINO_VARS.fn + shape.declarations * ESPRUINO_VARS.decl +
      shape.elements * ESPRUINO_VARS.element + Math.ceil(shape.stringChars / bpv);
    if (!mapped) code += Math.ceil(input.appJs.length / bpv); // source copied into RAM
    const arrays = typedArrays * ESPRUINO_VARS.typedArray + Math.ceil(typedArrayBytes / bpv);
    const model = mapped ? 1 : 1 + Math.ceil(input.modelBytes / bpv);
    const available = board.memory.variables;
    ram = {
      kind: 'jsvars',
      estimatedVariables: code + arrays + model,
      availableVariables: available,
      limitVariables: Math.floor(available * (1 - reserve)),
      bytesPerVariable: bpv,
      breakdown: { code, typedArrays: arrays, model },
      uploadVariables: 2 * Math.ceil(((input.uploadLineChars ?? 0) * 1.05) / (bpv - 4)), // +5% for JSON escapes
    };
  } else {
    const code = input.appJs.length + shape.functions * JERRY_BYTES.fn + shape.declarations * JERRY_BYTES.decl +
      shape.elements * JERRY_BYTES.element + 2 * shape.stringChars;
    const arrays = typedArrays * JERRY_BYTES.typedArray + typedArrayBytes;
    const heap = board.memory.heapBytes;
    ram = {
      kind: 'heap',
      estimatedBytes: code + arrays + JERRY_BYTES.baseline,
      heapBytes: heap,
      limitBytes: Math.floor(heap * (1 - reserve)),
      breakdown: { code, typedArrays: arrays, baseline: JERRY_BYTES.baseline },
      selftestExtraBytes: 4 * Math.ceil(input.modelBytes / 3) + input.modelBytes,
    };
  }
  return { board: board.id, storage, ram, reserve, shape };
}

/** Throws a WatchwordError naming the figures when the build does not fit. */
export function checkBudget(board: BoardProfile, b: BudgetReport): void {
  const problems: string[] = [];
  if (b.storage && b.storage.usedBytes > b.storage.capacityBytes) {
    const parts = b.storage.files.map((f) => `${f.name} ${fmt(f.bytes)} B`).join(', ');
    problems.push(`Storage needs ${fmt(b.storage.usedBytes)} bytes (${parts}, plus file headers) but ${board.name} has ${fmt(b.storage.capacityBytes)} bytes`);
  }
  if (b.ram.kind === 'jsvars' && b.ram.estimatedVariables > b.ram.limitVariables) {
    const r = b.ram;
    problems.push(`estimated ${fmt(r.estimatedVariables)} JS variables (code ${fmt(r.breakdown.code)}, typed arrays ${fmt(r.breakdown.typedArrays)}, model ${fmt(r.breakdown.model)}) exceed the ${fmt(r.limitVariables)} available to an app (${fmt(r.availableVariables)} variables x ${r.bytesPerVariable} B, ${Math.round(b.reserve * 100)}% kept in reserve)`);
  }
  if (b.ram.kind === 'jsvars' && b.ram.uploadVariables > b.ram.limitVariables) {
    const r = b.ram;
    problems.push(`installing the app needs about ${fmt(r.uploadVariables)} JS variables (its longest statement, held twice while Espruino parses it) but ${fmt(r.limitVariables)} are available (${fmt(r.availableVariables)} variables, ${Math.round(b.reserve * 100)}% kept in reserve)`);
  }
  if (b.ram.kind === 'heap' && b.ram.estimatedBytes > b.ram.limitBytes) {
    const r = b.ram;
    problems.push(`estimated ${fmt(r.estimatedBytes)} bytes of heap (code ${fmt(r.breakdown.code)}, typed arrays ${fmt(r.breakdown.typedArrays)}, engine ${fmt(r.breakdown.baseline)}) exceed the ${fmt(r.limitBytes)} available to an app (${fmt(r.heapBytes)}-byte heap, ${Math.round(b.reserve * 100)}% kept in reserve)`);
  }
  if (problems.length) {
    throw new WatchwordError(`board ${board.id}: the build does not fit: ${problems.join('; ')}. Use a smaller model (fewer units, pruning) or a board with more memory.`);
  }
}
