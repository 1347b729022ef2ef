import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConfStorage } from '../../src-main/store/conf-store.ts';
import { describeStorageContract } from './storage-contract.ts';
import { makeTempDir } from './support.ts';

describeStorageContract('conf', openConfStorage);

describe('conf adapter', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  it('keeps its files inside the folder it is given', async () => {
    const storage = openConfStorage(join(dir, 'nested', 'node-a'));
    storage.state.savePeers([{ address: 'a:1', source: 'manual', id: null, name: null }]);
    await storage.close();
    const saved = JSON.parse(await readFile(join(dir, 'nested', 'node-a', 'node.json'), 'utf8')) as unknown;
    expect(saved).toEqual({ peers: [{ address: 'a:1', source: 'manual', id: null, name: null }] });
  });
});
