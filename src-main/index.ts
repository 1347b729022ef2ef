/** Electron composition root: open the saved node, start it, serve its dashboard over IPC, open the window. */
import { app, dialog, session } from 'electron';
import type { BrowserWindow } from 'electron';
import { resolveAppPaths } from './app/paths.ts';
import { createOurUrlCheck, guardSession } from './app/security.ts';
import { createMainWindow } from './app/window.ts';
import { registerIpc } from './control/ipc.ts';
import { createDashboardService } from './control/service.ts';
import { createProofSearcher } from './mining/index.ts';
import { startNode } from './runtime/start-node.ts';
import { openElectronStoreStorage } from './store/electron-store.ts';

// Two instances would append to the same chain log: the second one just focuses the first.
if (!app.requestSingleInstanceLock()) app.quit();
else void main();

async function main(): Promise<void> {
  await app.whenReady();
  const paths = resolveAppPaths(import.meta.url, app.isPackaged, process.env['ELECTRON_RENDERER_URL']);
  const isOurUrl = createOurUrlCheck(paths.page);
  guardSession(session.defaultSession, { csp: 'fileUrl' in paths.page, isOurUrl });

  const searcher = createProofSearcher();
  let running;
  try {
    running = await startNode({ storage: openElectronStoreStorage(), searcher, version: app.getVersion() });
  } catch (error) {
    await searcher.close();
    dialog.showErrorBox('Blockparty could not start', (error as Error).message);
    app.exit(1);
    return;
  }
  const service = createDashboardService(running.node);

  let window: BrowserWindow | null = null;
  const openWindow = (): void => {
    window = createMainWindow({ preload: paths.preload, page: paths.page, isOurUrl, icon: paths.icon });
    window.on('closed', () => (window = null));
  };
  const disposeIpc = registerIpc(service, { webContents: () => window?.webContents ?? null, isOurUrl });
  openWindow();

  app.on('second-instance', () => {
    if (window === null) return openWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => window ?? openWindow());
  // On macOS the node keeps running with its window closed, as apps there do; elsewhere closing quits.
  app.on('window-all-closed', () => process.platform !== 'darwin' && app.quit());

  // Quitting waits for the node: mining stopped, peer server closed, everything saved.
  let stage: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (stage === 'stopped') return;
    event.preventDefault();
    if (stage === 'stopping') return;
    stage = 'stopping';
    disposeIpc();
    service.close();
    running
      .close()
      .catch((error: unknown) => console.error('error while stopping the node', error))
      .finally(() => {
        stage = 'stopped';
        app.quit();
      });
  });
}
