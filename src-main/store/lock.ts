/**
 * One node per data folder: two would append to the same chain log. The lock is a directory made
 * atomically (proper-lockfile) and kept fresh while the node runs, so a lock left by a crash goes
 * stale by itself; one whose owner process is gone is taken over at once. A leftover pid file of any
 * other program never blocks a start.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { NodeError } from '../shared/errors.ts';
import { message } from '../shared/messages.ts';
import { storageReason } from './errors.ts';

/** The lock's name inside the data folder. */
export const LOCK_NAME = 'node.lock';
/** A lock not refreshed for this long belongs to a node that is gone. */
const STALE_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Locks `dir` for this process; resolves with the function that releases it. Throws NodeError
 * ('storage-failed') when another live node holds it or the folder cannot be written.
 */
export async function lockDataDir(
  dir: string,
  onLost: (error: Error) => void = () => undefined,
): Promise<() => Promise<void>> {
  const lockPath = join(dir, LOCK_NAME);
  // Beside the lock directory, which must stay empty for proper-lockfile to remove it.
  const ownerPath = `${lockPath}.pid`;
  try {
    mkdirSync(dir, { recursive: true });
    // Older versions kept a pid file that any live process's pid could hold forever.
    rmSync(join(dir, 'node.pid'), { force: true });
    const owner = Number(readFileSync(ownerPath, 'utf8'));
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && !alive(owner)) {
      rmSync(lockPath, { recursive: true, force: true });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new NodeError('storage-failed', storageReason(error, dir));
  }
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: lockPath,
      stale: STALE_MS,
      update: STALE_MS / 4,
      realpath: false,
      onCompromised: onLost,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      let pid = '?';
      try {
        pid = readFileSync(ownerPath, 'utf8').trim() || '?';
      } catch {
        // The owner has not written its pid yet.
      }
      throw new NodeError('storage-failed', message('storage-locked', { pid, dir }));
    }
    throw new NodeError('storage-failed', storageReason(error, dir));
  }
  try {
    writeFileSync(ownerPath, String(process.pid));
  } catch {
    // The pid only speeds up taking over after a crash; the lock holds without it.
  }
  return async () => {
    await release().catch(() => undefined);
    rmSync(ownerPath, { force: true });
  };
}
