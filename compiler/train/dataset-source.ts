/**
 * Where a training run's data comes from: a data set JSON file, or a named example generator
 * that builds one on the fly (deterministically from its options). The registry is the one
 * place that knows which examples ship a generator.
 */
import { WatchwordError } from '../errors';
import { loadDataset, validateDataset, type Dataset } from '../data/dataset';
import type { DatasetSource } from './config';

type Generator = (options: Record<string, unknown>) => Promise<Dataset>;

const GENERATORS: Record<string, { options: string[]; make: Generator }> = {
  gestures: {
    options: ['seed', 'train', 'validation', 'test'],
    make: async (o) => (await import('../../examples/gestures/generate')).generateGestureDataset(o),
  },
  commands: {
    options: ['seed', 'train', 'validation', 'test'],
    make: async (o) => (await import('../../examples/commands/generate')).generateCommandsDataset(o),
  },
};

export function generatorNames(): string[] {
  return Object.keys(GENERATORS);
}

export async function loadDatasetSource(src: DatasetSource, where: string, vocab?: number): Promise<Dataset> {
  if ('file' in src) return loadDataset(src.file, vocab);
  const g = GENERATORS[src.generator];
  if (!g) throw new WatchwordError(`${where}: unknown data set generator "${src.generator}" (known: ${generatorNames().join(', ')})`);
  const opts = src.options ?? {};
  for (const [k, v] of Object.entries(opts)) {
    if (!g.options.includes(k)) throw new WatchwordError(`${where}: generator "${src.generator}" has no option "${k}" (known: ${g.options.join(', ')})`);
    if (k !== 'seed' && (!Number.isInteger(v) || (v as number) < 1)) throw new WatchwordError(`${where}: generator option "${k}" must be a positive integer, got ${JSON.stringify(v)}`);
    if (k === 'seed' && typeof v !== 'number' && typeof v !== 'string') throw new WatchwordError(`${where}: generator option "seed" must be a number or string`);
  }
  // Generated data is checked like a file, so a generator bug cannot slip through as training data.
  return validateDataset(await g.make(opts), `generator ${src.generator}`, vocab);
}
