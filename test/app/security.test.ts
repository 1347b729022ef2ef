import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BrowserWindow,
  createSession,
  createWebContents,
  resetIpcMock,
  shell,
} from '../helpers/electron-ipc-mock.ts';

vi.mock('electron', () => import('../helpers/electron-ipc-mock.ts'));
const { createOurUrlCheck, guardSession, guardWebContents, isSafeExternalUrl, openExternalSafely } =
  await import('../../src-main/app/security.ts');
const { createMainWindow, SECURE_WEB_PREFERENCES } = await import('../../src-main/app/window.ts');
const { resolveAppPaths } = await import('../../src-main/app/paths.ts');

const PAGE = 'app://blockparty/index.html';

describe('window security', () => {
  beforeEach(() => resetIpcMock());

  it('keeps the secure defaults in one constant', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(Object.isFrozen(SECURE_WEB_PREFERENCES)).toBe(true);
  });

  it('opens the main window with them, the preload, and our page', () => {
    const isOurUrl = createOurUrlCheck({ appUrl: PAGE });
    createMainWindow({ preload: '/app/out/preload/index.cjs', page: { appUrl: PAGE }, isOurUrl });
    const [window] = BrowserWindow.instances;
    expect(window!.options['webPreferences']).toEqual({
      ...SECURE_WEB_PREFERENCES,
      preload: '/app/out/preload/index.cjs',
    });
    expect(window!.loadURL).toHaveBeenCalledWith(PAGE);
    expect(window!.webContents.fire('will-navigate', 'https://evil.example/').defaultPrevented).toBe(true);
  });

  it('shows a window whose page failed to load, and reloads a crashed page', () => {
    const isOurUrl = createOurUrlCheck({ appUrl: PAGE });
    createMainWindow({ preload: '/p.cjs', page: { appUrl: PAGE }, isOurUrl });
    const window = BrowserWindow.instances.at(-1)!;
    window.webContents.emit('did-fail-load', -6, 'ERR_FILE_NOT_FOUND');
    expect(window.show).toHaveBeenCalled();
    window.webContents.emit('render-process-gone', { reason: 'crashed', exitCode: 1 });
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
    window.webContents.emit('render-process-gone', { reason: 'clean-exit', exitCode: 0 });
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
  });

  it('shows the window after a while when ready-to-show never comes, and reports a failed preload', () => {
    vi.useFakeTimers();
    try {
      const onPreloadFailure = vi.fn();
      const isOurUrl = createOurUrlCheck({ appUrl: PAGE });
      createMainWindow({
        preload: '/p.cjs',
        page: { appUrl: PAGE },
        isOurUrl,
        onPreloadFailure,
        showFallbackMs: 500,
      });
      const window = BrowserWindow.instances.at(-1)!;
      expect(window.once).toHaveBeenCalledWith('ready-to-show', expect.any(Function));
      vi.advanceTimersByTime(499);
      expect(window.show).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(window.show).toHaveBeenCalledOnce();
      window.webContents.emit('preload-error', '/p.cjs', new Error('module not found: path'));
      window.webContents.emit('preload-error', '/p.cjs', new Error('again'));
      expect(onPreloadFailure).toHaveBeenCalledOnce();
      expect(onPreloadFailure).toHaveBeenCalledWith('/p.cjs: module not found: path');
    } finally {
      vi.useRealTimers();
    }
  });

  it('recognises our page only', () => {
    const ours = createOurUrlCheck({ appUrl: PAGE });
    expect(ours(`${PAGE}#/blocks/3`)).toBe(true);
    expect(ours('app://blockparty/')).toBe(true);
    expect(ours('app://evil/index.html')).toBe(false);
    expect(ours('file:///opt/Blockparty/resources/app.asar/out/renderer/index.html')).toBe(false);
    expect(ours('file:///etc/passwd')).toBe(false);
    expect(ours('https://evil.example/index.html')).toBe(false);
    expect(ours('https://blockparty/index.html')).toBe(false);
    expect(ours('not a url')).toBe(false);
    const dev = createOurUrlCheck({ devServerUrl: 'http://localhost:5173/' });
    expect(dev('http://localhost:5173/#/peers')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
  });

  it('denies navigation away, window.open and webviews; sends http(s) links to the browser', async () => {
    const contents = createWebContents(PAGE);
    guardWebContents(contents as never, createOurUrlCheck({ appUrl: PAGE }));
    expect(contents.fire('will-navigate', 'https://evil.example/').defaultPrevented).toBe(true);
    expect(contents.fire('will-redirect', 'file:///etc/passwd').defaultPrevented).toBe(true);
    expect(contents.fire('will-navigate', `${PAGE}#/peers`).defaultPrevented).toBe(false);
    expect(contents.fire('will-attach-webview').defaultPrevented).toBe(true);

    expect(contents.windowOpenHandler!({ url: 'https://github.com/dvf/blockchain' })).toEqual({
      action: 'deny',
    });
    expect(shell.openExternal).toHaveBeenCalledWith('https://github.com/dvf/blockchain');
    shell.openExternal.mockClear();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-settings:']) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('opens only http(s) externally', async () => {
    expect(isSafeExternalUrl('http://192.168.0.5:5000/chain')).toBe(true);
    expect(isSafeExternalUrl('HTTPS://example.com')).toBe(true);
    expect(isSafeExternalUrl('file:///C:/Windows/System32/calc.exe')).toBe(false);
    expect(isSafeExternalUrl('')).toBe(false);
    expect(await openExternalSafely('vbscript:msgbox')).toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('denies every permission but clipboard writes from our page', () => {
    const ses = createSession();
    const isOurUrl = createOurUrlCheck({ appUrl: PAGE });
    guardSession(ses as never, { isOurUrl });
    const ours = { getURL: () => `${PAGE}#/overview` };
    const other = { getURL: () => 'https://evil.example/' };
    const granted = vi.fn();
    ses.requestHandler!(ours, 'media', granted);
    expect(granted).toHaveBeenLastCalledWith(false);
    ses.requestHandler!(ours, 'clipboard-sanitized-write', granted);
    expect(granted).toHaveBeenLastCalledWith(true);
    ses.requestHandler!(other, 'clipboard-sanitized-write', granted);
    expect(granted).toHaveBeenLastCalledWith(false);
    expect(ses.checkHandler!(ours, 'notifications')).toBe(false);
    expect(ses.checkHandler!(ours, 'clipboard-sanitized-write')).toBe(true);
    expect(ses.checkHandler!(null, 'clipboard-sanitized-write')).toBe(false);
    // The CSP travels with each response of the app: protocol handler (protocol.test.ts), not here.
    expect(ses.webRequest.onHeadersReceived).not.toHaveBeenCalled();
  });

  it('ignores the dev server URL in a packaged app', () => {
    const main = 'file:///opt/Blockparty/resources/app.asar/out/main/index.js';
    expect(resolveAppPaths(main, true, 'http://evil.example/').page).toEqual({ appUrl: PAGE });
    expect(resolveAppPaths(main, true, undefined).rendererDir).toBe(
      '/opt/Blockparty/resources/app.asar/out/renderer',
    );
    expect(resolveAppPaths(main, false, 'http://localhost:5173/').page).toEqual({
      devServerUrl: 'http://localhost:5173/',
    });
    expect(resolveAppPaths(main, false, undefined).preload).toMatch(/out[/\\]preload[/\\]index\.cjs$/);
  });
});
