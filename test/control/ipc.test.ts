import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDashboardService } from '../../src-main/control/service.ts';
import { IPC_CHANNELS, IPC_EVENT_CHANNELS } from '../../src-main/shared/api.ts';
import {
  createWebContents,
  handledChannels,
  invokeMain,
  resetIpcMock,
} from '../helpers/electron-ipc-mock.ts';
import { createFakeNode, peerRecord } from './fake-node.ts';

vi.mock('electron', () => import('../helpers/electron-ipc-mock.ts'));
const { registerIpc } = await import('../../src-main/control/ipc.ts');

const OUR_PAGE = 'file:///app/out/renderer/index.html';

function setup() {
  const node = createFakeNode(3);
  const service = createDashboardService(node);
  const contents = createWebContents(`${OUR_PAGE}#/chain`);
  let window: typeof contents | null = contents;
  const logError = vi.fn();
  const dispose = registerIpc(service, {
    webContents: () => window as never,
    isOurUrl: (url) => url.split('#')[0] === OUR_PAGE,
    logError,
  });
  const fromWindow = { sender: contents, senderFrame: contents.mainFrame };
  return { node, contents, fromWindow, dispose, logError, closeWindow: () => (window = null) };
}

describe('IPC transport', () => {
  beforeEach(() => resetIpcMock());

  it('handles exactly one channel per operation', () => {
    setup();
    expect(handledChannels().sort()).toEqual(Object.values(IPC_CHANNELS).sort());
    for (const channel of handledChannels()) expect(channel).toMatch(/^[a-z]+:[a-z-]+$/);
  });

  it('answers our window with Result values', async () => {
    const { fromWindow } = setup();
    expect(await invokeMain(IPC_CHANNELS.status, fromWindow)).toMatchObject({
      ok: true,
      value: { height: 3 },
    });
    expect(await invokeMain(IPC_CHANNELS.block, fromWindow, { index: 2 })).toMatchObject({
      ok: true,
      value: { index: 2, transactions: [{ amount: '1' }] },
    });
    expect(await invokeMain(IPC_CHANNELS.chainPage, fromWindow)).toMatchObject({
      ok: true,
      value: { total: 3 },
    });
    expect(await invokeMain(IPC_CHANNELS.balances, fromWindow)).toMatchObject({
      ok: true,
      value: { height: 3, rows: [{ received: '2' }], skipped: 0 },
    });
    expect(await invokeMain(IPC_CHANNELS.balances, fromWindow, { all: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
  });

  it('refuses untrusted senders', async () => {
    const { contents, fromWindow, closeWindow, logError } = setup();
    const stranger = createWebContents(OUR_PAGE);
    const refused = { ok: false, error: { code: 'forbidden', message: expect.any(String) } };
    // Another webContents, even one showing a copy of our page.
    expect(
      await invokeMain(IPC_CHANNELS.status, { sender: stranger, senderFrame: stranger.mainFrame }),
    ).toEqual(refused);
    // A subframe of our window.
    expect(
      await invokeMain(IPC_CHANNELS.status, { sender: contents, senderFrame: { url: OUR_PAGE } }),
    ).toEqual(refused);
    expect(await invokeMain(IPC_CHANNELS.status, { sender: contents, senderFrame: null })).toEqual(refused);
    // Our window after it navigated somewhere else.
    contents.mainFrame.url = 'https://evil.example/';
    expect(await invokeMain(IPC_CHANNELS.mine, fromWindow)).toEqual(refused);
    contents.mainFrame.url = OUR_PAGE;
    contents.destroyed = true;
    expect(await invokeMain(IPC_CHANNELS.status, fromWindow)).toEqual(refused);
    contents.destroyed = false;
    closeWindow();
    expect(await invokeMain(IPC_CHANNELS.status, fromWindow)).toEqual(refused);
    expect(logError).toHaveBeenCalled();
  });

  it('answers bad payloads with invalid-request', async () => {
    const { fromWindow, node } = setup();
    const invalid = { ok: false, error: expect.objectContaining({ code: 'invalid-request' }) };
    expect(await invokeMain(IPC_CHANNELS.block, fromWindow)).toEqual(invalid);
    expect(await invokeMain(IPC_CHANNELS.block, fromWindow, '2')).toEqual(invalid);
    expect(await invokeMain(IPC_CHANNELS.block, fromWindow, [2])).toEqual(invalid);
    expect(await invokeMain(IPC_CHANNELS.block, fromWindow, new Map([['index', 2]]))).toEqual(invalid);
    expect(await invokeMain(IPC_CHANNELS.block, fromWindow, { index: '2' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid-request', field: 'index' }),
    });
    expect(await invokeMain(IPC_CHANNELS.status, fromWindow, { sneaky: true })).toEqual(invalid);
    expect(await invokeMain(IPC_CHANNELS.removePeer, fromWindow, { address: 'a:1' }, 'extra')).toEqual(
      invalid,
    );
    expect(
      await invokeMain(IPC_CHANNELS.submitTransaction, fromWindow, Object.create({ sender: 'x' })),
    ).toEqual(invalid);
    expect(node.pending()).toEqual([]);
  });

  it('turns a thrown bug into an internal error', async () => {
    const { fromWindow, node } = setup();
    node.refreshPeers = () => Promise.reject(new Error('socket exploded'));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await invokeMain(IPC_CHANNELS.refreshPeers, fromWindow)).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'Unexpected error inside the node: socket exploded',
        detail: { code: 'internal', params: { error: 'socket exploded' } },
      },
    });
    // The service logged it; IPC only logs what escapes the service.
    expect(console.error).toHaveBeenCalledWith(
      'dashboard operation "refreshPeers" failed',
      expect.any(Error),
    );
  });

  it('pushes events to our window only while it is open, and disposes cleanly', async () => {
    const { node, contents, dispose, closeWindow } = setup();
    const peers = [peerRecord('10.0.0.2:5000')];
    node.emit('peers-changed', peers);
    node.emit('chain-changed', { height: 4, reason: 'received' });
    expect(contents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNELS.peers, peers);
    expect(contents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNELS.chain, { height: 4, reason: 'received' });
    contents.send.mockClear();
    contents.destroyed = true;
    node.emit('peers-changed', peers);
    expect(contents.send).not.toHaveBeenCalled();
    closeWindow();
    node.emit('peers-changed', peers);
    dispose();
    expect(handledChannels()).toEqual([]);
  });
});
