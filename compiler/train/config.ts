/**
 * The training config read by `watchword train --config <file>`, validated field by field so
 * a typo fails before minutes of training, with the file and field named:
 *
 *   { "dataset": "data.json" | {"file": "data.json"} | {"generator": "gestures", "options": {...}},
 *     "model": { "type": "gru"|"lstm"|"simple_rnn", "units": 24, "layers": 1,
 *                "recurrentActivation": "sigmoid"|"hard_sigmoid",   (GRU/LSTM; default sigmoid)
 *                "activation": "tanh"|"relu",                          (SimpleRNN; default tanh)
 *                "embedding": {"vocab": 32, "dim": 8},                 (token inputs; optional)
 *                "dense": [{"units": 16, "activation": "relu"}] },     (hidden head; optional)
 *     "epochs": 40, "batchSize": 32, "learningRate": 0.005, "seed": 1, "out": "model" }
 *
 * The output layer (Dense softmax, one unit per label) is always added. Relative paths are
 * resolved against the config file's folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../errors';

export type DatasetSource = { file: string } | { generator: string; options?: Record<string, unknown> };

export interface ModelSpec {
  type: 'gru' | 'lstm' | 'simple_rnn';
  units: number;
  layers: number;
  recurrentActivation: 'sigmoid' | 'hard_sigmoid';
  activation: 'tanh' | 'relu';
  embedding?: { vocab: number; dim: number };
  dense: { units: number; activation: 'relu' | 'linear' | 'sigmoid' }[];
}

export interface TrainConfig {
  dataset: DatasetSource;
  model: ModelSpec;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Output folder (absolute after loading). */
  out: string;
  /** Folder relative paths are resolved against. */
  baseDir: string;
}

function posInt(v: unknown, where: string, field: string, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (!Number.isInteger(v) || (v as number) < 1) throw new WatchwordError(`${where}: "${field}" must be a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], where: string, field: string, dflt: T): T {
  if (v === undefined) return dflt;
  if (!allowed.includes(v as T)) throw new WatchwordError(`${where}: "${field}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Validates a parsed config object; `where` names it in messages. */
export function parseTrainConfig(raw: unknown, where: string, baseDir: string): TrainConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new WatchwordError(`${where}: the training config must be a JSON object`);
  const c = raw as Record<string, unknown>;
  const known = ['dataset', 'model', 'epochs', 'batchSize', 'learningRate', 'seed', 'out', '$comment'];
  for (const k of Object.keys(c)) if (!known.includes(k)) throw new WatchwordError(`${where}: unknown field "${k}" (known: ${known.join(', ')})`);

  let dataset: DatasetSource;
  const d = c.dataset;
  if (typeof d === 'string') dataset = { file: path.resolve(baseDir, d) };
  else if (d && typeof d === 'object' && typeof (d as { file?: unknown }).file === 'string') dataset = { file: path.resolve(baseDir, (d as { file: string }).file) };
  else if (d && typeof d === 'object' && typeof (d as { generator?: unknown }).generator === 'string') {
    const g = d as { generator: string; options?: unknown };
    if (g.options !== undefined && (typeof g.options !== 'object' || g.options === null || Array.isArray(g.options))) {
      throw new WatchwordError(`${where}: "dataset.options" must be an object`);
    }
    dataset = { generator: g.generator, options: g.options as Record<string, unknown> | undefined };
  } else throw new WatchwordError(`${where}: "dataset" must be a data set file name, {"file": ...} or {"generator": ..., "options": {...}}`);

  const m = c.model as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') throw new WatchwordError(`${where}: "model" must be an object {type, units, ...}`);
  const type = oneOf(m.type, ['gru', 'lstm', 'simple_rnn'] as const, where, 'model.type', 'gru');
  let embedding: ModelSpec['embedding'];
  if (m.embedding !== undefined && m.embedding !== null) {
    const e = m.embedding as Record<string, unknown>;
    embedding = { vocab: posInt(e.vocab, where, 'model.embedding.vocab'), dim: posInt(e.dim, where, 'model.embedding.dim') };
  }
  const denseRaw = m.dense ?? [];
  if (!Array.isArray(denseRaw)) throw new WatchwordError(`${where}: "model.dense" must be an array of {units, activation}`);
  const dense = denseRaw.map((l: unknown, i: number) => {
    const o = (l ?? {}) as Record<string, unknown>;
    return { units: posInt(o.units, where, `model.dense[${i}].units`), activation: oneOf(o.activation, ['relu', 'linear', 'sigmoid'] as const, where, `model.dense[${i}].activation`, 'relu') };
  });
  const model: ModelSpec = {
    type,
    units: posInt(m.units, where, 'model.units'),
    layers: posInt(m.layers, where, 'model.layers', 1),
    recurrentActivation: oneOf(m.recurrentActivation, ['sigmoid', 'hard_sigmoid'] as const, where, 'model.recurrentActivation', 'sigmoid'),
    activation: oneOf(m.activation, ['tanh', 'relu'] as const, where, 'model.activation', 'tanh'),
    embedding,
    dense,
  };

  const lr = c.learningRate ?? 0.005;
  if (typeof lr !== 'number' || !(lr > 0) || lr > 1) throw new WatchwordError(`${where}: "learningRate" must be a number in (0, 1], got ${JSON.stringify(lr)}`);
  const seed = c.seed ?? 1;
  if (!Number.isInteger(seed) || (seed as number) < 0) throw new WatchwordError(`${where}: "seed" must be a non-negative integer, got ${JSON.stringify(seed)}`);
  const out = c.out ?? 'model';
  if (typeof out !== 'string' || out.length === 0) throw new WatchwordError(`${where}: "out" must be a folder name`);
  return {
    dataset,
    model,
    epochs: posInt(c.epochs, where, 'epochs', 30),
    batchSize: posInt(c.batchSize, where, 'batchSize', 32),
    learningRate: lr,
    seed: seed as number,
    out: path.resolve(baseDir, out),
    baseDir,
  };
}

export function loadTrainConfig(file: string): TrainConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WatchwordError(`${file}: cannot read the training config (${(e as Error).message})`);
  }
  return parseTrainConfig(raw, file, path.dirname(path.resolve(file)));
}
