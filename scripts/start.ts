/**
 * `npm start`: builds and opens the desktop app (`electron-vite preview`), or, where Electron's binary
 * is not installed, says in one line what to do instead of Electron's own "Electron uninstall" error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The Electron binary the `electron` package would start, when it is really there. Read as the
 * package reads it (path.txt, dist/) but without `require('electron')`, which tries to download the
 * binary when it is missing and then fails with a message about uninstalling.
 */
function electronBinary(): string | null {
  const root = dirname(require.resolve('electron/package.json'));
  const pathFile = join(root, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = readFileSync(pathFile, 'utf8');
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const binary = override ? join(override, executable) : join(root, 'dist', executable);
  return existsSync(binary) ? binary : null;
}

if (electronBinary() === null) {
  process.stderr.write(
    "blockparty: Electron's binary is not installed here, so the window cannot open: run `npm run node` " +
      'for the same node with its dashboard in your browser, or run `npm ci` on a machine that can download Electron.\n',
  );
  process.exit(1);
}
const preview = spawnSync(
  process.execPath,
  [
    join(dirname(require.resolve('electron-vite/package.json')), 'bin/electron-vite.js'),
    'preview',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
process.exit(preview.status ?? 1);
