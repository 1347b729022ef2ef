/**
 * Builds the app before `npm run node` when the headless bundle (`out/main/headless.js`) or the dashboard
 * (`out/renderer`) is missing or older than its sources: the node runs from the built bundle.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BUILT = ['out/renderer/index.html', 'out/main/headless.js'];
const SOURCES = ['src-renderer', 'src-main', 'electron.vite.config.ts', 'package.json'];

function newest(dir: string): number {
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const builtAt = Math.min(...BUILT.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
if (builtAt < Math.max(...SOURCES.map(newest))) {
  process.stdout.write('Building the node and its dashboard (once)…\n');
  execFileSync(
    process.execPath,
    ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'],
    {
      stdio: 'inherit',
    },
  );
}
