/**
 * The main job end to end: `watchword build` for the default example on BANGLEJS2 and on
 * JERRYSCRIPT, into a temporary dist root. The self-tests the build writes are run on the
 * simulated device / the JerryScript host on every available engine and must be N/N exact;
 * building twice gives byte-identical files; model.h compiles and equals the .ww.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getBoard } from '../boards/index';
import { buildBoard } from '../compiler/index';
import { modelHeaderBytes } from '../compiler/package/jerryscript';
import { engineAvailable } from '../simulator/engines/index';
import { selftestOnEngine, SIM_ENGINES } from '../simulator/engine-run';
import { runJerrySelftest } from '../simulator/jerryscript-host';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-build-'));
const SELFTEST = /^watchword selftest gestures (\w+): (\d+)\/(\d+) exact, [\d.]+ ms\/step, (\d+|n\/a) vars$/;

function readAll(dir: string): Map<string, Buffer> {
  return new Map(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

describe('watchword build (gestures example)', function () {
  this.timeout(300000);
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('BANGLEJS2: writes every file, reports int8 within 1 point of float, deterministic', async () => {
    const a = await buildBoard({ board: 'BANGLEJS2', distRoot: path.join(tmp, 'a'), quiet: true });
    const files = fs.readdirSync(a.dir).sort();
    for (const f of ['gestures.app.js', 'gestures.ww', 'gestures.img', 'gestures.info', 'metadata.json', 'ChangeLog', 'README.md', 'upload.js', 'selftest.js', 'report.md', 'report.json']) {
      expect(files, f).to.include(f);
    }
    expect(a.accuracy.float).to.be.greaterThan(0.95);
    expect(Math.abs(a.accuracy.float - a.accuracy.int8)).to.be.at.most(0.01);
    const rep = JSON.parse(fs.readFileSync(path.join(a.dir, 'report.json'), 'utf8'));
    expect(JSON.stringify(rep)).to.include('"int8"');
    const b = await buildBoard({ board: 'BANGLEJS2', distRoot: path.join(tmp, 'b'), quiet: true });
    const fa = readAll(a.dir), fb = readAll(b.dir);
    expect([...fb.keys()]).to.deep.equal([...fa.keys()]);
    for (const [f, bytes] of fa) expect(bytes.equals(fb.get(f)!), `${f} differs between two builds`).to.equal(true);
  });

  it('BANGLEJS2: selftest.js is N/N exact on the simulated watch on every engine', async () => {
    const dir = path.join(tmp, 'a', 'BANGLEJS2', 'gestures');
    for (const engine of SIM_ENGINES) {
      if (!engineAvailable(engine)) { console.log(`      NOTE: ${engine} not installed; skipped`); continue; }
      const r = await selftestOnEngine(engine, getBoard('BANGLEJS2'), dir);
      expect(r.errors, engine).to.deep.equal([]);
      const line = r.prints.find((l) => l.startsWith('watchword selftest'));
      const m = SELFTEST.exec(line ?? '');
      expect(m, `${engine}: ${r.prints.join(' | ')}`).to.not.equal(null);
      expect(m![2]).to.equal(m![3]);
      expect(Number(m![3])).to.equal(16);
    }
  });

  it('JERRYSCRIPT: model.h compiles and equals the .ww; selftest.js exact under a print-only host', async () => {
    const r = await buildBoard({ board: 'JERRYSCRIPT', distRoot: path.join(tmp, 'j'), quiet: true });
    const h = fs.readFileSync(path.join(r.dir, 'model.h'), 'utf8');
    expect(Buffer.from(modelHeaderBytes(h)).equals(fs.readFileSync(path.join(r.dir, 'gestures.ww')))).to.equal(true);
    // A firmware source that includes the header and hands the bytes on, as the README's snippet does.
    const src = path.join(tmp, 'firmware.c');
    fs.writeFileSync(src, `#include <stdint.h>\n#include "${path.join(r.dir, 'model.h')}"\nconst uint8_t *model_bytes(uint32_t *n) { *n = ww_model_gestures_length; return ww_model_gestures; }\n`);
    const cc = spawnSync('cc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-c', src, '-o', path.join(tmp, 'firmware.o')], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).to.equal(0);
    for (const engine of ['quickjs', 'duktape'] as const) {
      if (!engineAvailable(engine)) { console.log(`      NOTE: ${engine} not installed; skipped`); continue; }
      const out = await runJerrySelftest(r.dir, { engine });
      const m = SELFTEST.exec(out.lines.find((l) => l.startsWith('watchword selftest')) ?? '');
      expect(m, `${engine}: ${out.lines.join(' | ')}`).to.not.equal(null);
      expect(m![1]).to.equal('JERRYSCRIPT');
      expect(m![2]).to.equal(m![3]);
    }
  });

  it('a --model that does not fit the example\'s data fails with one line naming both', () => {
    const r = spawnSync('node', ['bin/watchword.js', 'build', '--model', 'examples/commands/model/model.json', '--out', path.join(tmp, 'mismatch')], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/model\.json: the model takes 1 value\(s\) per step, but example "gestures" delivers 3/);
    expect(fs.existsSync(path.join(tmp, 'mismatch'))).to.equal(false);
  });

  it('a board the model does not fit fails with a budget error naming the figures, from the CLI', () => {
    const r = spawnSync('node', ['bin/watchword.js', 'build', '--board', 'BANGLEJS', '--out', path.join(tmp, 'small')], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('watchword:'))).to.have.length(1);
    expect(r.stderr).to.match(/BANGLEJS: the build does not fit: estimated [\d,]+ JS variables .* exceed the [\d,]+ available/);
    expect(fs.existsSync(path.join(tmp, 'small', 'BANGLEJS', 'gestures'))).to.equal(false);
  });
});
