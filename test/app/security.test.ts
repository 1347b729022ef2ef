import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src-main/shared/security.ts';
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

const FILE_PAGE = 'file:///opt/Blockparty/resources/app.asar/out/renderer/index.html';

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
    const isOurUrl = createOurUrlCheck({ fileUrl: FILE_PAGE });
    createMainWindow({ preload: '/app/out/preload/index.cjs', page: { fileUrl: FILE_PAGE }, isOurUrl });
    const [window] = BrowserWindow.instances;
    expect(window!.options['webPreferences']).toEqual({
      ...SECURE_WEB_PREFERENCES,
      preload: '/app/out/preload/index.cjs',
    });
    expect(window!.loadURL).toHaveBeenCalledWith(FILE_PAGE);
    expect(window!.webContents.fire('will-navigate', 'https://evil.example/').defaultPrevented).toBe(true);
  });

  it('shows a window whose page failed to load, and reloads a crashed page', () => {
    const isOurUrl = createOurUrlCheck({ fileUrl: FILE_PAGE });
    createMainWindow({ preload: '/p.cjs', page: { fileUrl: FILE_PAGE }, isOurUrl });
    const window = BrowserWindow.instances.at(-1)!;
    window.webContents.emit('did-fail-load', -6, 'ERR_FILE_NOT_FOUND');
    expect(window.show).toHaveBeenCalled();
    window.webContents.emit('render-process-gone', { reason: 'crashed', exitCode: 1 });
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
    window.webContents.emit('render-process-gone', { reason: 'clean-exit', exitCode: 0 });
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
  });

  it('recognises our page only', () => {
    const file = createOurUrlCheck({ fileUrl: FILE_PAGE });
    expect(file(`${FILE_PAGE}#/blocks/3`)).toBe(true);
    expect(file('file:///etc/passwd')).toBe(false);
    expect(file('https://evil.example/index.html')).toBe(false);
    expect(file('not a url')).toBe(false);
    const dev = createOurUrlCheck({ devServerUrl: 'http://localhost:5173/' });
    expect(dev('http://localhost:5173/#/peers')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
  });

  it('denies navigation away, window.open and webviews; sends http(s) links to the browser', async () => {
    const contents = createWebContents(FILE_PAGE);
    guardWebContents(contents as never, createOurUrlCheck({ fileUrl: FILE_PAGE }));
    expect(contents.fire('will-navigate', 'https://evil.example/').defaultPrevented).toBe(true);
    expect(contents.fire('will-redirect', 'file:///etc/passwd').defaultPrevented).toBe(true);
    expect(contents.fire('will-navigate', `${FILE_PAGE}#/peers`).defaultPrevented).toBe(false);
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

  it('denies every permission but clipboard writes from our page, and adds the CSP header in the built app', () => {
    const ses = createSession();
    const isOurUrl = createOurUrlCheck({ fileUrl: FILE_PAGE });
    guardSession(ses as never, { csp: true, isOurUrl });
    const ours = { getURL: () => `${FILE_PAGE}#/overview` };
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
    const respond = vi.fn();
    ses.headersHandler!({ responseHeaders: { 'X-Other': ['1'] } }, respond);
    expect(respond).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);

    const dev = createSession();
    guardSession(dev as never, { csp: false, isOurUrl });
    expect(dev.webRequest.onHeadersReceived).not.toHaveBeenCalled();
  });

  it('ignores the dev server URL in a packaged app', () => {
    const main = 'file:///opt/Blockparty/resources/app.asar/out/main/index.js';
    expect(resolveAppPaths(main, true, 'http://evil.example/').page).toEqual({ fileUrl: FILE_PAGE });
    expect(resolveAppPaths(main, false, 'http://localhost:5173/').page).toEqual({
      devServerUrl: 'http://localhost:5173/',
    });
    expect(resolveAppPaths(main, false, undefined).preload).toMatch(/out[/\\]preload[/\\]index\.cjs$/);
  });
});
