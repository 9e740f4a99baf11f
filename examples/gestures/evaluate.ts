/**
 * Measures a gesture model on the held-out synthetic test split through watchword's own
 * importer and float reference (loadModel + runFloat), i.e. what `watchword predict` computes,
 * and prints the per-class table and confusion matrix in Markdown for the README.
 *
 *   npx tsx examples/gestures/evaluate.ts [examples/gestures/model/model.json]
 */
import { loadModel } from '../../compiler/import/index';
import { argmax, runFloat } from '../../compiler/reference/float';
import { accuracyTable } from '../../compiler/train/train';
import { generateGestureDataset, GESTURE_DEFAULTS } from './generate';

const file = process.argv[2] ?? 'examples/gestures/model/model.json';
const ir = await loadModel(file);
const ds = generateGestureDataset({ seed: GESTURE_DEFAULTS.seed, train: 1, validation: 1, test: GESTURE_DEFAULTS.test });
const n = ds.labels.length;
const confusion = Array.from({ length: n }, () => new Array(n).fill(0));
for (const e of ds.splits.test) confusion[e.label][argmax(runFloat(ir, e.frames))]++;
const perClass = confusion.map((row, c) => ({ correct: row[c], total: row.reduce((a, b) => a + b, 0) }));
const correct = perClass.reduce((a, p) => a + p.correct, 0);
const total = ds.splits.test.length;
const pct = ((100 * correct) / total).toFixed(2);

const out: string[] = [];
out.push(`Float reference test accuracy: **${pct} %** (${correct} / ${total})`, '');
out.push(accuracyTable(ds.labels, { loss: 0, accuracy: correct / total, perClass, confusion }), '');
out.push('Confusion (rows: true class, columns: predicted):', '');
out.push(`| true \\ predicted | ${ds.labels.join(' | ')} |`, `|---|${ds.labels.map(() => '---:').join('|')}|`);
confusion.forEach((row, c) => out.push(`| ${ds.labels[c]} | ${row.join(' | ')} |`));
process.stdout.write(out.join('\n') + '\n');
