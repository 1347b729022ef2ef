import { existsSync, renameSync } from 'node:fs';
import { basename } from 'node:path';
import { fileStamp } from './block-log.ts';
import { isPlainObject } from './repository.ts';

/** A key-value store opened by `openKeyValueFile`, with what had to be done to open it. */
export interface OpenedKeyValue<T> {
  store: T;
  warnings: string[];
}

/**
 * Opens a conf / electron-store file. Both throw at construction on a file that is not valid JSON;
 * that must not stop the node from starting, so the bad file is moved aside (kept for the user) and
 * a fresh one is started.
 */
export function openKeyValueFile<T>(file: string, open: () => T): OpenedKeyValue<T> {
  try {
    return { store: open(), warnings: [] };
  } catch (error) {
    if (!(error instanceof SyntaxError) || !existsSync(file)) throw error;
    const aside = `${file}.corrupt-${fileStamp()}`;
    renameSync(file, aside);
    const warning =
      `The saved node state ${basename(file)} could not be read (${error.message}). ` +
      `It was moved to ${aside}; the node id, settings, peers and pending transactions start fresh.`;
    return { store: open(), warnings: [warning] };
  }
}

/**
 * The `deserialize` option for conf / electron-store: JSON that is not an object (`[]`, `null`,
 * `"text"`) is as unreadable to us as a syntax error, so it is reported the same way.
 */
export function parseConfigObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (!isPlainObject(value)) throw new SyntaxError('the file does not hold a JSON object');
  return value;
}
