/** Where a worker thread's code is, in the built app and when running from sources. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How to start a worker: a file, or (from sources) a bootstrap script to evaluate. */
export interface WorkerSource {
  file: string | URL;
  eval?: boolean;
}

/**
 * In the built app (Electron main or a bundled node) each worker entry is `<builtName>.js` beside the
 * bundle. From sources (tsx, Vitest) `sourceUrl` is the worker's `.ts` file: a bootstrap script
 * registers tsx inside the worker, then imports it. (Passing `--import tsx` in the worker's execArgv
 * does not work on Node 20: the hooks never apply to the worker's entry.)
 */
export function workerSource(
  sourceUrl: URL,
  builtName: string,
  moduleUrl: string = import.meta.url,
): WorkerSource {
  if (!moduleUrl.endsWith('.ts')) {
    const file = join(dirname(fileURLToPath(moduleUrl)), `${builtName}.js`);
    // Worker threads cannot read inside an asar archive; the packaged app unpacks out/main (asarUnpack).
    return { file: file.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1') };
  }
  // tsx's `esm/api` as its export map gives it to `import`; its CommonJS build cannot register hooks.
  const tsxRoot = pathToFileURL(createRequire(moduleUrl).resolve('tsx/package.json'));
  const api = new URL('./dist/esm/api/index.mjs', tsxRoot).href;
  const bootstrap =
    `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(sourceUrl.href)}); })` +
    '.catch((error) => process.nextTick(() => { throw error; }));';
  return { file: bootstrap, eval: true };
}
