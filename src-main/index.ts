/** Electron composition root: open the saved node, start it, serve its dashboard over IPC, open the window. */
import { app, dialog, net, powerMonitor, protocol, session } from 'electron';
import type { BrowserWindow } from 'electron';
import { describePreloadFailure, describeStartFailure, installQuitHandling } from './app/lifecycle.ts';
import { resolveAppPaths } from './app/paths.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app/protocol.ts';
import { createOurUrlCheck, guardSession } from './app/security.ts';
import { createMainWindow } from './app/window.ts';
import { registerIpc } from './control/ipc.ts';
import { createDashboardService } from './control/service.ts';
import { registerSpectator } from './control/spectator.ts';
import { createProofSearcher } from './mining/index.ts';
import { startNode } from './runtime/start-node.ts';
import { openElectronStoreStorage } from './store/electron-store.ts';

// Must happen before `ready`: app://blockparty/ is a standard, secure origin like https.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME_PRIVILEGES.scheme, privileges: { ...APP_SCHEME_PRIVILEGES.privileges } },
]);

// Two instances would append to the same chain log: the second one just focuses the first.
if (!app.requestSingleInstanceLock()) app.quit();
else
  void main().catch((error: unknown) => {
    // Anything thrown before the window is up: say so in words, never a silent exit.
    console.error('Blockparty could not start', error);
    const { title, content } = describeStartFailure(error, app.getPath('userData'));
    dialog.showErrorBox(title, content);
    app.exit(1);
  });

async function main(): Promise<void> {
  await app.whenReady();
  const paths = resolveAppPaths(import.meta.url, app.isPackaged, process.env['ELECTRON_RENDERER_URL']);
  const isOurUrl = createOurUrlCheck(paths.page);
  guardSession(session.defaultSession, { isOurUrl });
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler(paths.rendererDir, (url) => net.fetch(url)),
  );

  const dataDir = app.getPath('userData');
  const searcher = createProofSearcher();
  let running;
  try {
    running = await startNode({
      storage: openElectronStoreStorage(dataDir),
      searcher,
      version: app.getVersion(),
      // Phones in the room open the spectator page on the peer port (the join QR code).
      peerRoutes: (server, node) => registerSpectator(server, node, paths.rendererDir),
    });
  } catch (error) {
    await searcher.close();
    console.error('Blockparty could not start', error);
    const { title, content } = describeStartFailure(error, dataDir);
    dialog.showErrorBox(title, content);
    app.exit(1);
    return;
  }
  const node = running;
  const service = createDashboardService(node.node);

  let window: BrowserWindow | null = null;
  const disposeIpc = registerIpc(service, { webContents: () => window?.webContents ?? null, isOurUrl });
  const quitting = installQuitHandling({
    app,
    powerMonitor,
    // Halts the search only: a saved auto-mine stays on, to resume at the next start.
    stopMining: () => node.node.haltMining(),
    stop: async () => {
      disposeIpc();
      service.close();
      await node.close();
    },
  });
  const openWindow = (): void => {
    const opened = createMainWindow({
      preload: paths.preload,
      page: paths.page,
      isOurUrl,
      icon: paths.icon,
      onPreloadFailure: (detail) => {
        const words = describePreloadFailure(detail);
        void dialog.showMessageBox(opened, { type: 'error', ...words });
      },
    });
    window = opened;
    // Windows ends the session without a before-quit: stop mining while there is time.
    opened.on('session-end', () => quitting.sessionEnding());
    opened.on('closed', () => (window = null));
  };
  openWindow();

  app.on('second-instance', () => {
    if (window === null) return openWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => window ?? openWindow());
  // On macOS the node keeps running with its window closed, as apps there do; elsewhere closing quits.
  app.on('window-all-closed', () => process.platform !== 'darwin' && app.quit());
}
