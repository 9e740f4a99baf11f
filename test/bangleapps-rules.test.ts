// One test per BangleApps bin/sanitycheck.js rule (plus watchword's additions), each with a
// passing and a failing app folder: a valid fixture must not trip the rule, a mutated one must.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sanityCheckApp, type Problem } from '../compiler/package/sanitycheck';
import { drawIcon, espruinoImage, iconJs, iconPng } from '../compiler/package/icon';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-bangleapps-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Meta = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let serial = 0;

/** A valid App Loader folder `myapp/` in a fresh directory; `mutate` edits metadata and files. */
function fixture(mutate?: (meta: Meta, dir: string) => void): string {
  const dir = path.join(tmp, String(serial++), 'myapp');
  fs.mkdirSync(dir, { recursive: true });
  const bm = drawIcon();
  fs.writeFileSync(path.join(dir, 'app.png'), iconPng(bm));
  fs.writeFileSync(path.join(dir, 'app-icon.js'), iconJs(espruinoImage(bm)));
  fs.writeFileSync(path.join(dir, 'myapp.app.js'), 'var x = require("Storage").readArrayBuffer("myapp.ww");\ng.clear();\n');
  fs.writeFileSync(path.join(dir, 'myapp.ww'), Buffer.from([0x57, 0x57, 0x4d, 0x46, 0, 255, 128]));
  fs.writeFileSync(path.join(dir, 'ChangeLog'), '0.01: First\n0.02: Second\n');
  fs.writeFileSync(path.join(dir, 'README.md'), '# My app\n');
  const meta: Meta = {
    id: 'myapp', name: 'My app', shortName: 'My app', version: '0.02', description: 'Does things',
    icon: 'app.png', type: 'app', tags: 'tool', supports: ['BANGLEJS2'], readme: 'README.md',
    storage: [
      { name: 'myapp.ww', url: 'myapp.ww' },
      { name: 'myapp.app.js', url: 'myapp.app.js' },
      { name: 'myapp.img', url: 'app-icon.js', evaluate: true },
    ],
  };
  mutate?.(meta, dir);
  if (!fs.existsSync(path.join(dir, 'metadata.json'))) fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(meta, null, 2));
  return dir;
}

const file = (dir: string, name: string, text: string | Buffer) => fs.writeFileSync(path.join(dir, name), text);
const rules = (ps: Problem[], level: Problem['level']) => ps.filter((p) => p.level === level).map((p) => p.rule);

interface Case {
  rule: string;
  level?: Problem['level'];
  /** Makes the folder break the rule. */
  fail: (meta: Meta, dir: string) => void;
  /** Optional: a variation that is close to failing but passes. */
  pass?: (meta: Meta, dir: string) => void;
  message?: RegExp;
}

const CASES: Case[] = [
  { rule: 'metadata-json', fail: (_m, d) => file(d, 'metadata.json', '{ "id": "myapp", }'), message: /not valid JSON/ },
  { rule: 'id', fail: (m) => { delete m.id; }, message: /has no id/ },
  { rule: 'directory', fail: (m) => { m.id = 'otherapp'; }, message: /App otherapp has no directory/ },
  { rule: 'name', fail: (m) => { delete m.name; }, message: /has no name/ },
  { rule: 'long-name-shortname', fail: (m) => { m.name = 'A rather long application name'; delete m.shortName; }, pass: (m) => { m.name = 'A rather long application name'; }, message: /long name, but no shortName/ },
  { rule: 'type', fail: (m) => { m.type = 'game'; }, pass: (m) => { m.type = 'app'; }, message: /'type' is one one of/ },
  { rule: 'supports', fail: (m) => { m.supports = ['PUCKJS']; }, pass: (m) => { m.supports = ['BANGLEJS', 'BANGLEJS2']; }, message: /unknown device in 'supports' field - PUCKJS/ },
  { rule: 'supports', fail: (m) => { m.supports = 'BANGLEJS2'; }, message: /no 'supports' field or it's not an array/ },
  { rule: 'version', fail: (m) => { delete m.version; }, message: /has no version/ },
  { rule: 'changelog-name', fail: (_m, d) => fs.renameSync(path.join(d, 'ChangeLog'), path.join(d, 'CHANGELOG.md')), message: /wrongly named ChangeLog \(CHANGELOG\.md\)/ },
  { rule: 'changelog-missing', level: 'warning', fail: (_m, d) => fs.rmSync(path.join(d, 'ChangeLog')), pass: (m, d) => { fs.rmSync(path.join(d, 'ChangeLog')); m.version = '0.01'; }, message: /has no ChangeLog/ },
  { rule: 'changelog-versions', fail: (_m, d) => file(d, 'ChangeLog', 'First release\n'), message: /No versions found/ },
  { rule: 'changelog-version', fail: (_m, d) => file(d, 'ChangeLog', '0.01: First\n0.03: Third\n'), pass: (_m, d) => file(d, 'ChangeLog', '0.09: listed first\n0.02: Second\n'), /* sanitycheck.js compares the LAST entry */ message: /app version \(0\.02\) and ChangeLog \(0\.03\) don't agree/ },
  { rule: 'description', fail: (m) => { m.description = ''; }, message: /has no description/ },
  { rule: 'icon', fail: (m) => { delete m.icon; }, message: /has no icon/ },
  { rule: 'icon', fail: (m) => { m.icon = 'missing.png'; }, message: /icon doesn't exist/ },
  { rule: 'icon-image', fail: (_m, d) => file(d, 'app.png', 'not a png'), message: /is not a PNG image/ },
  { rule: 'screenshots', fail: (m) => { m.screenshots = [{ url: 'shot.png' }]; }, pass: (m, d) => { file(d, 'shot.png', iconPng(drawIcon())); m.screenshots = [{ url: 'shot.png' }]; }, message: /screenshot file shot\.png not found/ },
  { rule: 'screenshots', fail: (m) => { m.screenshots = 'shot.png'; }, message: /screenshots is not an array/ },
  { rule: 'readme', fail: (m) => { m.readme = 'NOPE.md'; }, message: /README file doesn't exist/ },
  { rule: 'readme-linked', fail: (m) => { delete m.readme; }, pass: (m, d) => { delete m.readme; fs.rmSync(path.join(d, 'README.md')); }, message: /has a README in the directory \(README\.md\) but it's not linked/ },
  { rule: 'custom', fail: (m) => { m.custom = 'custom.html'; }, pass: (m, d) => { file(d, 'custom.html', '<html></html>'); m.custom = 'custom.html'; }, message: /custom HTML doesn't exist/ },
  { rule: 'custom', fail: (m) => { m.customConnect = true; }, message: /customConnect but no customn HTML/ },
  { rule: 'interface', fail: (m) => { m.interface = 'interface.html'; }, message: /interface HTML doesn't exist/ },
  { rule: 'dependencies', fail: (m) => { m.dependencies = ['messages']; }, pass: (m) => { m.dependencies = { messages: 'app' }; }, message: /'dependencies' must be an object/ },
  { rule: 'dependencies', fail: (m) => { m.dependencies = { messages: 'library' }; }, message: /must all be tagged 'type\/app\/module\/widget'/ },
  { rule: 'dependencies', fail: (m) => { m.dependencies = { gadget: 'type' }; }, pass: (m) => { m.dependencies = { textinput: 'type' }; }, message: /'type' dependency must be one of/ },
  { rule: 'storage-name', fail: (m) => { m.storage.push({ url: 'README.md' }); }, message: /has a file with no name/ },
  { rule: 'storage-wildcard', fail: (m) => { m.storage.push({ name: 'myapp.*.json', content: '{}' }); }, message: /contains wildcards/ },
  { rule: 'storage-chars', fail: (m) => { m.storage.push({ name: 'my,app.txt', content: 'x' }); }, message: /contains invalid character ","/ },
  { rule: 'storage-chars', fail: (m) => { m.storage.push({ name: 'my;app.txt', content: 'x' }); }, message: /contains invalid character ";"/ },
  { rule: 'storage-name-length', fail: (m) => { m.storage.push({ name: 'myapp.a-very-long-name12.json', content: '{}' }); }, pass: (m) => { m.storage.push({ name: 'myapp.a-very-long-name1.json', content: '{}' }); }, message: /longer than 28 characters/ },
  { rule: 'storage-duplicate', fail: (m) => { m.storage.push({ name: 'myapp.app.js', url: 'myapp.app.js' }); }, pass: (m) => { m.storage.push({ name: 'myapp.app.js', url: 'myapp.app.js', supports: ['BANGLEJS'] }); }, message: /file myapp\.app\.js is a duplicate/ },
  { rule: 'storage-supports', fail: (m) => { m.storage[0].supports = 'BANGLEJS2'; }, message: /supports field must be an array/ },
  { rule: 'storage-supports', fail: (m) => { m.storage[0].supports = ['PIXLJS']; }, pass: (m) => { m.storage[0].supports = ['BANGLEJS2']; }, message: /unknown device in 'supports' field - PIXLJS/ },
  { rule: 'storage-url', fail: (m) => { m.storage[0].url = 'gone.ww'; }, message: /file gone\.ww doesn't exist/ },
  { rule: 'storage-contents', fail: (m) => { m.storage.push({ name: 'myapp.txt' }); }, pass: (m) => { m.storage.push({ name: 'myapp.txt', content: 'hello' }); }, message: /file myapp\.txt has no contents/ },
  { rule: 'storage-evaluate', fail: (_m, d) => file(d, 'app-icon.js', 'atob("AAAA"'), message: /has evaluate:true but is not valid JS expression/ },
  { rule: 'storage-js', fail: (_m, d) => file(d, 'myapp.app.js', 'function (\n'), message: /is a JS file but isn't valid JS/ },
  { rule: 'storage-keys', fail: (m) => { m.storage[0].mode = 'binary'; }, pass: (m) => { m.storage[0].noOverwrite = true; }, message: /file myapp\.ww has unknown key mode/ },
  { rule: 'js-icon', fail: (_m, d) => file(d, 'app-icon.js', iconJs(espruinoImage({ width: 64, height: 64, bits: new Uint8Array(64 * 64) }))), pass: (_m, d) => file(d, 'app-icon.js', iconJs(espruinoImage({ width: 24, height: 24, bits: new Uint8Array(24 * 24) }))), message: /should be 48x48px \(or slightly under\) but is instead 64x64px/ },
  { rule: 'js-icon', fail: (_m, d) => file(d, 'app-icon.js', 'E.toArrayBuffer("xyz")'), pass: (_m, d) => file(d, 'app-icon.js', `E.toArrayBuffer(${iconJs(espruinoImage(drawIcon()))})`), message: /does not match the pattern/ },
  { rule: 'js-icon', fail: (_m, d) => file(d, 'app-icon.js', `atob("${Buffer.from([48, 48, 1]).toString('base64')}")`), message: /not a valid Espruino image/ },
  { rule: 'js-icon', level: 'warning', fail: (_m, d) => file(d, 'app-icon.js', 'require("heatshrink").decompress(atob("mEwgIEBgMAA="))'), message: /heatshrink-compressed/ },
  { rule: 'data-name', fail: (m) => { m.data = [{ storageFile: true }]; }, pass: (m) => { m.data = [{ name: 'myapp.json' }]; }, message: /has a data file with no name/ },
  { rule: 'data-duplicate', fail: (m) => { m.data = [{ name: 'myapp.json' }, { name: 'myapp.json' }]; }, message: /data file myapp\.json is a duplicate/ },
  { rule: 'data-name-wildcard', fail: (m) => { m.data = [{ name: 'myapp.json', wildcard: 'myapp.*' }]; }, message: /has both name and wildcard/ },
  { rule: 'data-name-wildcard', fail: (m) => { m.data = [{ name: 'myapp.*.json' }]; }, message: /data file name myapp\.\*\.json contains wildcards/ },
  { rule: 'data-wildcard', fail: (m) => { m.data = [{ wildcard: 'myapp.log' }]; }, pass: (m) => { m.data = [{ wildcard: 'myapp.log?' }]; }, message: /does not actually contains wildcard/ },
  { rule: 'data-wildcard', fail: (m) => { m.data = [{ wildcard: '*?' }]; }, message: /does not contain regular characters/ },
  { rule: 'data-wildcard', level: 'warning', fail: (m) => { m.data = [{ wildcard: 'a*' }]; }, message: /is very broad/ },
  { rule: 'data-wildcard', level: 'warning', fail: (m) => { m.data = [{ wildcard: 'other.*' }]; }, message: /does not include app ID/ },
  { rule: 'data-chars', fail: (m) => { m.data = [{ name: 'myapp;1.json' }]; }, message: /contains invalid character ";"/ },
  { rule: 'data-storageFile', fail: (m) => { m.data = [{ name: 'myapp.log', storageFile: 'yes' }]; }, pass: (m) => { m.data = [{ name: 'myapp.log', storageFile: true }]; }, message: /non-boolean value for "storageFile"/ },
  { rule: 'data-keys', fail: (m) => { m.data = [{ name: 'myapp.json', size: 10 }]; }, message: /has unknown property "size"/ },
  { rule: 'settings-as-storage', level: 'warning', fail: (m) => { m.storage.push({ name: 'myapp.json', content: '{}' }); }, pass: (m) => { m.data = [{ name: 'myapp.json' }]; }, message: /uses storage file myapp\.json instead of data file/ },
  { rule: 'storage-in-data', level: 'warning', fail: (m) => { m.data = [{ name: 'myapp.ww' }]; }, message: /storage file myapp\.ww is also listed in data/ },
  { rule: 'clkinfo-tag', level: 'warning', fail: (m) => { m.storage.push({ name: 'myapp.clkinfo.js', content: '(function(){return {};})' }); }, pass: (m) => { m.tags = 'tool,clkinfo'; m.storage.push({ name: 'myapp.clkinfo.js', content: '(function(){return {};})' }); }, message: /provides \.\.\.clkinfo\.js but doesn't have clkinfo tag/ },
  { rule: 'entrypoint', fail: (m) => { m.storage = m.storage.filter((s: Meta) => s.name !== 'myapp.app.js'); }, message: /has no entrypoint/ },
  { rule: 'js-icon-present', fail: (m) => { m.storage = m.storage.filter((s: Meta) => s.name !== 'myapp.img'); }, message: /has no JS icon/ },
  { rule: 'widget-entrypoint', fail: (m) => { m.type = 'widget'; }, pass: (m) => { m.type = 'widget'; m.storage.push({ name: 'myapp.wid.js', content: 'WIDGETS.x={};' }); }, message: /Widget myapp has no entrypoint/ },
  { rule: 'app-keys', fail: (m) => { m.author = 'me'; }, pass: (m) => { m.sortorder = -1; m.allow_emulator = true; }, message: /has unknown key author/ },
  { rule: 'internal-files', fail: (m) => { m.type = 'textinput'; }, pass: (m) => { m.type = 'textinput'; m.storage.push({ name: 'textinput', content: 'x' }); }, message: /should include file named textinput/ },
  { rule: 'provides-modules', fail: (m) => { m.type = 'module'; }, message: /type:module but it doesn't have a provides_modules field/ },
  { rule: 'provides-modules', fail: (m) => { m.provides_modules = ['mymod']; }, pass: (m) => { m.provides_modules = ['mymod']; m.storage.push({ name: 'mymod', content: 'exports.x=1;' }); }, message: /has provides_modules mymod but it doesn't provide that filename/ },
  { rule: 'tags', fail: (m) => { m.tags = ['tool', 'gesture']; }, pass: (m) => { m.tags = 'tool,gesture'; }, message: /'tags' must be a comma-separated string/ },
];

describe('BangleApps sanitycheck rules', () => {
  it('the valid fixture passes every rule', () => {
    expect(sanityCheckApp(fixture())).to.deep.equal([]);
  });

  const seen = new Map<string, number>();
  for (const c of CASES) {
    const n = (seen.get(c.rule) ?? 0) + 1;
    seen.set(c.rule, n);
    const level = c.level ?? 'error';
    it(`${c.rule}${n > 1 ? ` (${n})` : ''}: ${level} when broken, silent when not`, () => {
      const ok = sanityCheckApp(fixture(c.pass));
      expect(rules(ok, level), 'passing case').not.to.include(c.rule);
      const bad = sanityCheckApp(fixture(c.fail));
      const hits = bad.filter((p) => p.rule === c.rule && p.level === level);
      expect(hits.length, JSON.stringify(bad)).to.be.greaterThan(0);
      if (c.message) expect(hits.map((h) => h.message).join('\n')).to.match(c.message);
    });
  }
});
