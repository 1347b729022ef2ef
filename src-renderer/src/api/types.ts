import type {
  ApiError,
  DashboardApi,
  DashboardEvents,
  ErrorCode,
  EventName,
  OperationName,
  OperationValue,
} from '@shared/api';

/** Failures the renderer itself detects: the node could not be reached (network, timeout) or answered something that is not a Result (bad-answer). */
export type ClientErrorCode = ErrorCode | 'network' | 'timeout' | 'bad-answer';

/** An error as stores see it: the contract's ApiError, or one the transport made up. */
export interface ClientError extends Omit<ApiError, 'code'> {
  code: ClientErrorCode;
}

/** The result of one operation as the renderer sees it. */
export type ClientResult<T> = { ok: true; value: T } | { ok: false; error: ClientError };

/** Whether the event stream is live: stores refetch their snapshots when it comes back. */
export type ConnectionState = 'connecting' | 'open' | 'lost';

/** The one object stores talk to, whatever the transport (IPC in the app, HTTP + SSE in a browser). */
export type DashboardClient = {
  [K in OperationName]: (...args: Parameters<DashboardApi[K]>) => Promise<ClientResult<OperationValue<K>>>;
} & {
  readonly transport: 'ipc' | 'http';
  /** Subscribes to a node event; returns the unsubscribe function. */
  on<K extends EventName>(event: K, listener: (payload: DashboardEvents[K]) => void): () => void;
  /** Subscribes to connection changes of the event stream. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
};
