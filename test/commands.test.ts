/**
 * The text-command example (examples/commands): the generator is deterministic and keeps its
 * held-out templates out of training; the app's tokenizer equals the one the model was trained
 * with; the slot rules (app/slots.js) read every duration and clock time the generator writes,
 * on Node, QuickJS and Duktape; the glue is ES5; the committed model's float accuracy is the
 * README's; and the assembled app, with a real .ww, acts on a Gadgetbridge notification in the
 * simulator and prints the intent as JerryScript main.js.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import * as acorn from 'acorn';
import { generateCommandTexts, generateCommandsDataset, generateHeldout, neighbourKeys, typo, COMMAND_DEFAULTS, INTENTS } from '../examples/commands/generate';
import { TEMPLATES } from '../examples/commands/templates';
import { ALPHABET, MAX_CHARS, VOCAB_SIZE, tokenize, normalizeText } from '../examples/commands/vocab';
import { validateDataset } from '../compiler/data/dataset';
import { runScript, engineAvailable } from '../simulator/engines/index';

const APP = 'examples/commands/app';
const SLOTS_JS = fs.readFileSync(path.join(APP, 'slots.js'), 'utf8');
const MODEL = 'examples/commands/model/model.json';

function slotsInVm(): { parse(text: string, intent?: string): { numbers: number[]; duration: { total: number; hours: number; minutes: number; seconds: number } | null; time: { hour: number; minute: number; exact: boolean } | null } } {
  const ctx: Record<string, unknown> = {};
  vm.createContext(ctx);
  vm.runInContext(`${SLOTS_JS}\nthis.SLOTS = SLOTS;`, ctx);
  return ctx.SLOTS as ReturnType<typeof slotsInVm>;
}

describe('commands example: data set generator', function () {
  it('is deterministic per seed and split, and a split does not depend on the others\' sizes', function () {
    const a = generateCommandTexts('test', 5, 7).map((t) => t.text);
    const b = generateCommandTexts('test', 5, 7).map((t) => t.text);
    expect(a).to.deep.equal(b);
    expect(generateCommandTexts('test', 5, 8).map((t) => t.text)).to.not.deep.equal(a);
    expect(generateCommandTexts('validation', 5, 7).map((t) => t.text)).to.not.deep.equal(a);
    const small = generateCommandsDataset({ seed: 3, train: 2, validation: 2, test: 4 });
    const big = generateCommandsDataset({ seed: 3, train: 9, validation: 2, test: 4 });
    expect(big.splits.test).to.deep.equal(small.splits.test);
    expect(big.splits.validation).to.deep.equal(small.splits.validation);
  });

  it('writes a valid token data set: every intent in every split, ids < vocab, at most MAX_CHARS steps', function () {
    const ds = validateDataset(generateCommandsDataset({ seed: 1, train: 3, validation: 1, test: 2 }), 'generator', VOCAB_SIZE);
    expect(ds.labels).to.deep.equal([...INTENTS]);
    expect(ds.labels.length).to.be.at.least(11);
    expect(ds.labels).to.include('unknown');
    expect(ds.input).to.include({ deviceType: 'token', features: 1, maxSteps: MAX_CHARS });
    expect(ds.splits.train).to.have.length(3 * INTENTS.length);
    for (const e of [...ds.splits.train, ...ds.splits.test]) {
      expect(e.frames.length).to.be.within(1, MAX_CHARS);
      for (const f of e.frames) expect(f[0]).to.be.within(0, VOCAB_SIZE - 1);
    }
  });

  it('keeps the held-out templates out of train/validation/test', function () {
    for (const intent of INTENTS) {
      const t = TEMPLATES[intent];
      expect(t.seen.length, intent).to.be.at.least(2);
      expect(t.heldout.length, intent).to.be.at.least(2);
      for (const h of t.heldout) expect(t.seen, `${intent}: ${h}`).to.not.include(h);
    }
    for (const split of ['train', 'validation', 'test'] as const) {
      for (const x of generateCommandTexts(split, 20, 1)) expect(TEMPLATES[x.intent].seen, x.text).to.include(x.template);
    }
    const held = generateCommandTexts('heldout', 20, 1);
    for (const x of held) expect(TEMPLATES[x.intent].heldout, x.text).to.include(x.template);
    // The held-out texts are new wordings: hardly any equals a text of the (default-size) train split.
    const train = new Set(generateCommandTexts('train', COMMAND_DEFAULTS.train, 1).map((x) => normalizeText(x.clean)));
    const same = held.filter((x) => train.has(normalizeText(x.clean))).length;
    expect(same / held.length).to.be.below(0.02);
    expect(generateHeldout({ heldout: 2 })).to.have.length(2 * INTENTS.length);
  });

  it('adds typing noise: drops, swaps, doubles and neighbouring QWERTY keys', function () {
    expect(neighbourKeys('s').sort()).to.include.members(['a', 'd', 'w', 'z', 'x']);
    expect(neighbourKeys('g').sort()).to.deep.equal(['b', 'f', 'h', 't', 'v']);
    expect(neighbourKeys('s')).to.not.include('p');
    expect(neighbourKeys('?')).to.deep.equal([]);
    let r = 0;
    const rng = () => { r = (r * 9301 + 49297) % 233280; return r / 233280; };
    const outs = new Set<string>();
    for (let i = 0; i < 200; i++) outs.add(typo(rng, 'start timing'));
    const lens = new Set([...outs].map((s) => s.length - 'start timing'.length));
    expect([...lens].sort()).to.deep.equal([-1, 0, 1]);
    expect(outs.size).to.be.above(30);
    const texts = generateCommandTexts('train', 40, 1);
    const noisy = texts.filter((t) => t.text !== t.clean).length / texts.length;
    expect(noisy).to.be.within(0.2, 0.45);
    expect(texts.some((t) => /[A-Z]/.test(t.text))).to.equal(true);
    expect(texts.some((t) => /[.!?]$/.test(t.text))).to.equal(true);
  });
});

describe('commands example: tokenizer', function () {
  it('the app tokenizes exactly as the model was trained (lowercase, spaces collapsed, other id 0, 48 chars)', function () {
    // The tokenizer both app glues (Bangle.js and JerryScript) are built with.
    const body = fs.readFileSync(path.join(APP, 'tokenize.js'), 'utf8');
    const ctx: Record<string, unknown> = {};
    vm.createContext(ctx);
    vm.runInContext(`var WATCHWORD_APP = {alphabet: ${JSON.stringify(ALPHABET)}, maxChars: ${MAX_CHARS}};\n${body}\nthis.tokenize = watchwordTokenize;`, ctx);
    const appTokenize = ctx.tokenize as (t: string) => number[][];
    const samples = [
      ...generateCommandTexts('test', 10, 2).map((t) => t.text),
      '  Set\tA  TIMER\n for 5 MIN  ', 'Ünïcødé 😀 — “quotes”', '', '   ', 'x'.repeat(100), 'a b'.repeat(30), '7:30 P.M.!',
    ];
    for (const s of samples) {
      const mine = appTokenize(s).map((f) => f[0]);
      expect(mine, JSON.stringify(s)).to.deep.equal(tokenize(s));
      expect(mine.length).to.be.at.most(MAX_CHARS);
    }
    expect(tokenize('Hi!')).to.deep.equal([ALPHABET.indexOf('h') + 1, ALPHABET.indexOf('i') + 1, ALPHABET.indexOf('!') + 1]);
    expect(tokenize('é')).to.deep.equal([0]);
  });
});

describe('commands example: slot rules (app/slots.js)', function () {
  const S = slotsInVm();
  const dur = (t: string, intent = 'timer') => S.parse(t, intent).duration?.total ?? null;
  const time = (t: string, intent = 'alarm') => { const x = S.parse(t, intent).time; return x ? [x.hour, x.minute, x.exact] : null; };

  it('durations', function () {
    expect(S.parse('set a timer for 5 minutes', 'timer').duration).to.deep.equal({ total: 300, hours: 0, minutes: 5, seconds: 0 });
    expect(dur('an hour and a half')).to.equal(5400);
    expect(dur('90 seconds')).to.equal(90);
    expect(dur('half an hour')).to.equal(1800);
    expect(dur('a quarter of an hour')).to.equal(900);
    expect(dur('three quarters of an hour')).to.equal(2700);
    expect(dur('two and a half minutes')).to.equal(150);
    expect(dur('twenty-five mins')).to.equal(1500);
    expect(dur('1h30')).to.equal(5400);
    expect(dur('2h 15m')).to.equal(8100);
    expect(dur('1 hour and 20 minutes')).to.equal(4800);
    expect(dur('3 min 20 s')).to.equal(200);
    expect(dur('1.5 hours')).to.equal(5400);
    expect(dur('a couple of minutes')).to.equal(120);
    expect(dur('timer 5')).to.equal(300);
    expect(dur('start the stopwatch')).to.equal(null);
    expect(dur('half past six', 'alarm')).to.equal(null);
  });

  it('clock times', function () {
    expect(time('7:30 pm')).to.deep.equal([19, 30, true]);
    expect(time('wake me at seven thirty')).to.deep.equal([7, 30, false]);
    expect(time('seven thirty am')).to.deep.equal([7, 30, true]);
    expect(time('six fifteen p.m.')).to.deep.equal([18, 15, true]);
    expect(time('seven oh five')).to.deep.equal([7, 5, false]);
    expect(time('19:45')).to.deep.equal([19, 45, true]);
    expect(time('12 am')).to.deep.equal([0, 0, true]);
    expect(time('12pm')).to.deep.equal([12, 0, true]);
    expect(time("ten o'clock")).to.deep.equal([10, 0, false]);
    expect(time('half past six')).to.deep.equal([6, 30, false]);
    expect(time('quarter to eight')).to.deep.equal([7, 45, false]);
    expect(time('twenty to one')).to.deep.equal([12, 40, false]);
    expect(time('6 in the morning')).to.deep.equal([6, 0, true]);
    expect(time('9 at night')).to.deep.equal([21, 0, true]);
    expect(time('midnight')).to.deep.equal([0, 0, true]);
    expect(time('noon')).to.deep.equal([12, 0, true]);
    expect(time('alarm at 7')).to.deep.equal([7, 0, false]);
    expect(time('alarm at 7', 'unknown')).to.equal(null);
    expect(time('in 5 minutes', 'timer')).to.equal(null);
    expect(S.parse('twenty five and 7', 'unknown').numbers).to.deep.equal([25, 7]);
  });

  it('reads the true slot of every clean generated timer and alarm text (seen and held-out templates)', function () {
    let n = 0;
    for (const split of ['train', 'test', 'heldout'] as const) {
      for (const t of generateCommandTexts(split, 150, 5)) {
        if (t.intent === 'timer') {
          n++;
          expect(S.parse(t.clean, 'timer').duration?.total, t.clean).to.equal(t.slots.seconds);
        } else if (t.intent === 'alarm') {
          n++;
          const x = S.parse(t.clean, 'alarm').time;
          expect(x && [x.hour, x.minute, x.exact], t.clean).to.deep.equal([t.slots.time!.hour, t.slots.time!.minute, t.slots.time!.exact]);
        }
      }
    }
    expect(n).to.equal(900);
  });

  for (const engine of ['quickjs', 'duktape'] as const) {
    it(`gives the same slots on ${engine}`, async function () {
      if (!engineAvailable(engine)) this.skip();
      this.timeout(60000);
      const texts = generateCommandTexts('test', 40, 9).filter((t) => t.intent === 'timer' || t.intent === 'alarm').map((t) => [t.clean, t.intent]);
      texts.push(['set a timer for an hour and a half', 'timer'], ['wake me at seven thirty pm', 'alarm']);
      const script = `${SLOTS_JS}\nvar T = ${JSON.stringify(texts)};\nfor (var i = 0; i < T.length; i++) print(JSON.stringify(SLOTS.parse(T[i][0], T[i][1])));\n`;
      const lines = await runScript(engine, script, { timeoutMs: 30000 });
      expect(lines).to.deep.equal(texts.map(([t, i]) => JSON.stringify(S.parse(t, i))));
    });
  }
});

describe('commands example: app glue', function () {
  it('every glue file is ES5 (acorn ecmaVersion 5) and passes the device ES5 gate', async function () {
    const { es5Check } = await import('../compiler/emit/es5check');
    for (const f of ['tokenize.js', 'slots.js', 'actions.js', 'app.js', 'jerry.js']) {
      const code = fs.readFileSync(path.join(APP, f), 'utf8');
      expect(() => acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' }), f).to.not.throw();
      expect(es5Check(code), f).to.deep.equal([]);
    }
  });

  it('requires only Storage by literal name (optional libraries through a variable, looked up first)', async function () {
    const { requiredModules } = await import('../compiler/package/upload');
    for (const f of ['tokenize.js', 'actions.js', 'app.js', 'slots.js', 'jerry.js']) {
      expect(requiredModules(fs.readFileSync(path.join(APP, f), 'utf8')), f).to.satisfy((m: string[]) => m.every((x) => x === 'Storage'));
    }
  });
});

describe('commands example: the committed model', function () {
  this.timeout(120000);

  it('has the float accuracy the README states, on the test and held-out splits', async function () {
    if (!fs.existsSync(MODEL)) this.skip();
    const { loadModel } = await import('../compiler/import/index');
    const { evaluateCommands } = await import('../examples/commands/evaluate');
    const ir = await loadModel(MODEL);
    expect(ir.labels).to.deep.equal([...INTENTS]);
    expect(ir.input.deviceType).to.equal('token');
    const r = evaluateCommands(ir);
    const readme = fs.readFileSync('examples/commands/README.md', 'utf8');
    const test = /Test split \(seen templates\): float \*\*([\d.]+) %\*\*/.exec(readme);
    const held = /Held-out templates: float \*\*([\d.]+) %\*\*/.exec(readme);
    expect(test, 'README test figure').to.not.equal(null);
    expect(held, 'README held-out figure').to.not.equal(null);
    expect(((100 * r.test.float.correct) / r.test.total).toFixed(2)).to.equal(test![1]);
    expect(((100 * r.heldout.float.correct) / r.heldout.total).toFixed(2)).to.equal(held![1]);
  });
});

describe('commands example: the assembled app with a real model', function () {
  this.timeout(180000);
  let dir = '';
  let ww: Uint8Array;
  let runtimeJs = '';
  let ready = false;
  let reference: (text: string) => { label: string; score: number };

  before(async function () {
    if (!fs.existsSync(MODEL)) this.skip();
    const { loadModel } = await import('../compiler/import/index');
    const { planModel } = await import('../compiler/plan/planModel');
    const { wwBytes } = await import('../compiler/reference/int8');
    const { buildRuntime, RUNTIME_DIR } = await import('../compiler/emit/build-runtime');
    const { getBoard } = await import('../boards/index');
    const ir = await loadModel(MODEL);
    const ds = generateCommandsDataset({ seed: 1, train: 30, validation: 1, test: 1 });
    const plan = planModel(ir, ds.splits.train.map((e) => e.frames), { quiet: true, features: getBoard('BANGLEJS2').features });
    ww = wwBytes(plan);
    const { int8Net, runInt8 } = await import('../compiler/reference/int8');
    const net = int8Net(plan);
    reference = (text) => runInt8(net, tokenize(text).map((id) => [id]));
    runtimeJs = (await buildRuntime({ entry: path.join(RUNTIME_DIR, 'index.ts') })).code;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-commands-'));
    ready = true;
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('Bangle.js: a Gadgetbridge notification sets a 5-minute timer; unknown text is "Not understood"', async function () {
    if (!ready) this.skip();
    const { assembleCommandsApp, defaultCommandsSettings } = await import('../examples/commands/app/assemble');
    const { es5Check } = await import('../compiler/emit/es5check');
    const app = assembleCommandsApp({ runtimeJs, settings: { ...defaultCommandsSettings('commands'), name: 'Cmd "</script>' } });
    expect(() => acorn.parse(app, { ecmaVersion: 5, sourceType: 'script' })).to.not.throw();
    expect(es5Check(app)).to.deep.equal([]);
    const { Device } = await import('../simulator/device');
    const files = new Map<string, Uint8Array>([['commands.app.js', Buffer.from(app, 'latin1')], ['commands.ww', ww]]);
    const { eForBoard } = await import('../simulator/engine-run');
    const { getBoard } = await import('../boards/index');
    // The board's E shim: the runtime picks the Espruino kernels (E.convolve), as on the watch.
    const device = new Device({ board: 'BANGLEJS2', screen: { width: 176, height: 176, bpp: 3 }, files, E: eForBoard(getBoard('BANGLEJS2')) });
    device.load('commands.app.js');
    const events: { label: string; score: number; slots: { duration: { total: number } | null }; action: string }[] = [];
    device.bangle.Bangle.on('watchword', (e: never) => events.push(e));
    device.run('GB({t:"notify", id:1, src:"Gadgetbridge", title:"", body:"Set a timer for 5 minutes"})', 'gb');
    device.run('GB({t:"notify", id:2, src:"Messages", title:"Anna", body:"your package has been delivered"})', 'gb');
    expect(device.errors).to.deep.equal([]);
    expect(events).to.have.length(2);
    // Intent and score are exactly the integer reference's (Espruino kernels through the E shim).
    expect(events[0].label).to.equal(reference('Set a timer for 5 minutes').label);
    expect(events[0].score).to.equal(reference('Set a timer for 5 minutes').score);
    expect(events[0].label).to.equal('timer');
    expect(events[0].slots.duration!.total).to.equal(300);
    expect(events[0].action).to.equal('Timer 5 min');
    expect(events[1].label).to.equal('unknown');
    expect(events[1].action).to.equal('Not understood');
  });

  it('JerryScript main.js prints the intent and slots of each text', async function () {
    if (!ready) this.skip();
    const { assembleCommandsJerry, defaultCommandsSettings } = await import('../examples/commands/app/assemble');
    const { modelHeader } = await import('../compiler/package/jerryscript');
    const { runJerryMain } = await import('../simulator/jerryscript-host');
    const jdir = path.join(dir, 'jerry');
    fs.mkdirSync(jdir);
    fs.writeFileSync(path.join(jdir, 'main.js'), assembleCommandsJerry({ runtimeJs, settings: { ...defaultCommandsSettings('commands'), demo: ['set a timer for 5 minutes'] } }));
    fs.writeFileSync(path.join(jdir, 'model.h'), modelHeader('commands', ww, 'test'));
    const r = await runJerryMain(jdir, { engine: 'quickjs', after: 'watchwordCommand("Wake me up at 7:30 am")' });
    expect(r.lines[0]).to.match(/ready \(14 intents\)/);
    expect(r.lines[1]).to.match(/^intent timer \d+% \{"duration":\{"total":300,"hours":0,"minutes":5,"seconds":0\},"time":null\}/);
    expect(r.lines[2]).to.match(/^intent alarm \d+% \{"duration":null,"time":\{"hour":7,"minute":30,"exact":true\}\}/);
  });
});

/**
 * The real build (`npm run build:board -- --example commands`, BANGLEJS2 and JERRYSCRIPT) into
 * a temporary dist, its self-tests, and `simulate --text` on both: the intent `timer` with the
 * 5-minute slot, on the simulated watch through a Gadgetbridge notification and through
 * JerryScript's main.js.
 */
describe('commands example: build and simulate --text', function () {
  this.timeout(300000);
  let dist = '';
  before(function () { if (!fs.existsSync(MODEL)) this.skip(); dist = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-commands-dist-')); });
  after(() => { if (dist) fs.rmSync(dist, { recursive: true, force: true }); });

  for (const boardId of ['BANGLEJS2', 'JERRYSCRIPT'] as const) {
    it(`builds for ${boardId}: selftest exact, "set a timer for 5 minutes" -> timer, 300 s`, async function () {
      const { buildBoard } = await import('../compiler/index');
      const { getBoard } = await import('../boards/index');
      const { simulateTexts } = await import('../examples/commands/simulate-text');
      const r = await buildBoard({ example: 'commands', board: boardId, distRoot: dist, quiet: true });
      expect(r.accuracy.int8).to.be.at.least(0.95);
      expect(Math.abs(r.accuracy.int8 - r.accuracy.float)).to.be.at.most(0.01);
      const board = getBoard(boardId);
      if (boardId === 'JERRYSCRIPT') {
        const { runJerrySelftest } = await import('../simulator/jerryscript-host');
        const st = await runJerrySelftest(r.dir, { engine: 'quickjs' });
        expect(st.lines.join('\n')).to.match(/16\/16 exact/);
      } else {
        const { selftestOnEngine } = await import('../simulator/engine-run');
        const st = await selftestOnEngine('node', board, r.dir);
        expect(st.prints.join('\n')).to.match(/16\/16 exact/);
      }
      const sim = await simulateTexts({ board, app: r.dir, texts: ['set a timer for 5 minutes', 'next song'] });
      expect(sim.errors).to.deep.equal([]);
      expect(sim.results.map((x) => x.label)).to.deep.equal(['timer', 'music_next']);
      expect(sim.results[0].slots.duration!.total).to.equal(300);
      if (boardId === 'BANGLEJS2') {
        expect(sim.results[0].action).to.equal('Timer 5 min');
        expect(sim.results[1].toPhone).to.deep.equal(['{"t":"music","n":"next"}']);
      }
      // The CLI: watchword simulate --text (what `npm run simulate -- --example commands --text ...` runs).
      const cli = spawnSync('node', ['bin/watchword.js', 'simulate', '--board', boardId, '--app', r.dir, '--text', 'set a timer for 5 minutes'], { encoding: 'utf8' });
      expect(cli.status, cli.stderr).to.equal(0);
      expect(cli.stdout).to.match(/^"set a timer for 5 minutes" -> timer \(score [\d.]+\)  duration 5 min \(300 s\)/m);
      const bad = spawnSync('node', ['bin/watchword.js', 'simulate', '--example', '../x', '--text', 'hi'], { encoding: 'utf8' });
      expect(bad.status).to.equal(2);
      expect(bad.stderr).to.match(/--example "\.\.\/x": expected an example folder name/);
    });
  }
});
