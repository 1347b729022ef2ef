import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeStorage } from '../node/ports.ts';
import { createJournal } from './journal.ts';
import { createStateStore, openKeyValueFile } from './state-store.ts';

/** File name of the chain log inside the data folder. */
export const CHAIN_FILE = 'chain.log';
/** File name of the state file inside the data folder (the same for conf and electron-store). */
export const STATE_FILE = 'node.json';

/** What conf and electron-store both offer. */
interface KeyValueFile {
  readonly path: string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/**
 * The storage both adapters share: the chain log and the state file in `dir`. `openFile` builds the
 * conf or electron-store instance for `node.json`.
 */
export function openNodeStorage(dir: string, openFile: (file: string) => KeyValueFile): NodeStorage {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, STATE_FILE);
  const { store, notices } = openKeyValueFile(file, () => openFile(file));
  const log = createJournal(join(dir, CHAIN_FILE));
  return {
    dir,
    log,
    state: createStateStore(
      {
        path: store.path,
        get: (k) => store.get(k),
        set: (k, v) => store.set(k, v),
        delete: (k) => store.delete(k),
      },
      notices,
    ),
    close: () => log.close(),
  };
}
