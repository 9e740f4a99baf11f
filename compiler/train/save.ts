/**
 * Saves a TF.js LayersModel in the layers format, byte for byte as `model.save('file://dir')`
 * of tfjs-node writes it (model.json + weights.bin), without needing tfjs-node: we capture
 * the model artifacts through `tf.io.withSaveHandler` and write the two files ourselves.
 * watchword's own metadata (input description, labels) rides in `userDefinedMetadata.watchword`.
 * Files are written to a temporary name and renamed, so a failed save leaves the old model.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';

export async function saveTfjsModel(model: tf.LayersModel, dir: string, watchword?: unknown): Promise<void> {
  if (watchword !== undefined) model.setUserDefinedMetadata({ watchword } as Record<string, unknown> as never);
  fs.mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    const weightsFile = 'weights.bin';
    const json = {
      modelTopology: a.modelTopology,
      format: a.format,
      generatedBy: a.generatedBy,
      convertedBy: a.convertedBy ?? null,
      weightsManifest: [{ paths: [`./${weightsFile}`], weights: a.weightSpecs }],
      ...(a.userDefinedMetadata ? { userDefinedMetadata: a.userDefinedMetadata } : {}),
    };
    const data = a.weightData as ArrayBuffer;
    const tmpW = path.join(dir, `.${weightsFile}.tmp`);
    const tmpJ = path.join(dir, '.model.json.tmp');
    fs.writeFileSync(tmpW, Buffer.from(data));
    fs.writeFileSync(tmpJ, JSON.stringify(json));
    fs.renameSync(tmpW, path.join(dir, weightsFile));
    fs.renameSync(tmpJ, path.join(dir, 'model.json'));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
  }));
}
