import Conf from 'conf';
import { openNodeStorage } from './storage.ts';
import { parseConfigObject } from './state-store.ts';
import type { NodeStorage } from '../node/ports.ts';

/** The headless node's storage: `node.json` (conf) and `chain.log` inside `dir`. */
export function openConfStorage(dir: string): NodeStorage {
  return openNodeStorage(
    dir,
    () =>
      new Conf<Record<string, unknown>>({
        cwd: dir,
        configName: 'node',
        // Peer addresses and keys are data, not paths into nested objects.
        accessPropertiesByDotNotation: false,
        deserialize: parseConfigObject,
      }),
  );
}
