/**
 * Module hooks of the stand-in: `import 'electron'` gets the fake (the real package only holds a path
 * to a binary that is not there), and modules inside app.asar are read from the archive as Electron
 * does. Nothing else is touched: the app's own modules and Node built-ins load as usual.
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { appFileExists, readAppFile, splitAsarPath } from './asar-files.mjs';

const ELECTRON_URL = 'blockparty-stand-in:electron';
/** @type {string[]} */
let exportNames = [];
/** @type {string} */
let globalKey = '';

/** @param {{ exportNames: string[], globalKey: string }} data */
export function initialize(data) {
  exportNames = data.exportNames;
  globalKey = data.globalKey;
}

/** @param {string} path */
function insideAsar(path) {
  return splitAsarPath(path) !== null;
}

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ELECTRON_URL, shortCircuit: true };
  const parent = context.parentURL;
  const relative =
    /^\.{0,2}\//.test(specifier) && parent?.startsWith('file:') && insideAsar(fileURLToPath(parent));
  const absolute = specifier.startsWith('file:') && insideAsar(fileURLToPath(specifier));
  if (relative || absolute) {
    const url = new URL(specifier, parent);
    if (!appFileExists(fileURLToPath(url))) {
      throw Object.assign(new Error(`Cannot find module '${fileURLToPath(url)}' imported from ${parent}`), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    }
    return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}

/** @type {import('node:module').LoadHook} */
export async function load(url, context, next) {
  if (url === ELECTRON_URL) {
    const lines = [`const electron = globalThis[Symbol.for(${JSON.stringify(globalKey)})];`];
    lines.push('export default electron;');
    for (const name of exportNames) lines.push(`export const ${name} = electron.${name};`);
    return { format: 'module', source: lines.join('\n'), shortCircuit: true };
  }
  if (url.startsWith('file:')) {
    const path = fileURLToPath(url);
    if (insideAsar(path)) {
      return { format: formatOf(path), source: readAppFile(path), shortCircuit: true };
    }
  }
  return next(url, context);
}

/**
 * The module format Node would pick: by extension, and for `.js` by the nearest package.json's type.
 * @param {string} path
 */
function formatOf(path) {
  if (path.endsWith('.mjs')) return 'module';
  if (path.endsWith('.cjs')) return 'commonjs';
  if (path.endsWith('.json')) return 'json';
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (appFileExists(manifest)) {
      return JSON.parse(readAppFile(manifest).toString('utf8')).type === 'module' ? 'module' : 'commonjs';
    }
    if (dirname(dir) === dir) return 'commonjs';
  }
}
