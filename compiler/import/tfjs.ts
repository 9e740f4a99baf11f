/**
 * `importTfjs(file)`: a TF.js layers-format model (model.json + weight shards), as written by
 * TF.js `model.save()` or by `tensorflowjs_converter` from a Keras model, into the IR.
 *
 * The work is split by concern under `tfjs-parts/` (not `tfjs/`: a folder named like this
 * file breaks absolute ESM imports): `topology` reads the layer chain (all three producers'
 * spellings), `weights` decodes the manifest and shards (quantized too),
 * `assignWeights` matches weights to layers by name, `convertLayers` translates each layer
 * into the IR's conventions. This file ties them together and fills in what the format does
 * not say — the device input description and the labels — from `userDefinedMetadata.watchword`
 * (written by watchword's trainer) or from defaults. The result is verified.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../errors';
import type { InputSpec, ModelIR } from '../ir/types';
import { verify } from '../ir/verify';
import { outputSize } from '../ir/verify';
import { applyMeta, type WatchwordMeta } from './index';
import { assignWeights } from './tfjs-parts/assignWeights';
import { checkSupported, convertLayers } from './tfjs-parts/convertLayers';
import { isObj, parseTopology } from './tfjs-parts/topology';
import { readWeights } from './tfjs-parts/weights';

export async function importTfjs(file: string): Promise<ModelIR> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new WatchwordError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WatchwordError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObj(json)) throw new WatchwordError(`${file}: not a TF.js model.json (the top level is not an object)`);
  if (json.format !== undefined && json.format !== 'layers-model') {
    const hint = json.format === 'graph-model' ? ' (a graph model: export the Keras/TF.js layers model instead)' : '';
    throw new WatchwordError(`${file}: format ${JSON.stringify(json.format)?.slice(0, 40)} is not a TF.js layers model${hint}`);
  }
  const topo = parseTopology(file, json.modelTopology);
  checkSupported(file, topo.layers);
  if (json.weightsManifest === undefined) throw new WatchwordError(`${file}: has no 'weightsManifest' (the weights are not described)`);
  const raw = readWeights(file, json.weightsManifest);
  const byLayer = assignWeights(file, topo.layers, raw);
  const { layers, tokens } = convertLayers(file, topo.layers, byLayer, topo.kerasVersion);

  // Device input description from the declared shape: [batch, steps, features], or
  // [batch, steps] of token ids in front of an Embedding.
  const first = layers[0];
  const features = tokens ? 1 : first.kind === 'embedding' ? 1 : first.inputSize;
  let maxSteps: number | undefined;
  const shp = topo.inputShape;
  if (shp) {
    const rank = tokens ? 2 : 3;
    if (shp.length !== rank) {
      throw new WatchwordError(`${file}: the input shape [${shp.join(', ')}] should be [batch, steps${tokens ? '' : ', features'}] for a ${tokens ? 'token (Embedding)' : 'sequence'} model`);
    }
    if (!tokens && shp[2] !== null && shp[2] !== features) {
      throw new WatchwordError(`${file}: the input shape declares ${shp[2]} features per step but layer '${first.name}' takes ${features}`);
    }
    if (typeof shp[1] === 'number') maxSteps = shp[1];
  }
  const input: InputSpec = tokens
    ? { features: 1, deviceType: 'token', scale: 1, unit: 'token' }
    : { features, deviceType: 'float', scale: 1, unit: '' };
  if (maxSteps !== undefined) input.maxSteps = maxSteps;

  const width = outputSize({ layers } as ModelIR);
  const ir: ModelIR = {
    name: topo.modelName ?? path.basename(path.dirname(path.resolve(file))),
    input,
    layers,
    labels: Array.from({ length: width }, (_, i) => `class${i}`),
    source: { format: 'tfjs', file },
  };
  const udm = json.userDefinedMetadata;
  if (udm !== undefined && udm !== null) {
    if (!isObj(udm)) throw new WatchwordError(`${file}: 'userDefinedMetadata' is not an object`);
    if (udm.watchword !== undefined) applyMeta(ir, udm.watchword as WatchwordMeta, `${file} (userDefinedMetadata.watchword)`);
  }
  return verify(ir, 'import');
}
