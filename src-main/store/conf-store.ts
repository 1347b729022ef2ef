import { join } from 'node:path';
import Conf from 'conf';
import { chainCodec } from './codec.ts';
import { openKeyValueFile, parseConfigObject } from './open-kv.ts';
import { CONFIG_NAME, createRepository } from './repository.ts';
import type { NodeRepository } from './types.ts';

/** The headless node's repository: `node.json` (conf) and `chain.log` inside `dir`. */
export function openConfRepository(dir: string): NodeRepository {
  const { store, warnings } = openKeyValueFile(
    join(dir, `${CONFIG_NAME}.json`),
    () =>
      new Conf<Record<string, unknown>>({
        cwd: dir,
        configName: CONFIG_NAME,
        // Peer addresses and keys are data, not paths into nested objects.
        accessPropertiesByDotNotation: false,
        deserialize: parseConfigObject,
      }),
  );
  return createRepository(store, dir, chainCodec, warnings);
}
