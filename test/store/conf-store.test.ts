import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConfRepository } from '../../src-main/store/conf-store.ts';
import { describeRepositoryContract } from './repository-contract.ts';
import { makeTempDir } from './support.ts';

describeRepositoryContract('conf', openConfRepository);

describe('conf adapter', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  it('keeps its files inside the folder it is given', async () => {
    const repo = openConfRepository(join(dir, 'nested', 'node-a'));
    repo.savePeers(['a:1']);
    await repo.appendBlocks([]);
    await repo.close();
    const saved = JSON.parse(await readFile(join(dir, 'nested', 'node-a', 'node.json'), 'utf8')) as unknown;
    expect(saved).toEqual({ peers: ['a:1'] });
  });

  it('treats dots in values and keys as data, not nested paths', async () => {
    const repo = openConfRepository(dir);
    repo.savePeers(['192.168.0.5:5000']);
    const saved = JSON.parse(await readFile(join(dir, 'node.json'), 'utf8')) as unknown;
    expect(saved).toEqual({ peers: ['192.168.0.5:5000'] });
    await repo.close();
  });
});
