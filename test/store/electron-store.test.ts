import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { app, resetElectronMock, setUserDataDir } from '../helpers/electron-mock.ts';
import { openConfStorage } from '../../src-main/store/conf-store.ts';
import { openElectronStoreStorage } from '../../src-main/store/electron-store.ts';
import { describeStorageContract } from './storage-contract.ts';
import { makeTempDir, sampleChain } from './support.ts';

vi.mock('electron', () => import('../helpers/electron-mock.ts'));

describeStorageContract('electron-store', (dir) => openElectronStoreStorage(dir));

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
    const storage = openElectronStoreStorage();
    expect(storage.dir).toBe(dir);
    expect(app.getPath).toHaveBeenCalledWith('userData');
    storage.state.saveNodeId('0123456789abcdef0123456789abcdef');
    await storage.close();
    expect(JSON.parse(await readFile(join(dir, 'node.json'), 'utf8'))).toEqual({
      nodeId: '0123456789abcdef0123456789abcdef',
    });
  });

  it('shares its files with the headless (conf) node, both ways', async () => {
    const chain = sampleChain(3);
    const peer = { address: '10.0.0.9:5000', source: 'manual' as const, id: null, name: null };
    const desktop = openElectronStoreStorage(dir);
    desktop.state.savePeers([peer]);
    await desktop.log.load();
    await desktop.log.commit(
      chain.map((b) => ({ kind: 'block' as const, text: b.text })),
      () => undefined,
    );
    await desktop.close();

    const headless = openConfStorage(dir);
    expect(headless.state.read()).toMatchObject({ peers: [peer], notices: [] });
    expect((await headless.log.load()).records).toHaveLength(3);
    headless.state.savePeers([peer, { ...peer, address: '10.0.0.10:5000' }]);
    await headless.close();

    const again = openElectronStoreStorage(dir);
    expect(again.state.read().peers.map((p) => p.address)).toEqual(['10.0.0.9:5000', '10.0.0.10:5000']);
    await again.close();
  });
});
