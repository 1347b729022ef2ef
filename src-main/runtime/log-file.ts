/**
 * The node's log file, `node.log` in its data folder: what went wrong and when, for a teacher to find
 * and send (a packaged app has no console anyone reads). Bounded: past a size it is moved to
 * `node.log.1` (replacing the one before) and started again.
 */
import { appendFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { NodeLogger } from '../node/ports.ts';

/** The log file's name inside the data folder. */
export const LOG_FILE = 'node.log';
/** Size past which the log is rotated. */
export const LOG_MAX_BYTES = 2 * 1024 * 1024;

/** The log file: a pino logger for Fastify and the node's own logging function. */
export interface LogFile {
  path: string;
  logger: Logger;
  log: NodeLogger;
}

/** Opens (creates on first write) the bounded log file in `dir`. */
export function openLogFile(dir: string, maxBytes = LOG_MAX_BYTES): LogFile {
  const path = join(dir, LOG_FILE);
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    size = 0;
  }
  const stream = {
    write(line: string): void {
      try {
        if (size + line.length > maxBytes) {
          renameSync(path, `${path}.1`);
          size = 0;
        }
        appendFileSync(path, line);
        size += Buffer.byteLength(line);
      } catch {
        // A log that cannot be written must never take the node down with it.
      }
    },
  };
  const logger = pino({ level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  const log: NodeLogger = (level, text, error) => {
    if (error === undefined) logger[level](text);
    else logger[level]({ err: error }, text);
  };
  return { path, logger, log };
}
