/** TF.js layers-format importer (model.json + weight shards). Placeholder until written. */
import type { ModelIR } from '../ir/types';
import { WatchwordError } from '../errors';
export async function importTfjs(file: string): Promise<ModelIR> {
  throw new WatchwordError(`${file}: the TF.js importer is not written yet`);
}
