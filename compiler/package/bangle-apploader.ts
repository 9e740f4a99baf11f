/**
 * The BangleApps App Loader folder for boards with the `appLoader` feature: `metadata.json`
 * (id, names, version, description, icon, type, tags, supports, readme, storage entries),
 * `ChangeLog`, the icon files, and the `<id>.info` record a launcher reads (which the App
 * Loader would otherwise generate; upload.js writes it so the app shows up without the
 * Loader). The rules it must satisfy are BangleApps' bin/sanitycheck.js, re-implemented in
 * sanitycheck.ts and run on every build.
 */
import { WatchwordError } from '../errors';
import type { BoardProfile } from '../../boards/types';
import { asciiJson } from './escape';
import type { ChangeLogEntry, PackageInput } from './types';
import { modelStorageName } from './types';

/** App ids: lower-case letters and digits, 2-14 chars, so even `<id>.settings.json` fits Storage's 28-char names. */
export const APP_ID_RE = /^[a-z0-9]{2,14}$/;
/** BangleApps versions: ChangeLog lines are matched with /\d+\.\d+:/ (bin/sanitycheck.js). */
export const VERSION_RE = /^\d+\.\d+$/;

export const ICON_PNG = 'app.png';
export const ICON_JS = 'app-icon.js';

export function checkAppIdentity(input: Pick<PackageInput, 'appId' | 'appName' | 'version' | 'description'>): void {
  if (!APP_ID_RE.test(input.appId)) {
    throw new WatchwordError(`app id ${JSON.stringify(input.appId)} is invalid: use 2-14 lower-case letters or digits (it names Storage files such as "${input.appId}.app.js", limited to 28 characters)`);
  }
  if (!VERSION_RE.test(input.version)) throw new WatchwordError(`app version ${JSON.stringify(input.version)} is invalid: use the BangleApps form "0.01"`);
  if (!input.appName.trim()) throw new WatchwordError('app name is empty');
  if (!input.description.trim()) throw new WatchwordError('app description is empty');
}

/** The change log entries (oldest first), validated against the version. */
export function changeLogEntries(input: Pick<PackageInput, 'version' | 'changelog'>): ChangeLogEntry[] {
  const entries = input.changelog && input.changelog.length ? input.changelog : [{ version: input.version, changes: 'First build by watchword' }];
  for (const e of entries) {
    if (!VERSION_RE.test(e.version)) throw new WatchwordError(`ChangeLog version ${JSON.stringify(e.version)} is invalid: use the form "0.01"`);
  }
  const last = entries[entries.length - 1].version;
  if (last !== input.version) throw new WatchwordError(`ChangeLog's newest entry is ${last} but the app version is ${input.version}; BangleApps requires them to agree`);
  return entries;
}

/** BangleApps ChangeLog text: one `version: text` line per entry, oldest first (the checker takes the last). */
export function changeLogText(entries: ChangeLogEntry[]): string {
  return entries.map((e) => `${e.version}: ${e.changes.replace(/[\r\n\u2028\u2029]+/g, ' ').trim()}`).join('\n') + '\n';
}

export function shortNameOf(input: Pick<PackageInput, 'appName' | 'shortName'>): string {
  const s = (input.shortName ?? input.appName).trim();
  return s.length <= 12 ? s : s.slice(0, 12).trim();
}

/**
 * Storage entries of metadata.json, in install order (model first, so the app finds it). The
 * binary `.ww` is listed by url like any file: the App Loader (core/js/appinfo.js) sends
 * non-`.js` files in 4096-byte `Storage.write` chunks, as `atob(...)` when they hold bytes
 * above 127, so no RAM-sized copy is made on the watch. The icon is an evaluated `atob("...")`
 * expression, the form bin/sanitycheck.js size-checks.
 */
export function storageEntries(appId: string): { name: string; url: string; evaluate?: boolean }[] {
  return [
    { name: modelStorageName(appId), url: modelStorageName(appId) },
    { name: `${appId}.app.js`, url: `${appId}.app.js` },
    { name: `${appId}.img`, url: ICON_JS, evaluate: true },
  ];
}

export function metadataJson(input: PackageInput, board: BoardProfile): string {
  if (!board.appLoaderDevice) throw new WatchwordError(`board ${board.id} has no App Loader device id`);
  const tags = (input.tags ?? ['tool']).map((t) => t.trim()).filter(Boolean);
  for (const t of tags) if (/[,;\s]/.test(t)) throw new WatchwordError(`tag ${JSON.stringify(t)} must be one word without ',' or ';'`);
  const meta = {
    id: input.appId,
    name: input.appName.trim(),
    shortName: shortNameOf(input),
    version: input.version,
    description: input.description.trim(),
    icon: ICON_PNG,
    type: 'app',
    tags: tags.join(','),
    supports: [board.appLoaderDevice],
    readme: 'README.md',
    storage: storageEntries(input.appId),
  };
  return asciiJson(meta, 2) + '\n';
}

/** The `<id>.info` JSON a Bangle.js launcher reads (what the App Loader writes on install). */
export function infoJson(input: PackageInput): string {
  const id = input.appId;
  return asciiJson({
    id,
    name: shortNameOf(input),
    type: 'app',
    src: `${id}.app.js`,
    icon: `${id}.img`,
    version: input.version,
    tags: (input.tags ?? ['tool']).join(','),
    // comma-separated, which is why Storage names may not contain ',' or ';'
    files: [`${id}.info`, `${id}.app.js`, `${id}.img`, modelStorageName(id)].join(','),
  });
}
