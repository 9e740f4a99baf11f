/**
 * Writes examples/gestures/demo-trace.json, the trace `npm run simulate` plays when given no
 * --input: one Bangle.js `gesture` event of each class from the example's own generator
 * (seeded, so the file is reproducible), 3 s apart, each carrying its true label so the
 * simulator can show expected vs recognized. Run: npx tsx examples/gestures/make-demo-trace.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { GESTURE_LABELS, generateGesture } from './generate';

export const DEMO_TRACE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo-trace.json');

export function demoTrace(seed = 'watchword demo'): { kind: 'gesture'; source: string; events: { t: number; label: string; xyz: number[] }[] } {
  const rng = seedrandom(seed);
  const events = GESTURE_LABELS.map((label, i) => ({ t: 2 + 3 * i, label, xyz: Array.from(generateGesture(label, rng)) }));
  return { kind: 'gesture', source: `examples/gestures/make-demo-trace.ts (generator seed ${JSON.stringify(seed)})`, events };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t = demoTrace();
  const body = t.events.map((e) => `    {"t": ${e.t}, "label": ${JSON.stringify(e.label)}, "xyz": [${e.xyz.join(',')}]}`).join(',\n');
  fs.writeFileSync(DEMO_TRACE, `{\n  "kind": "gesture",\n  "source": ${JSON.stringify(t.source)},\n  "events": [\n${body}\n  ]\n}\n`);
  process.stdout.write(`wrote ${DEMO_TRACE} (${t.events.length} events)\n`);
}
