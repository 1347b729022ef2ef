import { EVENT_NAMES, OPERATION_NAMES, subscriberName } from '@shared/api';
import type { DashboardEvents, EventName, OperationName } from '@shared/api';
import type { WindowApi } from '@shared/window-api';
import type { ClientResult, ConnectionState, DashboardClient } from './types';

type AnyOperation = (input?: unknown) => Promise<ClientResult<unknown>>;

/** Wraps the preload's `window.api` (desktop app): IPC calls, IPC events, always connected. */
export function createIpcClient(windowApi: WindowApi): DashboardClient {
  const operations: Partial<Record<OperationName, AnyOperation>> = {};
  for (const name of OPERATION_NAMES) {
    const method = windowApi[name] as unknown as AnyOperation;
    operations[name] = async (input?: unknown) => {
      try {
        return await method(input);
      } catch (error) {
        // Expected failures come back as values; a rejection is a bug or a broken preload.
        return { ok: false, error: { code: 'internal', message: errorMessage(error) } };
      }
    };
  }
  const client = {
    ...operations,
    transport: 'ipc' as const,
    on<K extends EventName>(event: K, listener: (payload: DashboardEvents[K]) => void): () => void {
      if (!EVENT_NAMES.includes(event)) throw new Error(`Unknown event ${event}`);
      const subscribe = windowApi[subscriberName(event)] as unknown as (
        cb: (payload: DashboardEvents[K]) => void,
      ) => () => void;
      return subscribe(listener);
    },
    onConnection(listener: (state: ConnectionState) => void): () => void {
      listener('open');
      return () => {};
    },
  };
  return client as unknown as DashboardClient;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
