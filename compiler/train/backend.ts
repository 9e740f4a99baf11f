/**
 * TF.js on the WASM backend (pure JS/WASM from npm, no native build; ~5x faster than the
 * CPU backend for training these models). The .wasm files ship inside the npm package, so
 * nothing is fetched: we point the backend at node_modules.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

let ready: Promise<typeof tf> | undefined;

export function initTf(): Promise<typeof tf> {
  if (!ready) {
    ready = (async () => {
      const require = createRequire(import.meta.url);
      const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      setWasmPaths(dist + path.sep);
      await tf.setBackend('wasm');
      await tf.ready();
      return tf;
    })();
  }
  return ready;
}
