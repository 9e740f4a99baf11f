/**
 * `watchword predict <model> --input <file.json>`: runs each sequence through the float
 * reference and prints JSON with, per sequence, the output vector, the argmax index and its
 * label; with "targets" in the input file it also prints the accuracy.
 * `--mode int8` runs the integer reference instead (calibrated on `--data`'s training split,
 * or on the input sequences themselves when no data set is given) and prints the integer
 * outputs, index, label and score; `--engine node|quickjs|duktape` runs the same plan through
 * the bundled ES5 runtime and a real `.ww` on that engine (simulator/engines) instead of
 * the in-process reference.
 */
import type { Command } from 'commander';
import { loadModel } from '../import/index';
import { readSequenceFile, targetIndex } from '../data/sequences';
import { argmax, runFloat } from '../reference/float';
import { WatchwordError } from '../errors';
import { int8Net, wwBytes } from '../reference/int8';
import { ENGINE_NAMES, engineAvailable, isEngineName } from '../../simulator/engines/index';
import { runModelOnEngine } from '../../simulator/engines/run-model';
import { planModel } from '../plan/planModel';
import { loadDatasetSource, generatorNames } from '../train/dataset-source';

export interface Prediction { output: number[]; index: number; label: string; score?: number }

export function register(program: Command): void {
  program
    .command('predict')
    .description('run a model on sequences and print outputs, argmax index and label as JSON')
    .argument('<model>', 'TF.js model.json (or its folder) or .onnx file')
    .requiredOption('-i, --input <file>', 'JSON {"sequences": [[[...frame...], ...], ...], "targets"?: [...]} in device units')
    .option('--mode <mode>', 'float (the float reference) or int8 (the integer reference)', 'float')
    .option('--data <src>', `int8: calibration data set file or example generator (${generatorNames().join(', ')}); default: the input sequences`)
    .option('--hidden-bits <n>', 'int8: hidden state bits, 8 or 16', '8')
    .option('--engine <engine>', `int8: run the bundled ES5 runtime + .ww on ${ENGINE_NAMES.join('|')} (default: the in-process integer reference)`)
    .action(async (file: string, opts: { input: string; mode: string; data?: string; hiddenBits: string; engine?: string }) => {
      const engine = opts.engine;
      if (engine !== undefined) {
        if (opts.mode !== 'int8') throw new WatchwordError(`--engine ${engine} needs --mode int8 (the float reference runs in Node only)`);
        if (!isEngineName(engine)) throw new WatchwordError(`--engine ${engine}: not one of ${ENGINE_NAMES.join(', ')}`);
        if (!engineAvailable(engine)) throw new WatchwordError(`--engine ${engine}: the \`duk\` binary is not installed (apt-get install duktape)`);
      }
      const ir = await loadModel(file);
      const data = readSequenceFile(opts.input, ir.input.features);
      let predictions: Prediction[];
      if (opts.mode === 'float') {
        predictions = data.sequences.map((s) => {
          const out = Array.from(runFloat(ir, s));
          const index = argmax(out);
          return { output: out, index, label: ir.labels[index] };
        });
      } else if (opts.mode === 'int8') {
        const hb = Number(opts.hiddenBits);
        if (hb !== 8 && hb !== 16) throw new WatchwordError(`--hidden-bits ${opts.hiddenBits}: must be 8 or 16`);
        let calib: number[][][] = data.sequences;
        if (opts.data) {
          const ds = await loadDatasetSource(generatorNames().includes(opts.data) ? { generator: opts.data } : { file: opts.data }, '--data');
          calib = ds.splits.train.map((e) => e.frames);
        }
        const p = planModel(ir, calib, { hiddenBits: hb });
        if (engine !== undefined && isEngineName(engine)) {
          const run = await runModelOnEngine(engine, wwBytes(p), data.sequences);
          predictions = run.results.map((r) => ({ output: r.output, index: r.index, label: ir.labels[r.index], score: r.score / 32768 }));
        } else {
          const net = int8Net(p);
          predictions = data.sequences.map((s) => {
            const st = net.state();
            let out: ArrayLike<number> = [];
            for (const f of s) out = net.step(st, f);
            const c = net.classify(s);
            return { output: Array.from(out), index: c.index, label: c.label, score: c.score };
          });
        }
      } else {
        throw new WatchwordError(`--mode ${opts.mode} is not supported (float, int8)`);
      }
      const result: Record<string, unknown> = { model: ir.name, mode: opts.mode, ...(engine ? { engine } : {}), predictions };
      if (data.targets) {
        const correct = predictions.filter((p, i) => p.index === targetIndex(data.targets![i], ir.labels)).length;
        result.accuracy = correct / predictions.length;
        result.correct = correct;
        result.total = predictions.length;
      }
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}
