import { join } from 'node:path';
import { app } from 'electron';
import ElectronStore from 'electron-store';
import { chainCodec } from './codec.ts';
import { openKeyValueFile, parseConfigObject } from './open-kv.ts';
import { CONFIG_NAME, createRepository } from './repository.ts';
import type { NodeRepository } from './types.ts';

/**
 * The desktop app's repository: `node.json` (electron-store) and `chain.log` inside `dir`, by
 * default Electron's userData folder. Same files as the headless node, so either can open them.
 */
export function openElectronStoreRepository(dir: string = app.getPath('userData')): NodeRepository {
  const { store, warnings } = openKeyValueFile(
    join(dir, `${CONFIG_NAME}.json`),
    () =>
      new ElectronStore<Record<string, unknown>>({
        cwd: dir,
        name: CONFIG_NAME,
        accessPropertiesByDotNotation: false,
        deserialize: parseConfigObject,
      }),
  );
  return createRepository(store, dir, chainCodec, warnings);
}
