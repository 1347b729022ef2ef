/**
 * The one stand-in for the `electron` module in tests. Use it from a test file with
 * `vi.mock('electron', () => import('../helpers/electron-mock.ts'))`; the test then imports the
 * same module to steer it (`setUserDataDir`) or inspect calls. Extend it here rather than mocking
 * Electron again elsewhere.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';

const paths = new Map<string, string>();

/** Points `app.getPath('userData')` at a test folder. */
export function setUserDataDir(dir: string): void {
  paths.set('userData', dir);
}

/** Forgets the folders set by tests and the calls recorded by the mocks. */
export function resetElectronMock(): void {
  paths.clear();
  vi.clearAllMocks();
}

/** Electron's `app`, with the calls main-process code makes at start-up. */
export const app = {
  // Never a real user folder: a test that forgets setUserDataDir must not write into a profile.
  getPath: vi.fn(
    (name: string): string => paths.get(name) ?? join(tmpdir(), `blockparty-mock-${process.pid}`, name),
  ),
  getVersion: vi.fn(() => '0.0.0-test'),
  getName: vi.fn(() => 'Blockparty'),
  isPackaged: false,
  whenReady: vi.fn(() => Promise.resolve()),
  on: vi.fn(),
  quit: vi.fn(),
};

/** Electron's `ipcMain`: records registrations, delivers nothing. */
export const ipcMain = {
  on: vi.fn(),
  handle: vi.fn(),
  removeHandler: vi.fn(),
};

/** Electron's `shell`: never opens anything. */
export const shell = {
  openPath: vi.fn(() => Promise.resolve('')),
  openExternal: vi.fn(() => Promise.resolve()),
};

/** Electron's `ipcRenderer` (only touched in a renderer process, which tests are not). */
export const ipcRenderer = {
  sendSync: vi.fn(),
  invoke: vi.fn(),
  on: vi.fn(),
};

// `import electron from 'electron'` (electron-store does this) reads the default export.
export default { app, ipcMain, shell, ipcRenderer };
