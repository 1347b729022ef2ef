/**
 * Runs a built Blockparty under the stand-in Electron (test/desktop/stand-in) as a child process, and
 * gives the test its window's page (over CDP), what the stand-in reported and a way to act on it.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { StandInCommand, StandInEvent } from '../stand-in/protocol.ts';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');
const LAUNCH = resolve(ROOT, 'test/desktop/stand-in/launch.mjs');

/** One run of the app. */
export interface DesktopApp {
  /** Everything the stand-in reported so far, in order. */
  readonly events: StandInEvent[];
  /** Waits for the first event of that type (already seen or to come) that passes `test`. */
  waitFor<K extends StandInEvent['type']>(
    type: K,
    test?: (event: Extract<StandInEvent, { type: K }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<StandInEvent, { type: K }>>;
  /** The dashboard window's page in the stand-in's Chromium. */
  page(): Promise<Page>;
  /** Acts as the person or the OS would (menu Quit, close button, shutdown). */
  send(command: StandInCommand): void;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  /** What main printed (stdout and stderr, with the renderer's console). */
  output(): string;
  /** Waits until main has printed something matching `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Ends the run if it is still going (SIGKILL after a grace period) and disconnects. */
  kill(): Promise<void>;
}

/** Starts `node launch.mjs APP` with its own userData and Chromium profile folders. */
export function launchDesktopApp(options: {
  /** A folder with package.json and out/, or a packaged resources/app.asar. */
  app: string;
  userData: string;
  /** Where the stand-in's Chromium profile goes (deleted when the run ends). */
  profileDir: string;
  env?: Record<string, string>;
}): DesktopApp {
  mkdirSync(options.profileDir, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, [LAUNCH, options.app], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      BLOCKPARTY_STAND_IN_USER_DATA: options.userData,
      BLOCKPARTY_STAND_IN_PROFILE_DIR: options.profileDir,
      ...options.env,
    },
  });
  let out = '';
  const events: StandInEvent[] = [];
  const waiters = new Set<() => void>();
  const onOutput = (chunk: string): void => {
    out += chunk;
    for (const wake of waiters) wake();
  };
  child.stdout!.setEncoding('utf8').on('data', onOutput);
  child.stderr!.setEncoding('utf8').on('data', onOutput);
  createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => {
    events.push(JSON.parse(line) as StandInEvent);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  void exited.then(() => {
    for (const wake of waiters) wake();
  });
  let browser: Browser | null = null;

  /** Resolves with what `find` finds, as soon as it does; fails when the app exits or time is up. */
  const until = <T>(what: string, find: () => T | undefined, timeoutMs: number): Promise<T> =>
    new Promise((done, fail) => {
      const check = (): void => {
        const found = find();
        if (found) {
          cleanup();
          done(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          fail(new Error(`the app exited before ${what}:\n${describe()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`no ${what} within ${timeoutMs} ms:\n${describe()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const waitFor: DesktopApp['waitFor'] = (type, test = () => true, timeoutMs = 30_000) => {
    type Wanted = Extract<StandInEvent, { type: typeof type }>;
    const find = (): Wanted | undefined =>
      events.find((event): event is Wanted => event.type === type && test(event as Wanted));
    return until(`"${type}"`, find, timeoutMs);
  };

  const describe = (): string =>
    `events: ${events.map((event) => JSON.stringify(event)).join('\n  ')}\noutput:\n${out.slice(-4000)}`;

  return {
    events,
    waitFor,
    exited,
    output: () => out,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      await until(String(pattern), () => (pattern.test(out) ? true : undefined), timeoutMs);
    },
    send(command) {
      child.stdin!.write(`${JSON.stringify(command)}\n`);
    },
    async page() {
      const { cdpPort } = await waitFor('ready');
      browser ??= await chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const page = browser
          .contexts()
          .flatMap((context) => context.pages())
          .find((candidate) => candidate.url().includes('.stand-in.localhost'));
        if (page) return page;
        if (Date.now() > deadline) throw new Error(`no dashboard page:\n${describe()}`);
        await new Promise((done) => setTimeout(done, 100));
      }
    },
    async kill() {
      await browser?.close().catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Builds the app with the project's electron-vite config into `dir/out`, beside a copy of package.json. */
export function buildDesktopApp(dir: string): string {
  const build = spawnSync(
    'npx',
    ['electron-vite', 'build', '--outDir', join(dir, 'out'), '--logLevel', 'warn'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'resources'), { recursive: true });
  cpSync(join(ROOT, 'resources/icon.png'), join(dir, 'resources/icon.png'));
  return dir;
}

/**
 * A folder standing in for Electron's unpacked distribution (electron-builder's `electronDist`): its
 * `electron` executable only says it is a stand-in. electron-builder copies it, renames it and adds
 * resources/app.asar, which is what the test then runs through the stand-in.
 */
export function makeFakeElectronDist(dir: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const stub = join(dir, 'electron');
  writeFileSync(
    stub,
    '#!/bin/sh\necho "This is a stand-in for the Electron binary; run resources/app.asar with test/desktop/stand-in/launch.mjs" >&2\nexit 1\n',
    { mode: 0o755 },
  );
  writeFileSync(join(dir, 'version'), electronVersion());
  return dir;
}

/** The Electron version the project builds against (its installed package). */
export function electronVersion(): string {
  return (
    JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
  ).version;
}

/**
 * Packages `appDir` as `electron-builder --linux dir` does with the project's electron-builder.yml, on the
 * fake Electron distribution. Returns the packaged `resources/app.asar`.
 */
export function packageDesktopApp(appDir: string, outputDir: string): string {
  const dist = makeFakeElectronDist(join(outputDir, 'electron-dist'));
  const result = spawnSync(
    'npx',
    [
      'electron-builder',
      '--linux',
      'dir',
      '--publish',
      'never',
      `-c.electronDist=${dist}`,
      `-c.electronVersion=${electronVersion()}`,
      `-c.directories.output=${join(outputDir, 'dist')}`,
      `-c.directories.app=${appDir}`,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  const asar = join(outputDir, 'dist/linux-unpacked/resources/app.asar');
  if (result.status !== 0 || !existsSync(asar)) {
    throw new Error(`electron-builder failed:\n${result.stdout}\n${result.stderr}`);
  }
  return asar;
}

/**
 * Makes a data folder the way the headless node does (the same files as the app's userData), on port 0
 * and loopback so the test's app listens where the OS chooses, on this machine only. The node runs from
 * the sources, so a broken build under test cannot break the seeding too.
 */
export async function seedUserData(
  dir: string,
  options: { name: string; difficulty?: number },
): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src-main/headless.ts'),
      '--port',
      '0',
      '--loopback',
      '--workers',
      '1',
      '--no-dashboard',
      '--name',
      options.name,
      '--difficulty',
      String(options.difficulty ?? 4),
      '--data-dir',
      dir,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`headless node did not start:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      if (out.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        done();
      }
    });
    void exited.then((code) => fail(new Error(`headless node exited with ${code}:\n${out}`)));
  });
  child.kill('SIGINT');
  if ((await exited) !== 0) throw new Error(`headless node did not stop cleanly:\n${out}`);
}
