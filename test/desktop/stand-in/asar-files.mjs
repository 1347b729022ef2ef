/**
 * Reading files as Electron's patched `fs` does: a path through `…/app.asar/…` is read from inside the
 * archive, or from `app.asar.unpacked` when electron-builder unpacked that file (asarUnpack). Plain
 * Node cannot do this, so the stand-in uses it for loading main's modules, the preload and `net.fetch`.
 * Shared by the stand-in (main thread) and its module hooks (loader thread), hence plain JavaScript.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sep } from 'node:path';

const require = createRequire(import.meta.url);
/** @type {typeof import('@electron/asar')} */
const asar = require('@electron/asar');

/**
 * Splits `/x/resources/app.asar/out/main/index.js` into the archive and the path inside it.
 * @param {string} path
 * @returns {{ archive: string, inner: string } | null}
 */
export function splitAsarPath(path) {
  const marker = `.asar${sep}`;
  const at = path.indexOf(marker);
  if (at === -1) return path.endsWith('.asar') ? { archive: path, inner: '' } : null;
  return { archive: path.slice(0, at + 5), inner: path.slice(at + marker.length) };
}

/**
 * Whether a file exists, inside an archive or on disk.
 * @param {string} path
 */
export function appFileExists(path) {
  const split = splitAsarPath(path);
  if (split === null) return existsSync(path) && statSync(path).isFile();
  try {
    const entry = asar.statFile(split.archive, split.inner);
    return entry !== undefined && !('files' in entry);
  } catch {
    return false;
  }
}

/**
 * The bytes of a file, inside an archive (unpacked files from `.asar.unpacked`) or on disk.
 * Throws an ENOENT error like `fs` when there is none.
 * @param {string} path
 * @returns {Buffer}
 */
export function readAppFile(path) {
  const split = splitAsarPath(path);
  if (split === null) return readFileSync(path);
  if (!appFileExists(path)) {
    throw Object.assign(new Error(`ENOENT: no such file in ${split.archive}: ${split.inner}`), {
      code: 'ENOENT',
    });
  }
  return asar.extractFile(split.archive, split.inner);
}
