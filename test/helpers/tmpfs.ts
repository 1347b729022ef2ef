/**
 * A small tmpfs of its own for a test (as root, which CI is): a real disk that fills up or turns
 * read-only, for the storage failure tests. Fails with a clear message where it cannot be mounted.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A mounted tmpfs: its folder, and how to fill it, make it read-only, or unmount it. */
export interface SmallDisk {
  dir: string;
  /** Remounts read-only (or back read-write). */
  readOnly(on: boolean): void;
  /** Unmounts and removes the folder. */
  destroy(): void;
}

/** Mounts a tmpfs of `bytes` bytes on a fresh folder. */
export function mountSmallDisk(bytes: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'blockparty-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0777`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `This test mounts a small tmpfs to fill a real disk, which needs root (CI runs as root): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return {
    dir,
    readOnly(on) {
      execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir], { stdio: 'pipe' });
    },
    destroy() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
