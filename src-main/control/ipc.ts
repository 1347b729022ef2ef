import { ipcMain } from 'electron';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import type { ApiError, OperationName, Result } from '../shared/api.ts';
import { EVENT_NAMES, IPC_CHANNELS, IPC_EVENT_CHANNELS, OPERATION_NAMES } from '../shared/api.ts';
import type { DashboardService } from './service.ts';

/** What IPC needs to know about the app's window. */
export interface IpcDeps {
  /** Our window's webContents while it is open: the only sender accepted and the only receiver of events. */
  webContents(): WebContents | null;
  /** Whether a URL is our own page (the built file or the dev server), not something navigated to. */
  isOurUrl(url: string): boolean;
  logError?: (message: string, error: unknown) => void;
}

/** What each operation takes: nothing, an object, or an object that may be left out. */
const INPUT_OF: Readonly<Record<OperationName, 'none' | 'object' | 'optional-object'>> = {
  status: 'none',
  chainPage: 'optional-object',
  block: 'object',
  search: 'object',
  pending: 'none',
  balances: 'none',
  submitTransaction: 'object',
  mine: 'none',
  stopMining: 'none',
  peers: 'none',
  addPeers: 'object',
  removePeer: 'object',
  refreshPeers: 'none',
  resolve: 'none',
  settings: 'none',
  updateSettings: 'object',
  resetChain: 'none',
  activity: 'none',
  nearby: 'none',
  joinNetwork: 'object',
  diagnose: 'optional-object',
  joinCode: 'none',
  joinByCode: 'object',
  networkView: 'none',
  forkTree: 'optional-object',
  flights: 'optional-object',
  tamperPreview: 'object',
  tamperSend: 'object',
  setPrivateMining: 'object',
  setPace: 'object',
};

/** Whether an invoke comes from our window's top frame showing our page (not an iframe, not a page navigated to). */
export function isTrustedSender(
  event: IpcMainInvokeEvent,
  deps: Pick<IpcDeps, 'webContents' | 'isOurUrl'>,
): boolean {
  const ours = deps.webContents();
  const frame = event.senderFrame;
  return (
    ours !== null &&
    !ours.isDestroyed() &&
    event.sender === ours &&
    frame !== null &&
    frame === ours.mainFrame &&
    deps.isOurUrl(frame.url)
  );
}

/** Checks the shape of an operation's arguments; the service checks the fields. */
export function checkPayload(name: OperationName, args: unknown[]): ApiError | null {
  const kind = INPUT_OF[name];
  const [input] = args;
  if (args.length > 1) return { code: 'invalid-request', message: `${name} takes at most one argument.` };
  if (input === undefined || input === null) {
    return kind === 'object'
      ? { code: 'invalid-request', message: `${name} needs an object argument.` }
      : null;
  }
  if (kind === 'none') return { code: 'invalid-request', message: `${name} takes no argument.` };
  // Structured clone carries Dates, Maps, typed arrays…: only plain objects are a valid input.
  const proto: unknown = typeof input === 'object' ? Object.getPrototypeOf(input) : undefined;
  if (typeof input !== 'object' || Array.isArray(input) || (proto !== Object.prototype && proto !== null)) {
    return { code: 'invalid-request', message: `${name} needs a plain object argument.` };
  }
  return null;
}

/**
 * Registers one `ipcMain.handle` per operation and forwards the service's events to our window.
 * Returns a function that removes the handlers and the subscriptions.
 */
export function registerIpc(service: DashboardService, deps: IpcDeps): () => void {
  const logError = deps.logError ?? ((message, error) => console.error(message, error));

  for (const name of OPERATION_NAMES) {
    ipcMain.handle(IPC_CHANNELS[name], async (event, ...args: unknown[]): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, deps)) {
        logError(`refused IPC "${IPC_CHANNELS[name]}" from an untrusted sender`, event.senderFrame?.url);
        return {
          ok: false,
          error: { code: 'forbidden', message: 'This request did not come from the dashboard.' },
        };
      }
      const invalid = checkPayload(name, args);
      if (invalid !== null) return { ok: false, error: invalid };
      try {
        const call = service[name] as (input?: unknown) => Promise<Result<unknown>>;
        return await call.call(service, args[0] ?? undefined);
      } catch (error) {
        // The service returns expected failures as values; anything thrown here is a bug.
        logError(`IPC "${IPC_CHANNELS[name]}" failed`, error);
        return {
          ok: false,
          error: { code: 'internal', message: `Unexpected error: ${(error as Error).message}` },
        };
      }
    });
  }

  const unsubscribers = EVENT_NAMES.map((name) =>
    service.on(name, (payload) => {
      const target = deps.webContents();
      if (target !== null && !target.isDestroyed()) target.send(IPC_EVENT_CHANNELS[name], payload);
    }),
  );

  return () => {
    for (const name of OPERATION_NAMES) ipcMain.removeHandler(IPC_CHANNELS[name]);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
