/**
 * `loadModel(file)`: picks the importer by file type (TF.js layers `model.json`, ONNX
 * `.onnx`), then applies watchword metadata the file format cannot carry — the device input
 * description and class labels — from a sidecar `<model>.watchword.json` when present
 * (TF.js models trained by watchword carry the same in `userDefinedMetadata.watchword`).
 * The result is verified before it is returned.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../errors';
import { verify } from '../ir/verify';
import type { InputSpec, ModelIR } from '../ir/types';
import { importTfjs } from './tfjs';
import { importOnnx } from './onnx';

/** Watchword's own metadata, stored beside or inside a model file. */
export interface WatchwordMeta {
  name?: string;
  labels?: string[];
  input?: Partial<InputSpec>;
}

export function sidecarPath(file: string): string {
  const dir = path.dirname(file);
  const base = path.basename(file).replace(/\.(json|onnx)$/i, '');
  return path.join(dir, `${base}.watchword.json`);
}

export function applyMeta(ir: ModelIR, meta: WatchwordMeta | undefined, where: string): ModelIR {
  if (!meta) return ir;
  if (typeof meta !== 'object') throw new WatchwordError(`${where}: watchword metadata must be an object`);
  if (meta.name !== undefined) {
    if (typeof meta.name !== 'string') throw new WatchwordError(`${where}: 'name' must be a string`);
    ir.name = meta.name;
  }
  if (meta.labels !== undefined) {
    if (!Array.isArray(meta.labels) || meta.labels.some((l) => typeof l !== 'string')) {
      throw new WatchwordError(`${where}: 'labels' must be an array of strings`);
    }
    ir.labels = meta.labels.slice();
  }
  if (meta.input !== undefined) {
    if (typeof meta.input !== 'object' || meta.input === null) throw new WatchwordError(`${where}: 'input' must be an object`);
    ir.input = { ...ir.input, ...meta.input };
  }
  return ir;
}

export async function loadModel(file: string): Promise<ModelIR> {
  if (!fs.existsSync(file)) throw new WatchwordError(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) {
    const inner = path.join(file, 'model.json');
    if (fs.existsSync(inner)) return loadModel(inner);
    throw new WatchwordError(`${file}: is a folder without a model.json`);
  }
  let ir: ModelIR;
  if (/\.onnx$/i.test(file)) ir = importOnnx(file);
  else if (/\.json$/i.test(file)) ir = await importTfjs(file);
  else throw new WatchwordError(`${file}: unknown model type (expected a TF.js model.json or an .onnx file)`);
  const side = sidecarPath(file);
  if (fs.existsSync(side)) {
    let meta: WatchwordMeta;
    try {
      meta = JSON.parse(fs.readFileSync(side, 'utf8'));
    } catch (e) {
      throw new WatchwordError(`${side}: not valid JSON (${(e as Error).message})`);
    }
    applyMeta(ir, meta, side);
  }
  return verify(ir, 'import');
}
