/**
 * Runs a built Blockparty under the stand-in Electron, as `electron APP` would:
 *   node test/desktop/stand-in/launch.mjs out-folder-with-package.json | …/resources/app.asar
 * The stand-in (TypeScript) is loaded through tsx in its own namespace and tsx is unregistered before
 * the app loads, so the app's modules and its worker threads run on plain Node, as in Electron.
 */
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

const appPath = process.argv[2];
if (!appPath) {
  process.stderr.write('usage: node test/desktop/stand-in/launch.mjs APP_DIR_OR_ASAR\n');
  process.exit(2);
}

const tsx = registerTsx({ namespace: 'blockparty-stand-in' });
const standIn = await tsx.import('./electron.ts', import.meta.url);
await tsx.unregister();

const mainUrl = standIn.prepareApp(appPath);
const globalKey = 'blockparty.stand-in.electron';
globalThis[Symbol.for(globalKey)] = standIn.electron;
register('./hooks.mjs', import.meta.url, {
  data: { exportNames: Object.keys(standIn.electron), globalKey },
});
standIn.installStandIn();
await import(mainUrl);
await standIn.becomeReady();
