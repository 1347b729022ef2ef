import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopApp } from './support/desktop-app.ts';
import { buildDesktopApp, launchDesktopApp, seedUserData } from './support/desktop-app.ts';
import {
  fetchChain,
  go,
  heightOf,
  mine,
  peerAddress,
  problems,
  savedState,
  sendTransaction,
  textOf,
  waitForText,
} from './support/dashboard.ts';

// The real built bundle (electron-vite build with the project's config) run under the stand-in
// Electron: main in Node, the window in headless Chromium with the real preload. Through the UI only.
let root: string;
let builtApp: string;
const running: DesktopApp[] = [];

function temp(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function start(userData: string, env?: Record<string, string>, app = builtApp): DesktopApp {
  const run = launchDesktopApp({ app, userData, profileDir: temp('profiles'), env });
  running.push(run);
  return run;
}

async function quitBy(run: DesktopApp, command: 'menu-quit' | 'close-window'): Promise<void> {
  run.send({ type: command });
  expect(await run.exited, run.output()).toBe(0);
  expect(problems(run)).toEqual([]);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'blockparty-desktop-'));
  builtApp = buildDesktopApp(temp('app'));
}, 180_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((run) => run.kill()));
});

// Chromium, killed as each run ends, may still be leaving its profile: retry.
afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));

describe('the built desktop app under the stand-in Electron', { timeout: 120_000 }, () => {
  let userData: string;

  beforeAll(async () => {
    userData = temp('user-data');
    await seedUserData(userData, { name: 'Desk 7' });
  }, 60_000);

  it('starts with the saved node, mines, takes a transaction, quits by the menu and comes back', async () => {
    const saved = savedState(userData);
    const app = start(userData);
    const page = await app.page();
    expect(new URL(await page.evaluate('location.href')).host).toBe('blockparty.app.stand-in.localhost');
    await waitForText(page, '[data-testid=node-name]', /Desk 7/);
    expect(await textOf(page, '[data-testid=node-id]')).toContain(saved.config.nodeId);
    await waitForText(page, '[data-testid=strip-height]', /^1$/);
    expect((await app.waitFor('window', (event) => event.event === 'shown')).id).toBe(1);

    // The peer server listens, and serves the chain the dashboard shows.
    const address = await peerAddress(page);
    expect((await fetchChain(address)).chain).toEqual(saved.blocks);

    await sendTransaction(page, { sender: 'alice', recipient: 'bob', amount: '5' }, 1);
    await mine(page, 2);
    await waitForText(page, '[data-testid=strip-pending]', /^0$/);
    const served = await fetchChain(address);
    expect(served.length).toBe(2);
    expect(served.chain[1]!['transactions']).toEqual(
      expect.arrayContaining([expect.objectContaining({ sender: 'alice', recipient: 'bob', amount: 5 })]),
    );

    await quitBy(app, 'menu-quit');
    const after = savedState(userData);
    expect(after.blocks).toEqual(served.chain);
    expect(after.config.pending).toEqual([]);

    const again = start(userData);
    const page2 = await again.page();
    await waitForText(page2, '[data-testid=strip-height]', /^2$/);
    expect(await textOf(page2, '[data-testid=node-id]')).toContain(saved.config.nodeId);
    await go(page2, 'chain');
    await page2.click('[data-testid=block-2]');
    await waitForText(page2, '[data-testid=block-detail]', /alice[\s\S]*bob/);
    await quitBy(again, 'menu-quit');
  });

  it("keeps a pending transaction when the window's close button quits the app", async () => {
    const app = start(userData);
    const page = await app.page();
    await waitForText(page, '[data-testid=strip-height]', /^2$/);
    await sendTransaction(page, { sender: 'carol', recipient: 'dave', amount: '2.5' }, 1);
    await quitBy(app, 'close-window');
    expect(JSON.stringify(savedState(userData).config.pending)).toContain('carol');

    const again = start(userData);
    const page2 = await again.page();
    await waitForText(page2, '[data-testid=strip-pending]', /^1$/);
    await go(page2, 'transactions');
    await waitForText(page2, '[data-testid=pending-table]', /carol\s*dave\s*2\.5/);
    await quitBy(again, 'menu-quit');
  });

  it('lets a second instance quit without touching the data, and focuses the first', async () => {
    const first = start(userData);
    await (await first.page()).waitForSelector('[data-testid=node-name]');
    const chainBefore = readFileSync(join(userData, 'chain.log'));
    const configBefore = readFileSync(join(userData, 'node.json'));

    const second = start(userData);
    expect(await second.exited, second.output()).toBe(0);
    expect(second.events.map((event) => event.type)).toEqual(['exit']);
    await first.waitFor('second-instance');
    await first.waitFor('window', (event) => event.event === 'focused');
    expect(readFileSync(join(userData, 'chain.log'))).toEqual(chainBefore);
    expect(readFileSync(join(userData, 'node.json'))).toEqual(configBefore);
    await quitBy(first, 'menu-quit');
  });

  it('never defers a quit that comes from the OS (macOS/Linux shutdown, Windows session end)', async () => {
    const before = savedState(userData).blocks.length;
    for (const command of ['os-shutdown', 'session-end'] as const) {
      const app = start(userData);
      const page = await app.page();
      const height = await heightOf(page);
      await mine(page, height + 1);
      app.send({ type: command });
      // A deferred OS quit is reported at once (macOS would abort the shutdown); fail on it, not on a timeout.
      const refused = app
        .waitFor('os-quit-refused', undefined, 60_000)
        .then(() => 'os-quit-refused')
        .catch(() => 'exited');
      expect(await Promise.race([app.exited, refused]), app.output()).toBe(0);
      expect(problems(app)).toEqual([]);
      expect(savedState(userData).blocks).toHaveLength(height + 1);
    }
    const again = start(userData);
    expect(await heightOf(await again.page())).toBe(before + 2);
    await quitBy(again, 'menu-quit');
  });

  it('serves the page over app:// with its CSP and keeps the window on it', async () => {
    const app = start(userData);
    const page = await app.page();
    await page.waitForSelector('[data-testid=node-name]');
    const csp = await page.evaluate(
      "fetch(location.href).then((r) => r.headers.get('content-security-policy'))",
    );
    expect(csp).toMatch(/script-src 'self'/);
    // Navigation away is cancelled by main's will-navigate guard (loopback discard port: nothing leaves).
    await page.evaluate("location.href = 'http://127.0.0.1:9/elsewhere'");
    await app.waitFor('navigation-blocked', (event) => event.url === 'http://127.0.0.1:9/elsewhere');
    expect(new URL(page.url()).host).toBe('blockparty.app.stand-in.localhost');
    await page.waitForSelector('[data-testid=node-name]');
    await quitBy(app, 'menu-quit');
  });

  it('shows the window even when ready-to-show never comes', async () => {
    const app = start(userData, { BLOCKPARTY_STAND_IN_NO_READY_TO_SHOW: '1' });
    await app.waitFor('window', (event) => event.event === 'shown', 15_000);
    await quitBy(app, 'menu-quit');
  });
});

describe('failures a teacher must be told about', { timeout: 120_000 }, () => {
  it('reports a preload that breaks the sandbox rules or is not CommonJS', async () => {
    const userData = temp('preload-user-data');
    await seedUserData(userData, { name: 'Broken preload' });
    const cases = {
      'requires a Node module': (source: string) => `require('node:path');\n${source}`,
      'is built as an ES module': () =>
        `import { contextBridge } from 'electron';\ncontextBridge.exposeInMainWorld('api', {});\n`,
    };
    for (const [name, breakIt] of Object.entries(cases)) {
      const broken = temp(`broken-preload-${name.replaceAll(' ', '-')}`);
      cpSync(builtApp, broken, { recursive: true });
      const preload = join(broken, 'out/preload/index.cjs');
      writeFileSync(preload, breakIt(readFileSync(preload, 'utf8')));
      const app = start(userData, {}, broken);
      const dialog = await app.waitFor('dialog');
      expect(dialog, name).toMatchObject({ kind: 'message-box', title: 'Blockparty is damaged' });
      expect(dialog.detail).toMatch(/Install Blockparty again/);
      await app.waitForOutput(/The dashboard's preload failed/);
      app.send({ type: 'menu-quit' });
      expect(await app.exited).toBe(0);
    }
  });

  it('explains a node that cannot start, in words a teacher can act on', async () => {
    const userData = temp('unreadable-user-data');
    await seedUserData(userData, { name: 'Damaged' });
    rmSync(join(userData, 'chain.log'));
    mkdirSync(join(userData, 'chain.log'));
    const app = start(userData);
    const dialog = await app.waitFor('dialog');
    expect(dialog).toMatchObject({ kind: 'error-box', title: 'Blockparty could not start' });
    expect(dialog.message).toContain('What you can do');
    expect(dialog.message).toContain(userData);
    expect(await app.exited).toBe(1);
  });
});
