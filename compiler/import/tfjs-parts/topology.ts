/**
 * Reads the model topology of a TF.js layers-format model.json into one chain of layer
 * specs, input first. Three spellings exist in the wild and all end up here:
 * - `model.save()` of TF.js: `modelTopology = {class_name, config: {name, layers}}`;
 * - `tensorflowjs_converter` from Keras 2: `modelTopology = {keras_version, backend,
 *   model_config: {class_name, config}}`, first layer carrying `batch_input_shape`;
 * - the same from Keras 3: layers wrapped as `{module, class_name, config, registered_name}`,
 *   `batch_shape` on the InputLayer, dtype policies as objects, and functional
 *   `inbound_nodes` as `{args, kwargs}` with `keras_history` references.
 * A functional model is accepted when its layers form one simple path from the single input
 * to the single output; anything else (branches, merges, shared layers, nested models) is
 * rejected with the layer named, since the device runtime streams a plain stack.
 */
import { WatchwordError } from '../../errors';

export interface LayerSpec {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

export interface Topology {
  /** Model name from the config, if any. */
  modelName?: string;
  /** e.g. 'tfjs-layers 4.22.0', '2.15.0', '3.3.3'; undefined when absent. */
  kerasVersion?: string;
  /** Declared input shape including the batch dimension ([null, steps, features]). */
  inputShape?: (number | null)[];
  /** Layers in execution order, without the InputLayer. */
  layers: LayerSpec[];
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const short = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
};

/** Validates a declared shape: a list of null (unknown) or positive integers. */
function shapeOf(file: string, where: string, v: unknown): (number | null)[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > 4 || v.some((d) => d !== null && !(Number.isInteger(d) && d > 0))) {
    throw new WatchwordError(`${file}: ${where}: input shape ${short(v)} is not a list of null or positive integers`);
  }
  return v as (number | null)[];
}

/** The input shape a layer config declares, with the batch dimension, if it declares one. */
function declaredShape(file: string, l: LayerSpec): (number | null)[] | undefined {
  const c = l.config;
  const where = `layer '${l.name}' (${l.className})`;
  if (c.batch_input_shape !== undefined && c.batch_input_shape !== null) return shapeOf(file, where, c.batch_input_shape);
  if (c.batch_shape !== undefined && c.batch_shape !== null) return shapeOf(file, where, c.batch_shape);
  if (c.input_shape !== undefined && c.input_shape !== null) return [null, ...shapeOf(file, where, c.input_shape)];
  return undefined;
}

function layerSpec(file: string, raw: unknown, i: number): LayerSpec {
  if (!isObj(raw)) throw new WatchwordError(`${file}: layer ${i} of the model config is not an object`);
  const className = raw.class_name;
  if (typeof className !== 'string' || className === '') throw new WatchwordError(`${file}: layer ${i} has no 'class_name'`);
  const config = raw.config;
  if (!isObj(config)) throw new WatchwordError(`${file}: layer ${i} (${className}) has no 'config' object`);
  const name = typeof config.name === 'string' && config.name ? config.name : typeof raw.name === 'string' && raw.name ? raw.name : undefined;
  if (name === undefined) throw new WatchwordError(`${file}: layer ${i} (${className}) has no name`);
  return { className, name, config };
}

/** Layer names a functional node refers to, in both the Keras 2/TF.js and Keras 3 spellings. */
function inboundNames(node: unknown, into: string[], depth = 0): void {
  if (depth > 16) return;
  if (Array.isArray(node)) {
    // Keras 2 / TF.js: a node is a list of [layerName, nodeIndex, tensorIndex, kwargs].
    if (node.length >= 3 && typeof node[0] === 'string' && typeof node[1] === 'number') { into.push(node[0]); return; }
    for (const x of node) inboundNames(x, into, depth + 1);
    return;
  }
  if (isObj(node)) {
    // Keras 3: {args: [...], kwargs: {...}} holding {class_name: '__keras_tensor__', config: {keras_history: [name, i, j]}}.
    const hist = isObj(node.config) ? node.config.keras_history : undefined;
    if (Array.isArray(hist) && typeof hist[0] === 'string') { into.push(hist[0]); return; }
    for (const v of Object.values(node)) inboundNames(v, into, depth + 1);
  }
}

/** `input_layers` / `output_layers`: [[name, 0, 0], ...] or, in Keras 3, sometimes [name, 0, 0]. */
function endpointNames(file: string, v: unknown, what: string): string[] {
  if (!Array.isArray(v)) throw new WatchwordError(`${file}: the functional model config has no '${what}' list`);
  if (typeof v[0] === 'string') return [v[0]];
  return v.map((e) => {
    if (!Array.isArray(e) || typeof e[0] !== 'string') throw new WatchwordError(`${file}: '${what}' entry ${short(e)} is not [layerName, node, tensor]`);
    return (e as string[])[0];
  });
}

function functionalChain(file: string, config: Record<string, unknown>, raws: unknown[]): LayerSpec[] {
  const specs = raws.map((r, i) => layerSpec(file, r, i));
  const byName = new Map<string, { spec: LayerSpec; inbound: string[] }>();
  specs.forEach((spec, i) => {
    if (byName.has(spec.name)) throw new WatchwordError(`${file}: two layers are named '${spec.name}'`);
    const nodes = (raws[i] as Record<string, unknown>).inbound_nodes;
    if (nodes !== undefined && nodes !== null && !Array.isArray(nodes)) throw new WatchwordError(`${file}: layer '${spec.name}' has an 'inbound_nodes' that is not a list`);
    const list = (nodes as unknown[] | undefined) ?? [];
    if (list.length > 1) throw new WatchwordError(`${file}: layer '${spec.name}' (${spec.className}) is called ${list.length} times; shared layers are not supported`);
    const inbound: string[] = [];
    if (list.length === 1) inboundNames(list[0], inbound);
    byName.set(spec.name, { spec, inbound });
  });
  const ins = endpointNames(file, config.input_layers, 'input_layers');
  const outs = endpointNames(file, config.output_layers, 'output_layers');
  if (ins.length !== 1) throw new WatchwordError(`${file}: the model has ${ins.length} inputs; watchword supports exactly one`);
  if (outs.length !== 1) throw new WatchwordError(`${file}: the model has ${outs.length} outputs; watchword supports exactly one`);
  const chain: LayerSpec[] = [];
  const seen = new Set<string>();
  let cur = outs[0];
  for (;;) {
    const e = byName.get(cur);
    if (!e) throw new WatchwordError(`${file}: the model refers to a layer '${cur}' that is not in its layer list`);
    if (seen.has(cur)) throw new WatchwordError(`${file}: layer '${cur}' feeds itself (a cycle in the model graph)`);
    seen.add(cur);
    chain.unshift(e.spec);
    if (cur === ins[0]) break;
    if (e.inbound.length === 0) throw new WatchwordError(`${file}: layer '${cur}' (${e.spec.className}) has no input but is not the model input '${ins[0]}'`);
    if (e.inbound.length > 1) {
      throw new WatchwordError(`${file}: layer '${cur}' (${e.spec.className}) takes ${e.inbound.length} inputs (${e.inbound.join(', ')}); only a simple chain of layers is supported`);
    }
    cur = e.inbound[0];
  }
  for (const s of specs) {
    if (!seen.has(s.name)) throw new WatchwordError(`${file}: layer '${s.name}' (${s.className}) is not on the path from the input to the output; branches are not supported`);
  }
  return chain;
}

export function parseTopology(file: string, modelTopology: unknown): Topology {
  if (!isObj(modelTopology)) throw new WatchwordError(`${file}: 'modelTopology' is missing or not an object (is this a TF.js layers model.json?)`);
  const kv = modelTopology.keras_version;
  const kerasVersion = typeof kv === 'string' ? kv : undefined;
  // The converter nests the Keras model config one level down; model.save() does not.
  const top = isObj(modelTopology.model_config) ? modelTopology.model_config : modelTopology;
  const cls = top.class_name;
  if (typeof cls !== 'string') throw new WatchwordError(`${file}: the model topology has no 'class_name' (expected Sequential or Model)`);
  let config = top.config;
  let raws: unknown;
  if (Array.isArray(config)) { raws = config; config = {}; } // Keras 2.0/2.1 Sequential: config is the layer list
  else if (isObj(config)) raws = config.layers;
  else throw new WatchwordError(`${file}: the ${cls} model has no 'config' object`);
  const cfg = config as Record<string, unknown>;
  if (!Array.isArray(raws) || raws.length === 0) throw new WatchwordError(`${file}: the ${cls} model has no 'layers' list`);
  let chain: LayerSpec[];
  if (cls === 'Sequential') chain = raws.map((r, i) => layerSpec(file, r, i));
  else if (cls === 'Model' || cls === 'Functional') chain = functionalChain(file, cfg, raws);
  else throw new WatchwordError(`${file}: model class '${cls}' is not supported (Sequential, Model, Functional)`);

  let inputShape: (number | null)[] | undefined;
  if (chain[0].className === 'InputLayer') {
    inputShape = declaredShape(file, chain[0]);
    chain = chain.slice(1);
  } else if (chain.length > 0) {
    inputShape = declaredShape(file, chain[0]);
  }
  if (inputShape === undefined && cfg.build_input_shape !== undefined && cfg.build_input_shape !== null) {
    inputShape = shapeOf(file, 'model build_input_shape', cfg.build_input_shape);
  }
  chain.forEach((l) => {
    if (l.className === 'InputLayer') throw new WatchwordError(`${file}: layer '${l.name}': an InputLayer may only come first`);
  });
  if (chain.length === 0) throw new WatchwordError(`${file}: the model has no layers after its input`);
  return { modelName: typeof cfg.name === 'string' && cfg.name ? cfg.name : undefined, kerasVersion, inputShape, layers: chain };
}
