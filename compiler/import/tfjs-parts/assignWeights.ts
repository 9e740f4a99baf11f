/**
 * Hands each layer of the chain its weights from the manifest, by name. Producers spell the
 * names differently — TF.js `model.save()`: `gru_GRU1/kernel`; the converter from Keras 2:
 * `gru/gru_cell/kernel` (older: `gru/kernel:0`), sometimes under the model's name
 * (`sequential/gru/...`); TimeDistributed: `time_distributed/kernel` or
 * `time_distributed/dense/kernel` — so a weight belongs to the first path component that
 * names a layer of the model, and its role is the last component (`kernel`,
 * `recurrent_kernel`, `bias`, `embeddings`). Only when no weight name mentions any layer
 * (bare `kernel`, `bias`, ... as some Keras 3 exports write) are weights taken in manifest
 * order, which is the order Keras and TF.js write them.
 */
import { WatchwordError } from '../../errors';
import type { LayerSpec } from './topology';
import type { RawWeight } from './weights';

export type Role = 'kernel' | 'recurrent_kernel' | 'bias' | 'embeddings';

/** The roles a layer class owns, in the order Keras writes them; bias only with use_bias. */
export function rolesOf(l: LayerSpec): Role[] {
  const bias = l.config.use_bias !== false;
  const inner = l.className === 'TimeDistributed' ? 'Dense' : l.className;
  switch (inner) {
    case 'Embedding': return ['embeddings'];
    case 'SimpleRNN': case 'GRU': case 'LSTM': return bias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'];
    case 'Dense': return bias ? ['kernel', 'bias'] : ['kernel'];
    default: return [];
  }
}

/** `gru/gru_cell/recurrent_kernel:0` -> 'recurrent_kernel'; undefined when not a known role. */
export function roleOf(name: string): Role | undefined {
  const last = name.replace(/:\d+$/, '').split('/').pop() ?? '';
  const m = /^(kernel|recurrent_kernel|bias|embeddings)(_\d+)?$/.exec(last);
  return m ? (m[1] as Role) : undefined;
}

export function assignWeights(file: string, layers: LayerSpec[], weights: RawWeight[]): Map<string, Map<Role, RawWeight>> {
  const names = new Set(layers.map((l) => l.name));
  const owner = (w: RawWeight): string | undefined => {
    const parts = w.name.replace(/:\d+$/, '').split('/');
    parts.pop();
    return parts.find((p) => names.has(p));
  };
  const owners = weights.map(owner);
  const out = new Map<string, Map<Role, RawWeight>>(layers.map((l) => [l.name, new Map()]));

  if (weights.length > 0 && owners.every((o) => o === undefined)) {
    // Positional: no name mentions a layer.
    let k = 0;
    for (const l of layers) {
      for (const role of rolesOf(l)) {
        const w = weights[k++];
        if (!w) throw new WatchwordError(`${file}: layer '${l.name}' (${l.className}) has no '${role}' weight: the manifest holds only ${weights.length} weights`);
        const r = roleOf(w.name);
        if (r !== undefined && r !== role) throw new WatchwordError(`${file}: weight '${w.name}' is in the place of layer '${l.name}'s ${role} but is named as a ${r}`);
        out.get(l.name)!.set(role, w);
      }
    }
    if (k < weights.length) throw new WatchwordError(`${file}: weight '${weights[k].name}' belongs to no layer of the model`);
    return out;
  }

  weights.forEach((w, i) => {
    const o = owners[i];
    if (o === undefined) throw new WatchwordError(`${file}: weight '${w.name}' belongs to no layer of the model`);
    const l = layers.find((x) => x.name === o)!;
    const role = roleOf(w.name);
    if (role === undefined || !rolesOf(l).includes(role)) {
      throw new WatchwordError(`${file}: weight '${w.name}' is not one layer '${l.name}' (${l.className}) has (expected ${rolesOf(l).join(', ') || 'no weights'})`);
    }
    const m = out.get(o)!;
    if (m.has(role)) throw new WatchwordError(`${file}: layer '${o}' has two '${role}' weights ('${m.get(role)!.name}' and '${w.name}')`);
    m.set(role, w);
  });
  for (const l of layers) {
    for (const role of rolesOf(l)) {
      if (!out.get(l.name)!.has(role)) throw new WatchwordError(`${file}: weight '${l.name}/${role}' of layer '${l.name}' (${l.className}) is missing from the weightsManifest`);
    }
  }
  return out;
}
