/**
 * Reads the weights of a TF.js layers-format model: the `weightsManifest` of model.json
 * (groups of weight specs, each group stored in one or more shard files that are
 * concatenated in order) into named float32 arrays.
 *
 * Both producers are covered: `model.save()` (one group, one shard, float32) and
 * `tensorflowjs_converter` (several groups and shards, optionally quantized to
 * uint8/uint16 with `value = q * scale + min`, or to float16). Everything is checked
 * before it is allocated or read — shapes, dtypes, sizes against the bytes actually on
 * disk — so a truncated or corrupted file ends in a WatchwordError naming the file, the
 * weight and the sizes, never in a RangeError from a typed-array view.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../../errors';

export interface RawWeight {
  /** Name as written in the manifest (e.g. `gru/gru_cell/kernel`, maybe with `:0`). */
  name: string;
  shape: number[];
  data: Float32Array;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Bytes per stored value for each storage dtype we can decode into float32. */
const STORED_BYTES: Record<string, number> = { float32: 4, uint8: 1, uint16: 2, float16: 2 };

/** IEEE 754 half precision to number (float16 quantization of tensorflowjs_converter). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Concatenated bytes of one group's shards (g numbered from 1), each resolved next to model.json. */
function readGroup(file: string, paths: unknown, g: number): Buffer {
  if (!Array.isArray(paths) || paths.length === 0) {
    throw new WatchwordError(`${file}: weightsManifest group ${g} has no 'paths' list of shard files`);
  }
  const dir = path.dirname(file);
  const parts: Buffer[] = [];
  for (const p of paths) {
    if (typeof p !== 'string' || p === '') throw new WatchwordError(`${file}: weightsManifest group ${g} has a shard path that is not a file name (${String(JSON.stringify(p)).slice(0, 60)})`);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) || path.isAbsolute(p)) {
      throw new WatchwordError(`${file}: weight shard '${p}' must be a path relative to model.json`);
    }
    // The converter writes plain names; URL-escaped names only occur for unusual characters.
    let rel = p;
    try { rel = decodeURIComponent(p); } catch { /* keep it as written */ }
    const shard = path.join(dir, rel);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(shard);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'is missing' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? (e as Error).message})`;
      throw new WatchwordError(`${file}: weight shard '${p}' (group ${g}) ${why}: ${shard}`);
    }
    parts.push(buf);
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Decodes every weight in the manifest, in manifest order. */
export function readWeights(file: string, manifest: unknown): RawWeight[] {
  if (!Array.isArray(manifest)) throw new WatchwordError(`${file}: 'weightsManifest' must be a list of weight groups`);
  const out: RawWeight[] = [];
  // Groups are numbered from 1 in messages, as the converter numbers its shard files.
  manifest.forEach((group: unknown, g: number) => {
    if (!isObj(group)) throw new WatchwordError(`${file}: weightsManifest group ${g + 1} is not an object`);
    const specs = group.weights;
    if (!Array.isArray(specs)) throw new WatchwordError(`${file}: weightsManifest group ${g + 1} has no 'weights' list`);
    const bytes = readGroup(file, group.paths, g + 1);
    const shardNames = (group.paths as string[]).join(', ');
    let offset = 0;
    specs.forEach((spec: unknown, k: number) => {
      if (!isObj(spec)) throw new WatchwordError(`${file}: weightsManifest group ${g + 1} weight ${k} is not an object`);
      const name = spec.name;
      if (typeof name !== 'string' || name === '') throw new WatchwordError(`${file}: weightsManifest group ${g + 1} weight ${k} has no name`);
      const where = `${file}: weight '${name}'`;
      const shape = spec.shape;
      if (!Array.isArray(shape) || shape.length > 4 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
        throw new WatchwordError(`${where}: shape ${JSON.stringify(shape)?.slice(0, 80)} is not a list of at most 4 non-negative integers`);
      }
      let stored: string;
      const q = spec.quantization;
      if (q !== undefined && q !== null) {
        if (!isObj(q)) throw new WatchwordError(`${where}: 'quantization' is not an object`);
        if (typeof q.dtype !== 'string' || !['uint8', 'uint16', 'float16'].includes(q.dtype)) {
          throw new WatchwordError(`${where}: quantization dtype ${JSON.stringify(q.dtype)} is not supported (uint8, uint16, float16)`);
        }
        if (q.dtype !== 'float16' && !(typeof q.scale === 'number' && Number.isFinite(q.scale) && typeof q.min === 'number' && Number.isFinite(q.min))) {
          throw new WatchwordError(`${where}: ${q.dtype} quantization needs finite numbers 'scale' and 'min'`);
        }
        stored = q.dtype;
      } else {
        stored = spec.dtype as string;
      }
      if (spec.dtype !== 'float32') {
        throw new WatchwordError(`${where}: dtype ${JSON.stringify(spec.dtype)} is not supported (weights must be float32)`);
      }
      const per = STORED_BYTES[stored];
      // Size check before any allocation: a corrupt shape such as [1e9, 1e9] ends here.
      const available = bytes.length - offset;
      let size = 1;
      for (const d of shape as number[]) {
        size *= d;
        if (size * per > available) {
          throw new WatchwordError(
            `${where} (shape [${shape.join(', ')}], ${stored}) needs more bytes than remain in group ${g + 1}'s shards (${shardNames}): ` +
            `only ${available} of ${bytes.length} bytes are left at byte offset ${offset} — the weight file is truncated or does not belong to this model.json`);
        }
      }
      const data = new Float32Array(size);
      const view = new DataView(bytes.buffer, bytes.byteOffset + offset, size * per);
      if (stored === 'float32') {
        for (let i = 0; i < size; i++) data[i] = view.getFloat32(4 * i, true);
      } else if (stored === 'float16') {
        for (let i = 0; i < size; i++) data[i] = halfToFloat(view.getUint16(2 * i, true));
      } else {
        const { scale, min } = q as { scale: number; min: number };
        for (let i = 0; i < size; i++) data[i] = (stored === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true)) * scale + min;
      }
      offset += size * per;
      out.push({ name, shape: (shape as number[]).slice(), data });
    });
    if (offset !== bytes.length) {
      throw new WatchwordError(
        `${file}: weightsManifest group ${g + 1} describes ${offset} bytes of weights but its shards (${shardNames}) hold ${bytes.length} bytes — the weight file does not belong to this model.json`);
    }
  });
  return out;
}
