import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as Asar from '@electron/asar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopApp } from './support/desktop-app.ts';
import { buildDesktopApp, launchDesktopApp, packageDesktopApp, seedUserData } from './support/desktop-app.ts';
import {
  fetchChain,
  mine,
  peerAddress,
  problems,
  savedState,
  sendTransaction,
  waitForText,
} from './support/dashboard.ts';

// The app as electron-builder packages it (`--linux dir` on a stand-in Electron distribution): main
// read from resources/app.asar as Electron reads it, workers from app.asar.unpacked. BLOCKPARTY_PACKAGED_APP
// points at a package made elsewhere (.ci/run packages the project's own build); otherwise the test
// builds and packages one in a temporary folder.
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as typeof Asar;

let root: string;
let asarPath: string;
const running: DesktopApp[] = [];

function temp(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function start(userData: string): DesktopApp {
  const run = launchDesktopApp({ app: asarPath, userData, profileDir: temp('profiles') });
  running.push(run);
  return run;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'blockparty-packaged-'));
  asarPath = process.env['BLOCKPARTY_PACKAGED_APP']
    ? resolve(process.env['BLOCKPARTY_PACKAGED_APP'])
    : packageDesktopApp(buildDesktopApp(temp('app')), temp('package'));
}, 300_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((run) => run.kill()));
});

// Chromium, killed as each run ends, may still be leaving its profile: retry.
afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));

describe('the packaged app (electron-builder --linux dir)', { timeout: 120_000 }, () => {
  it('carries the bundles and no node_modules; workers sit unpacked beside the archive', () => {
    const files = asar.listPackage(asarPath, { isPack: false });
    expect(files.filter((file) => file.includes('node_modules'))).toEqual([]);
    for (const file of [
      '/out/main/index.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
      '/package.json',
    ]) {
      expect(files).toContain(file);
    }
    const unpacked = `${asarPath}.unpacked`;
    expect(existsSync(join(unpacked, 'out/main/mining-worker.js'))).toBe(true);
    expect(existsSync(join(unpacked, 'out/main/validate-worker.js'))).toBe(true);
    // Main imports nothing but Electron and Node's built-ins: nothing to resolve from node_modules.
    const main = asar.extractFile(asarPath, 'out/main/index.js').toString('utf8');
    const bare = [...main.matchAll(/^import\s[^'"]*["']([^"'.][^"']*)["']/gm)].map((match) => match[1]);
    expect(bare.filter((name) => name !== 'electron' && !name!.startsWith('node:'))).toEqual([]);
  });

  it('starts, mines through the unpacked worker, takes a transaction, quits, comes back; a second instance quits', async () => {
    const userData = temp('user-data');
    await seedUserData(userData, { name: 'Packaged desk' });
    const app = start(userData);
    const page = await app.page();
    await waitForText(page, '[data-testid=node-name]', /Packaged desk/);
    await waitForText(page, '[data-testid=strip-height]', /^1$/);
    const address = await peerAddress(page);
    await sendTransaction(page, { sender: 'erin', recipient: 'frank', amount: '3' }, 1);
    await mine(page, 2);
    expect((await fetchChain(address)).length).toBe(2);

    const chainBefore = readFileSync(join(userData, 'chain.log'));
    const second = start(userData);
    expect(await second.exited, second.output()).toBe(0);
    await app.waitFor('second-instance');
    expect(readFileSync(join(userData, 'chain.log'))).toEqual(chainBefore);

    app.send({ type: 'menu-quit' });
    expect(await app.exited, app.output()).toBe(0);
    expect(problems(app)).toEqual([]);
    expect(savedState(userData).blocks).toHaveLength(2);

    const again = start(userData);
    await waitForText(await again.page(), '[data-testid=strip-height]', /^2$/);
    again.send({ type: 'close-window' });
    expect(await again.exited).toBe(0);
    expect(problems(again)).toEqual([]);
  });
});
