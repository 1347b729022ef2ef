/**
 * The failures the node reports, once for every transport: each code has one HTTP status on the peer
 * API and on the control API, and carries a {@link Message} saying exactly what went wrong.
 */
import { renderMessage, type Message } from './messages.ts';

/** Error codes and their HTTP status (the same on every transport). */
export const ERROR_STATUS = {
  /** A payload of the wrong shape (see `field`). */
  'invalid-request': 400,
  'invalid-json': 400,
  'invalid-transaction': 400,
  'invalid-address': 400,
  'invalid-settings': 400,
  'body-too-large': 413,
  /** The node keeps at most so many peers. */
  'too-many-peers': 409,
  /** The pending pool is full until a block is mined. */
  'pool-full': 429,
  'not-found': 404,
  'mining-cancelled': 409,
  /** A saved chain under another profile than the one asked for. */
  'profile-mismatch': 409,
  'remote-mining-disabled': 403,
  'cross-site-refused': 403,
  unauthorized: 401,
  /** HTTP: bad Host/Origin; IPC: the sender is not our window. */
  forbidden: 403,
  /** The disk refused a write: full, read-only or not ours (the detail says which and what to do). */
  'storage-failed': 507,
  'node-closed': 503,
  /** A bug: logged, shown as such. */
  internal: 500,
} as const satisfies Record<string, number>;

/** One of the error codes. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every error code. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** An expected failure as it crosses IPC or HTTP. */
export interface ApiError {
  code: ErrorCode;
  /** English, for logs and clients that do not know `detail`. */
  message: string;
  /** What exactly, for the dashboard to word in the viewer's language. */
  detail?: Message;
  /** The input field at fault, for forms. */
  field?: string;
}

/** An expected failure thrown inside the node; transports turn it into an {@link ApiError}. */
export class NodeError extends Error {
  override name = 'NodeError';

  constructor(
    readonly code: ErrorCode,
    readonly detail: Message,
    readonly field?: string,
  ) {
    super(renderMessage(detail));
  }

  /** This error as it crosses a transport. */
  toApiError(): ApiError {
    const error: ApiError = { code: this.code, message: this.message, detail: this.detail };
    if (this.field !== undefined) error.field = this.field;
    return error;
  }
}

/** NodeError, also when it comes from another copy of the module (bundles, test doubles). */
export function isNodeError(error: unknown): error is NodeError {
  return (
    error instanceof NodeError ||
    (error instanceof Error &&
      error.name === 'NodeError' &&
      typeof (error as NodeError).code === 'string' &&
      typeof (error as NodeError).detail === 'object')
  );
}

/** The HTTP status of an error code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code] ?? 500;
}
