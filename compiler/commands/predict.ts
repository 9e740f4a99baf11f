/**
 * `watchword predict <model> --input <file.json>`: runs each sequence through the float
 * reference and prints JSON with, per sequence, the output vector, the argmax index and its
 * label; with "targets" in the input file it also prints the accuracy.
 */
import type { Command } from 'commander';
import { loadModel } from '../import/index';
import { readSequenceFile, targetIndex } from '../data/sequences';
import { argmax, runFloat } from '../reference/float';
import { WatchwordError } from '../errors';

export interface Prediction { output: number[]; index: number; label: string }

export function register(program: Command): void {
  program
    .command('predict')
    .description('run a model on sequences and print outputs, argmax index and label as JSON')
    .argument('<model>', 'TF.js model.json (or its folder) or .onnx file')
    .requiredOption('-i, --input <file>', 'JSON {"sequences": [[[...frame...], ...], ...], "targets"?: [...]} in device units')
    .option('--mode <mode>', 'float (the float reference)', 'float')
    .action(async (file: string, opts: { input: string; mode: string }) => {
      const ir = await loadModel(file);
      const data = readSequenceFile(opts.input, ir.input.features);
      let predictions: Prediction[];
      if (opts.mode === 'float') {
        predictions = data.sequences.map((s) => {
          const out = Array.from(runFloat(ir, s));
          const index = argmax(out);
          return { output: out, index, label: ir.labels[index] };
        });
      } else {
        throw new WatchwordError(`--mode ${opts.mode} is not supported (float)`);
      }
      const result: Record<string, unknown> = { model: ir.name, mode: opts.mode, predictions };
      if (data.targets) {
        const correct = predictions.filter((p, i) => p.index === targetIndex(data.targets![i], ir.labels)).length;
        result.accuracy = correct / predictions.length;
        result.correct = correct;
        result.total = predictions.length;
      }
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}
