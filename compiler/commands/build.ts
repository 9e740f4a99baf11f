/**
 * `watchword build` (`npm run build:board`): builds an example (or a given model with the
 * example's data and glue) for one board into dist/<BOARD>/<app-id>/ — see compiler/index.ts
 * for the pipeline. Prints where the files went and the headline figures.
 */
import type { Command } from 'commander';
import { BOARD_IDS } from '../../boards/index';
import { buildBoard } from '../index';
import { WatchwordError } from '../errors';
import { SPARSE_MODES, type SparseMode } from '../plan/encoding';

export function register(program: Command): void {
  program
    .command('build')
    .description('import, (prune,) quantize, plan, emit and package a model for a board into dist/<BOARD>/<app-id>/')
    .option('-b, --board <board>', `target board (${BOARD_IDS.join(', ')})`, 'BANGLEJS2')
    .option('-e, --example <name>', 'example whose model, data and app glue to build', 'gestures')
    .option('-m, --model <file>', "build this model file instead of the example's committed one")
    .option('--heap <bytes>', 'JerryScript heap size in bytes (default 65536)')
    .option('--prune <spec>', 'magnitude pruning: a sparsity (0.7 or 70%) or theta=<threshold>')
    .option('--structured <units>', 'structured pruning: remove this many hidden units per recurrent layer')
    .option('--finetune <epochs>', 'fine-tune after pruning (gradual schedule with a sparsity target)')
    .option('--sparse <mode>', `weight encodings: ${SPARSE_MODES.join(', ')} (auto: per matrix by the cost model for the board)`, 'auto')
    .option('--hidden-bits <bits>', 'hidden state width, 8 or 16 (default 8, chosen by measured accuracy)')
    .option('--selftest-vectors <n>', 'test vectors in selftest.js', '16')
    .option('-o, --out <dir>', 'dist root', 'dist')
    .action(async (o: Record<string, string | undefined>) => {
      const int = (v: string | undefined, what: string): number | undefined => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new WatchwordError(`${what} ${v}: expected a non-negative integer`);
        return n;
      };
      const hb = int(o.hiddenBits, '--hidden-bits');
      if (!SPARSE_MODES.includes(o.sparse as SparseMode)) throw new WatchwordError(`--sparse ${o.sparse}: expected one of ${SPARSE_MODES.join(', ')}`);
      if (hb !== undefined && hb !== 8 && hb !== 16) throw new WatchwordError(`--hidden-bits ${hb}: expected 8 or 16`);
      const t0 = Date.now();
      const r = await buildBoard({
        board: o.board, example: o.example, model: o.model, heapBytes: int(o.heap, '--heap'),
        prune: o.prune, pruneUnits: int(o.structured, '--structured'), finetune: int(o.finetune, '--finetune'),
        hiddenBits: hb as 8 | 16 | undefined, sparse: o.sparse as SparseMode, selftestVectors: int(o.selftestVectors, '--selftest-vectors'), distRoot: o.out,
      });
      const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
      process.stdout.write([
        `built ${r.dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        `  model ${r.modelBytes} bytes; accuracy on ${r.accuracy.samples} held-out sequences: float ${pct(r.accuracy.float)}, int8 ${pct(r.accuracy.int8)}`,
        `  files: ${r.files.map((f) => f.name).join(', ')}`,
        '',
      ].join('\n'));
    });
}
