/** ONNX importer. Placeholder until written. */
import type { ModelIR } from '../ir/types';
import { WatchwordError } from '../errors';
export function importOnnx(file: string): ModelIR {
  throw new WatchwordError(`${file}: the ONNX importer is not written yet`);
}
