// Board profiles are data: the figures the issue names, cross-checked against the espruino CLI's
// board JSON files they cite (variables, Storage pages, clock, build flags, built-in modules) and
// Espruino's JsVar size rule; JerryScript's heap parameter; lookups; and the rule that compiler
// code asks features instead of naming boards.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { BOARD_IDS, espruinoBoardJsonPath, getBoard, jsRamBytes, JERRYSCRIPT_DEFAULT_HEAP_BYTES } from '../boards/index';
import { SUPPORTS_DEVICES } from '../compiler/package/sanitycheck';
import { WatchwordError } from '../compiler/errors';

/** Espruino src/jsutils.h: JsVar size from JSVAR_CACHE_SIZE. */
function jsVarBytes(vars: number): number {
  if (vars <= 2047) return 12;
  if (vars <= 8191) return 13;
  if (vars <= 16383) return 14;
  return 16;
}

const ISSUE_FIGURES: Record<string, { vars: number; bpv?: number; storage: number }> = {
  BANGLEJS2: { vars: 12000, bpv: 14, storage: 8 * 1024 * 1024 },
  BANGLEJS: { vars: 2584, bpv: 13, storage: 4 * 1024 * 1024 },
  PUCKJS: { vars: 2630, storage: 40 * 1024 },
  PIXLJS: { vars: 2950, storage: 36 * 1024 },
  ESP32: { vars: 16383, storage: 896 * 1024 },
  MICROBIT2: { vars: 6000, storage: 40 * 1024 },
};

describe('board profiles', () => {
  it('lists the seven boards', () => {
    expect(BOARD_IDS).to.deep.equal(['BANGLEJS2', 'BANGLEJS', 'PUCKJS', 'PIXLJS', 'MICROBIT2', 'ESP32', 'JERRYSCRIPT']);
  });

  for (const [id, f] of Object.entries(ISSUE_FIGURES)) {
    it(`${id}: the issue's figures, and each one equals its cited source`, () => {
      const b = getBoard(id);
      expect(b.engine).to.equal('espruino');
      if (b.memory.kind !== 'jsvars') throw new Error('expected jsvars');
      expect(b.memory.variables).to.equal(f.vars);
      if (f.bpv) expect(b.memory.bytesPerVariable).to.equal(f.bpv);
      expect(b.storageBytes).to.equal(f.storage);
      const json = JSON.parse(fs.readFileSync(espruinoBoardJsonPath(b)!, 'utf8'));
      expect(json.info.variables, 'info.variables').to.equal(b.memory.variables);
      expect(json.chip.saved_code.pages * json.chip.saved_code.page_size, 'chip.saved_code').to.equal(b.storageBytes);
      expect(json.chip.speed, 'chip.speed').to.equal(b.cpuMHz);
      expect(b.memory.bytesPerVariable, 'jsutils.h rule').to.equal(jsVarBytes(json.info.variables));
      const defines: string = json.info.build.makefile.join(' ');
      const saveOnFlash = /-DSAVE_ON_FLASH(\s|=|$)/.test(defines);
      expect(b.features.has('eConvolve'), 'eConvolve vs SAVE_ON_FLASH').to.equal(!saveOnFlash);
      expect(b.features.has('eMapInPlace'), 'eMapInPlace vs SAVE_ON_FLASH').to.equal(!saveOnFlash);
      expect(b.features.has('unicode'), 'unicode vs ESPR_UNICODE_SUPPORT').to.equal(/ESPR_UNICODE_SUPPORT=1/.test(defines));
      expect(b.features.has('storageFiles'), 'Storage module').to.equal(json.info.builtin_modules.includes('Storage'));
      expect(json.info.builtin_modules, 'CLI must not try to fetch Storage').to.include('Storage');
      for (const feat of ['atob', 'typedArrays', 'print', 'eCRC32', 'processMemory'] as const) expect(b.features.has(feat), feat).to.equal(true);
      expect(b.storageFile).to.deep.equal({ headerBytes: 32, alignment: 4 });
    });
  }

  it('screens, sensors and install modes', () => {
    expect(getBoard('BANGLEJS2').screen).to.deep.equal({ width: 176, height: 176, bpp: 3 });
    expect(getBoard('BANGLEJS').screen).to.deep.equal({ width: 240, height: 240, bpp: 16 });
    expect(getBoard('PIXLJS').screen).to.deep.equal({ width: 128, height: 64, bpp: 1 });
    for (const id of ['PUCKJS', 'MICROBIT2', 'ESP32', 'JERRYSCRIPT']) expect(getBoard(id).screen, id).to.equal(undefined);
    for (const id of ['BANGLEJS2', 'BANGLEJS']) {
      const b = getBoard(id);
      expect(b.sensors).to.include.members(['accel', 'gesture']);
      expect([...b.features]).to.include.members(['launcher', 'appLoader', 'screen', 'buzz']);
      expect(SUPPORTS_DEVICES).to.include(b.appLoaderDevice);
    }
    for (const id of ['PUCKJS', 'PIXLJS', 'MICROBIT2', 'ESP32']) {
      const b = getBoard(id);
      expect(b.features.has('launcher'), id).to.equal(false);
      expect(b.bootFile, id).to.equal('.bootcde');
    }
    // every board has a screen iff it has the 'screen' feature (micro:bit's LEDs are not a Graphics)
    for (const id of BOARD_IDS) expect(getBoard(id).features.has('screen'), id).to.equal(getBoard(id).screen !== undefined);
  });

  it('JERRYSCRIPT: heap parameter defaulting to 64 KiB, no Storage, no atob, print from the host', () => {
    const j = getBoard('JERRYSCRIPT');
    expect(j.engine).to.equal('jerryscript');
    expect(j.memory).to.deep.equal({ kind: 'heap', heapBytes: 65536 });
    expect(JERRYSCRIPT_DEFAULT_HEAP_BYTES).to.equal(65536);
    expect(j.storageBytes).to.equal(null);
    expect([...j.features].sort()).to.deep.equal(['print', 'typedArrays']);
    expect(getBoard('jerryscript', { heapBytes: 16 * 1024 }).memory).to.deep.equal({ kind: 'heap', heapBytes: 16384 });
    expect(jsRamBytes(getBoard('JERRYSCRIPT', { heapBytes: 70 * 1024 }))).to.equal(71680);
    expect(() => getBoard('JERRYSCRIPT', { heapBytes: 100 })).to.throw(WatchwordError, /heap size 100 bytes/);
    expect(espruinoBoardJsonPath(j)).to.equal(undefined);
  });

  it('lookups are case-insensitive; unknown boards fail listing the known ones', () => {
    expect(getBoard(' banglejs2 ').id).to.equal('BANGLEJS2');
    expect(jsRamBytes(getBoard('BANGLEJS2'))).to.equal(12000 * 14);
    expect(() => getBoard('BANGLEJS3')).to.throw(WatchwordError, /unknown board "BANGLEJS3"; known boards: BANGLEJS2, BANGLEJS, PUCKJS/);
  });

  it('every figure in the board files carries a source comment', () => {
    const dir = path.join(process.cwd(), 'boards');
    for (const f of fs.readdirSync(dir).filter((n) => /^[a-z0-9]+\.ts$/.test(n) && !['index.ts', 'types.ts'].includes(n))) {
      const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/^\s*(variables|bytesPerVariable|storageBytes|cpuMHz):\s*[\d*\s]+,/.test(line)) {
          const commented = line.includes('//') || (lines[i - 1] ?? '').trim().startsWith('//');
          expect(commented, `${f}:${i + 1}: ${line.trim()}`).to.equal(true);
        }
      });
    }
  });

  it('no compiler or runtime code branches on a board name', () => {
    const ids = BOARD_IDS.join('|');
    const bad = new RegExp(`(if\\s*\\(|case\\s|[=!]==?\\s*)[^\\n]*['"\`](${ids})['"\`]|['"\`](${ids})['"\`]\\s*[=!]==?`);
    const offenders: string[] = [];
    const walk = (d: string): void => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ts$/.test(e.name)) {
          fs.readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
            if (bad.test(line)) offenders.push(`${path.relative(process.cwd(), p)}:${i + 1}: ${line.trim()}`);
          });
        }
      }
    };
    walk(path.join(process.cwd(), 'compiler'));
    walk(path.join(process.cwd(), 'runtime'));
    expect(offenders).to.deep.equal([]);
  });
});
