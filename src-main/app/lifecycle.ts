/**
 * How the app quits. A quit the person asks for (menu, Cmd+Q, closing the window) waits until the node
 * has stopped: mining stopped, peer server closed, queued writes on disk. A quit that comes from the
 * operating system (shutdown, restart, log-out) is never deferred: deferring `before-quit` there is
 * what macOS takes as refusing to quit, which aborts the shutdown. The node saves every change as it
 * happens, so stopping the miner is all that must happen before the OS ends the process.
 */
import type { App, PowerMonitor } from 'electron';

/** What quitting needs from the app and the node. */
export interface QuitDeps {
  app: Pick<App, 'on' | 'quit'>;
  /** Electron's powerMonitor: its `shutdown` comes before the OS quits the app (Linux, macOS). */
  powerMonitor: Pick<PowerMonitor, 'on'>;
  /** Stops mining at once (synchronous: the OS may end the process right after). */
  stopMining(): void;
  /** Stops the dashboard and the node and waits for everything to be saved. */
  stop(): Promise<void>;
  /** A stop that takes longer is abandoned and the app quits anyway (default 10 s). */
  stopTimeoutMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/** Lets a window report the Windows session ending (`session-end`, when no `before-quit` comes). */
export interface QuitControl {
  /** The OS is ending the session: stop mining now, stop the node as far as time allows. */
  sessionEnding(): void;
}

/** Installs the quit handling on `app` and `powerMonitor`. */
export function installQuitHandling(deps: QuitDeps): QuitControl {
  const log = deps.log ?? ((message, error) => console.error(message, error ?? ''));
  const timeoutMs = deps.stopTimeoutMs ?? 10_000;
  let stage: 'running' | 'stopping' | 'stopped' = 'running';
  let osEnding = false;
  let stopped: Promise<void> | null = null;

  const beginStop = (): Promise<void> => {
    if (stopped) return stopped;
    stage = 'stopping';
    try {
      deps.stopMining();
    } catch (error) {
      log('error while stopping mining', error);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((done) => {
      timer = setTimeout(() => {
        log(`the node did not stop within ${timeoutMs} ms; quitting anyway`);
        done();
      }, timeoutMs);
    });
    stopped = Promise.race([
      deps.stop().catch((error: unknown) => log('error while stopping the node', error)),
      deadline,
    ]).finally(() => {
      clearTimeout(timer);
      stage = 'stopped';
    });
    return stopped;
  };

  const sessionEnding = (): void => {
    osEnding = true;
    // Then leave by ourselves, whether or not the OS's own quit request has come meanwhile.
    void beginStop().then(() => deps.app.quit());
  };
  // Linux and macOS announce a shutdown before quitting the app; not calling preventDefault here
  // leaves the OS's schedule alone.
  deps.powerMonitor.on('shutdown', sessionEnding);

  deps.app.on('before-quit', (event) => {
    if (stage === 'stopped') return;
    if (osEnding) {
      // The OS is quitting us: never refuse, just stop what can be stopped synchronously.
      void beginStop();
      return;
    }
    event.preventDefault();
    if (stage === 'stopping') return;
    void beginStop().then(() => deps.app.quit());
  });

  return { sessionEnding };
}

/** The words of the dialog shown when the node cannot start: what happened, then what to do. */
export function describeStartFailure(error: unknown, dataDir: string): { title: string; content: string } {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    title: 'Blockparty could not start',
    content: [
      reason,
      '',
      'What you can do:',
      '• Quit every other Blockparty window on this computer, then start Blockparty again.',
      '• Restart the computer if another program still holds the files or the network port.',
      `• If it still fails, the saved data may be damaged: move the folder ${dataDir} to the desktop ` +
        'and start Blockparty again. It starts with a new chain; the moved folder keeps the old one.',
    ].join('\n'),
  };
}

/** The words of the dialog shown when the window's preload failed: the dashboard cannot work. */
export function describePreloadFailure(detail: string): { title: string; message: string; detail: string } {
  return {
    title: 'Blockparty is damaged',
    message: 'The Blockparty window cannot talk to its node, so the dashboard stays empty.',
    detail:
      'A part of the app (its preload script) did not load. Install Blockparty again from its ' +
      `installer; your chain and settings are kept.\n\nTechnical detail: ${detail}`,
  };
}
