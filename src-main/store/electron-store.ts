import { app } from 'electron';
import ElectronStore from 'electron-store';
import { openNodeStorage } from './storage.ts';
import { parseConfigObject } from './state-store.ts';
import type { NodeStorage } from '../node/ports.ts';

/**
 * The desktop app's storage: `node.json` (electron-store) and `chain.log` inside `dir`, by default
 * Electron's userData folder. Same files as the headless node, so either can open them.
 */
export function openElectronStoreStorage(dir: string = app.getPath('userData')): NodeStorage {
  return openNodeStorage(
    dir,
    () =>
      new ElectronStore<Record<string, unknown>>({
        cwd: dir,
        name: 'node',
        accessPropertiesByDotNotation: false,
        deserialize: parseConfigObject,
      }),
  );
}
