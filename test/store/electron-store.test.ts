import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { app, resetElectronMock, setUserDataDir } from '../helpers/electron-mock.ts';
import { openConfRepository } from '../../src-main/store/conf-store.ts';
import { openElectronStoreRepository } from '../../src-main/store/electron-store.ts';
import { describeRepositoryContract } from './repository-contract.ts';
import { makeTempDir, sampleChain } from './support.ts';

vi.mock('electron', () => import('../helpers/electron-mock.ts'));

describeRepositoryContract('electron-store', (dir) => openElectronStoreRepository(dir));

describe('electron-store adapter', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
    resetElectronMock();
  });
  afterEach(() => cleanup());

  it("uses Electron's userData folder by default", async () => {
    setUserDataDir(dir);
    const chain = sampleChain(2);
    const repo = openElectronStoreRepository();
    expect(repo.dir).toBe(dir);
    expect(app.getPath).toHaveBeenCalledWith('userData');
    repo.saveNodeId('0123456789abcdef0123456789abcdef');
    await repo.appendBlocks(chain);
    await repo.close();

    expect(JSON.parse(await readFile(join(dir, 'node.json'), 'utf8'))).toEqual({
      nodeId: '0123456789abcdef0123456789abcdef',
    });
    const reopened = openElectronStoreRepository();
    expect(await reopened.load()).toMatchObject({
      chain,
      meta: { nodeId: '0123456789abcdef0123456789abcdef' },
    });
    await reopened.close();
  });

  it('shares its files with the headless (conf) node, both ways', async () => {
    const chain = sampleChain(3);
    const desktop = openElectronStoreRepository(dir);
    desktop.savePeers(['10.0.0.9:5000']);
    await desktop.appendBlocks(chain);
    await desktop.close();

    const headless = openConfRepository(dir);
    expect(await headless.load()).toMatchObject({ chain, meta: { peers: ['10.0.0.9:5000'] }, warnings: [] });
    headless.savePeers(['10.0.0.9:5000', '10.0.0.10:5000']);
    await headless.close();

    const again = openElectronStoreRepository(dir);
    expect((await again.load()).meta.peers).toEqual(['10.0.0.9:5000', '10.0.0.10:5000']);
    await again.close();
  });
});
