/**
 * The rules BangleApps' `bin/sanitycheck.js` enforces on an app folder, re-implemented so every
 * build checks its App Loader output and the tests can exercise each rule. Rule texts follow
 * sanitycheck.js (espruino/BangleApps); rules marked "watchword" are additions that the App
 * Loader or Espruino impose elsewhere: Storage names are at most 28 characters (Espruino's
 * jsflash.h, and EspruinoTools refuses longer ones), `tags` must be a string (sanitycheck.js
 * calls `app.tags.split(",")`), and the metadata icon must really be a PNG.
 *
 * Cross-app rules (duplicate ids, files shared between apps) need the whole repository and are
 * not checked here.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as acorn from 'acorn';
import { parseEspruinoImage } from './icon';

export interface Problem { rule: string; level: 'error' | 'warning'; message: string }

// From bin/sanitycheck.js
export const APP_KEYS = ['id', 'name', 'shortName', 'version', 'icon', 'screenshots', 'description', 'tags', 'type',
  'sortorder', 'readme', 'custom', 'customConnect', 'interface', 'storage', 'data',
  'supports', 'allow_emulator', 'dependencies', 'provides_modules', 'provides_widgets', 'default'];
export const STORAGE_KEYS = ['name', 'url', 'content', 'evaluate', 'noOverwite', 'supports', 'noOverwrite'];
export const DATA_KEYS = ['name', 'wildcard', 'storageFile', 'url', 'content', 'evaluate'];
export const SUPPORTS_DEVICES = ['BANGLEJS', 'BANGLEJS2'];
export const METADATA_TYPES = ['app', 'clock', 'widget', 'bootloader', 'RAM', 'launch', 'scheduler', 'notify', 'locale', 'settings', 'textinput', 'module', 'clkinfo'];
const FORBIDDEN_FILE_NAME_CHARS = /[,;]/; // separators in <appid>.info
const INTERNAL_FILES_IN_APP_TYPE: Record<string, string[]> = { textinput: ['textinput'] };
/** Espruino Storage file names (watchword rule). */
export const MAX_STORAGE_NAME = 28;

const isGlob = (f: string) => /[?*]/.test(f);
function globToRegex(pattern: string): RegExp {
  const ESCAPE = '.*+-?^${}()|[]\\';
  return new RegExp('^' + pattern.replace(/./g, (c) => (c === '?' ? '.' : c === '*' ? '.*' : ESCAPE.includes(c) ? '\\' + c : c)) + '$');
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Checks one app folder (containing metadata.json); returns every problem found. */
export function sanityCheckApp(appDir: string, opts: { dirName?: string } = {}): Problem[] {
  const out: Problem[] = [];
  const ERROR = (rule: string, message: string) => out.push({ rule, level: 'error', message });
  const WARN = (rule: string, message: string) => out.push({ rule, level: 'warning', message });
  const exists = (rel: string) => typeof rel === 'string' && rel !== '' && fs.existsSync(path.join(appDir, rel));
  const read = (rel: string) => fs.readFileSync(path.join(appDir, rel));

  let app: Json;
  // The folder name must equal the id (BangleApps looks apps up as apps/<id>/); a staging
  // folder passes the name it will be renamed to.
  const dirName = opts.dirName ?? path.basename(path.resolve(appDir));
  try {
    app = JSON.parse(read('metadata.json').toString());
  } catch (e) {
    ERROR('metadata-json', `${dirName}/metadata.json ${fs.existsSync(path.join(appDir, 'metadata.json')) ? 'not valid JSON' : 'does not exist'}`);
    return out;
  }
  if (!app || typeof app !== 'object' || Array.isArray(app)) { ERROR('metadata-json', `${dirName}/metadata.json is not an object`); return out; }

  if (!app.id) ERROR('id', `App in ${dirName} has no id`);
  if (app.id && app.id !== dirName) ERROR('directory', `App ${app.id} has no directory (folder is ${dirName})`);
  if (!app.name) ERROR('name', `App ${app.id} has no name`);
  const isApp = !app.type || app.type === 'app';
  if (app.tags !== undefined && typeof app.tags !== 'string') ERROR('tags', `App ${app.id} 'tags' must be a comma-separated string (watchword)`);
  const appTags: string[] = typeof app.tags === 'string' ? app.tags.split(',') : [];
  if (typeof app.name === 'string' && app.name.length > 20 && !app.shortName && isApp) ERROR('long-name-shortname', `App ${app.id} has a long name, but no shortName`);
  if (app.type && !METADATA_TYPES.includes(app.type)) ERROR('type', `App ${app.id} 'type' is one one of ${METADATA_TYPES}`);
  if (!Array.isArray(app.supports)) ERROR('supports', `App ${app.id} has no 'supports' field or it's not an array`);
  else for (const dev of app.supports) if (!SUPPORTS_DEVICES.includes(dev)) ERROR('supports', `App ${app.id} has unknown device in 'supports' field - ${dev}`);

  const listing = fs.readdirSync(appDir);
  if (!app.version) ERROR('version', `App ${app.id} has no version`);
  else if (!exists('ChangeLog')) {
    const wrong = listing.find((f) => f.toLowerCase().startsWith('changelog') && f !== 'ChangeLog');
    if (wrong) ERROR('changelog-name', `App ${app.id} has wrongly named ChangeLog (${wrong})`);
    else if (app.version !== '0.01') WARN('changelog-missing', `App ${app.id} has no ChangeLog`);
  } else {
    const versions = read('ChangeLog').toString().match(/\d+\.\d+:/g);
    if (!versions) ERROR('changelog-versions', `No versions found in ${app.id} ChangeLog`);
    else {
      const last = versions.pop()!.slice(0, -1);
      if (last !== app.version) ERROR('changelog-version', `App ${app.id} app version (${app.version}) and ChangeLog (${last}) don't agree`);
    }
  }
  if (!app.description) ERROR('description', `App ${app.id} has no description`);
  if (!app.icon) ERROR('icon', `App ${app.id} has no icon`);
  else if (!exists(app.icon)) ERROR('icon', `App ${app.id} icon doesn't exist`);
  else {
    const sig = read(app.icon).subarray(0, 8);
    if (!sig.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) ERROR('icon-image', `App ${app.id} icon ${app.icon} is not a PNG image (watchword)`);
  }
  if (app.screenshots) {
    if (!Array.isArray(app.screenshots)) ERROR('screenshots', `App ${app.id} screenshots is not an array`);
    else for (const s of app.screenshots) if (!exists(s?.url)) ERROR('screenshots', `App ${app.id} screenshot file ${s?.url} not found`);
  }
  if (app.readme) {
    if (!exists(app.readme)) ERROR('readme', `App ${app.id} README file doesn't exist`);
  } else {
    const readme = listing.find((f) => f.toLowerCase().includes('readme'));
    if (readme) ERROR('readme-linked', `App ${app.id} has a README in the directory (${readme}) but it's not linked`);
  }
  if (app.custom && !exists(app.custom)) ERROR('custom', `App ${app.id} custom HTML doesn't exist`);
  if (app.customConnect && !app.custom) ERROR('custom', `App ${app.id} has customConnect but no customn HTML`);
  if (app.interface && !exists(app.interface)) ERROR('interface', `App ${app.id} interface HTML doesn't exist`);
  if (app.dependencies) {
    if (app.dependencies.clock_info && !appTags.includes('clkinfo')) WARN('dependencies', `App ${app.id} uses clock_info but doesn't have clkinfo tag`);
    if (typeof app.dependencies === 'object' && !Array.isArray(app.dependencies)) {
      for (const dep of Object.keys(app.dependencies)) {
        if (!['type', 'app', 'module', 'widget'].includes(app.dependencies[dep])) ERROR('dependencies', `App ${app.id} 'dependencies' must all be tagged 'type/app/module/widget' right now`);
        if (app.dependencies[dep] === 'type' && !METADATA_TYPES.includes(dep)) ERROR('dependencies', `App ${app.id} 'type' dependency must be one of ${METADATA_TYPES}`);
      }
    } else ERROR('dependencies', `App ${app.id} 'dependencies' must be an object`);
  }

  const storage: Json[] = Array.isArray(app.storage) ? app.storage : [];
  if (!Array.isArray(app.storage)) ERROR('storage', `App ${app.id} has no 'storage' array`);
  if (storage.find((f) => typeof f.name === 'string' && f.name.endsWith('.clkinfo.js')) && !appTags.includes('clkinfo')) WARN('clkinfo-tag', `App ${app.id} provides ...clkinfo.js but doesn't have clkinfo tag`);
  const fileNames: string[] = [];
  for (const file of storage) {
    const name: string = typeof file.name === 'string' ? file.name : '';
    if (!name) ERROR('storage-name', `App ${app.id} has a file with no name`);
    if (isGlob(name)) ERROR('storage-wildcard', `App ${app.id} storage file ${name} contains wildcards`);
    const ch = name.match(FORBIDDEN_FILE_NAME_CHARS);
    if (ch) ERROR('storage-chars', `App ${app.id} storage file ${name} contains invalid character "${ch[0]}"`);
    if (name.length > MAX_STORAGE_NAME) ERROR('storage-name-length', `App ${app.id} storage file ${name} is longer than ${MAX_STORAGE_NAME} characters (watchword: Espruino Storage limit)`);
    if (fileNames.includes(name) && !file.supports) ERROR('storage-duplicate', `App ${app.id} file ${name} is a duplicate`);
    if (file.supports && !Array.isArray(file.supports)) ERROR('storage-supports', `App ${app.id} file ${name} supports field must be an array`);
    if (Array.isArray(file.supports)) for (const dev of file.supports) if (!SUPPORTS_DEVICES.includes(dev)) ERROR('storage-supports', `App ${app.id} file ${name} has unknown device in 'supports' field - ${dev}`);
    fileNames.push(name);
    if (file.url && !exists(file.url)) ERROR('storage-url', `App ${app.id} file ${file.url} doesn't exist`);
    if (!file.url && !file.content && !app.custom) ERROR('storage-contents', `App ${app.id} file ${name} has no contents`);
    let contents = '';
    if (file.content) contents = String(file.content);
    if (file.url && exists(file.url)) contents = read(file.url).toString();
    if (file.evaluate) {
      try { acorn.parse('(' + contents + ')', { ecmaVersion: 'latest' }); } catch {
        ERROR('storage-evaluate', `App ${app.id}'s ${name} has evaluate:true but is not valid JS expression`);
      }
    }
    if (name.endsWith('.js')) {
      try { acorn.parse(contents, { ecmaVersion: 'latest' }); } catch {
        ERROR('storage-js', `App ${app.id}'s ${name} is a JS file but isn't valid JS`);
      }
    }
    for (const key of Object.keys(file)) if (!STORAGE_KEYS.includes(key)) ERROR('storage-keys', `App ${app.id} file ${name} has unknown key ${key}`);
    if (name === app.id + '.img' && file.evaluate) {
      let m = contents.match(/^\s*E\.toArrayBuffer\(atob\("([^"]*)"\)\)\s*$/) ?? contents.match(/^\s*atob\("([^"]*)"\)\s*$/);
      if (m) {
        const icon = new Uint8Array(Buffer.from(m[1], 'base64'));
        if (icon[0] > 48 || icon[0] < 24 || icon[1] > 48 || icon[1] < 24) ERROR('js-icon', `JS icon ${name} should be 48x48px (or slightly under) but is instead ${icon[0]}x${icon[1]}px`);
        else {
          try { parseEspruinoImage(icon); } catch (e) { ERROR('js-icon', `JS icon ${name} is not a valid Espruino image: ${(e as Error).message} (watchword)`); }
        }
      } else {
        m = contents.match(/^\s*require\("heatshrink"\)\.decompress\(\s*atob\(\s*"([^"]*)"\s*\)\s*\)\s*$/);
        if (m) WARN('js-icon', `JS icon ${name} is heatshrink-compressed; its size is not checked here`);
        else ERROR('js-icon', `JS icon ${name} does not match the pattern 'require("heatshrink").decompress(atob("..."))'`);
      }
    }
  }
  const dataNames: string[] = [];
  for (const data of (Array.isArray(app.data) ? app.data : []) as Json[]) {
    const dn: string = data.name || data.wildcard || '';
    if (!data.name && !data.wildcard) ERROR('data-name', `App ${app.id} has a data file with no name`);
    if (dataNames.includes(dn)) ERROR('data-duplicate', `App ${app.id} data file ${dn} is a duplicate`);
    dataNames.push(dn);
    if ('name' in data && 'wildcard' in data) ERROR('data-name-wildcard', `App ${app.id} data file ${data.name} has both name and wildcard`);
    if (typeof data.name === 'string' && isGlob(data.name)) ERROR('data-name-wildcard', `App ${app.id} data file name ${data.name} contains wildcards`);
    if (data.wildcard) {
      const w = String(data.wildcard);
      if (!isGlob(w)) ERROR('data-wildcard', `App ${app.id} data file wildcard ${w} does not actually contains wildcard`);
      if (w.replace(/\?|\*/g, '') === '') ERROR('data-wildcard', `App ${app.id} data file wildcard ${w} does not contain regular characters`);
      else if (w.replace(/\?|\*/g, '').length < 3) WARN('data-wildcard', `App ${app.id} data file wildcard ${w} is very broad`);
      else if (!w.includes(app.id)) WARN('data-wildcard', `App ${app.id} data file wildcard ${w} does not include app ID`);
    }
    const ch = dn.match(FORBIDDEN_FILE_NAME_CHARS);
    if (ch) ERROR('data-chars', `App ${app.id} data file ${dn} contains invalid character "${ch[0]}"`);
    if ('storageFile' in data && typeof data.storageFile !== 'boolean') ERROR('data-storageFile', `App ${app.id} data file ${dn} has non-boolean value for "storageFile"`);
    for (const key of Object.keys(data)) if (!DATA_KEYS.includes(key)) ERROR('data-keys', `App ${app.id} data file ${dn} has unknown property "${key}"`);
  }
  if (fileNames.includes(app.id + '.settings.json')) WARN('settings-as-storage', `App ${app.id} uses storage file ${app.id}.settings.json instead of data file`);
  if (fileNames.includes(app.id + '.json')) WARN('settings-as-storage', `App ${app.id} uses storage file ${app.id}.json instead of data file`);
  for (const dn of dataNames) {
    const glob = globToRegex(dn);
    for (const fn of fileNames) if (glob.test(fn)) WARN('storage-in-data', isGlob(dn) ? `App ${app.id} storage file ${fn} matches data wildcard ${dn}` : `App ${app.id} storage file ${fn} is also listed in data`);
  }
  const hasAppJs = fileNames.includes(app.id + '.app.js');
  if (isApp && !hasAppJs) ERROR('entrypoint', `App ${app.id} has no entrypoint`);
  else if (!isApp && !['clock', 'bootloader', 'launch'].includes(app.type) && hasAppJs) WARN('entrypoint', `${app.id} isn't an app (${app.type}) but has an app.js file (${app.id}app.js)`);
  if (isApp && !fileNames.includes(app.id + '.img')) ERROR('js-icon-present', `App ${app.id} has no JS icon`);
  if (app.type === 'widget' && !fileNames.includes(app.id + '.wid.js')) ERROR('widget-entrypoint', `Widget ${app.id} has no entrypoint`);
  for (const key of Object.keys(app)) if (!APP_KEYS.includes(key)) ERROR('app-keys', `App ${app.id} has unknown key ${key}`);
  for (const f of INTERNAL_FILES_IN_APP_TYPE[app.type] ?? []) if (!fileNames.includes(f)) ERROR('internal-files', `App ${app.id} should include file named ${f} but it doesn't`);
  if (app.type === 'module' && !app.provides_modules) ERROR('provides-modules', `App ${app.id} has type:module but it doesn't have a provides_modules field`);
  if (Array.isArray(app.provides_modules)) for (const m of app.provides_modules) if (!storage.find((s) => s.name === m)) ERROR('provides-modules', `App ${app.id} has provides_modules ${m} but it doesn't provide that filename`);
  return out;
}
