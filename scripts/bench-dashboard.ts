/**
 * `npm run bench:dashboard`: long tasks in the dashboard while a real headless node auto-mines at
 * difficulty 4 on a chain of a few thousand blocks. Prints figures; asserts nothing.
 *
 * Chromium (as the e2e tests drive it) opens the node's browser dashboard with a `PerformanceObserver`
 * for `longtask` entries (main-thread tasks over 50 ms). Each screen is shown for a while with
 * auto-mine off (the baseline, same run), then again with auto-mine on, when the node forges dozens of
 * blocks a second and pushes an event for each. Options (or env): `--blocks N` (BENCH_BLOCKS, default
 * 3000), `--seconds S` per screen (BENCH_SECONDS, default 10), `--workers N` (default 1: one core is
 * left to the browser), `--zoom P` presenter zoom in % (default 100), `--profile DIR` to save a CPU
 * profile of each mining window (open it in Chrome DevTools → Performance).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { buildRendererOnce, ROOT } from '../test/e2e/support/build.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { startHeadlessNode } from '../test/e2e/support/headless-node.ts';
import type { HeadlessNode } from '../test/e2e/support/headless-node.ts';
import { printFigures } from './bench/report.ts';
import type { Figure } from './bench/report.ts';

/** What a run measures; every field has a default. */
export interface DashboardBenchOptions {
  /** Blocks in the chain before measuring (the chain is mined once and kept under `out/`). */
  blocks?: number;
  /** Seconds each screen is watched, idle and then auto-mining. */
  seconds?: number;
  /** Mining threads of the node. */
  workers?: number;
  /** Presenter zoom, percent. */
  zoom?: number;
  /** Where to save a `.cpuprofile` of each mining window; none when absent. */
  profileDir?: string;
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
}

/** A main-thread task over 50 ms, as the browser reported it. */
interface LongTask {
  start: number;
  duration: number;
}

/** One screen as the benchmark shows it: its nav test id and what says it has loaded. */
const SCREENS = [
  { name: 'overview', ready: '[data-testid=hash-rate]' },
  { name: 'chain', ready: '[data-testid=block-list] .block-card' },
  { name: 'transactions', ready: '[data-testid=balances-table]' },
  { name: 'peers', ready: '[data-testid=peers-table]' },
  { name: 'settings', ready: '[data-testid=settings-form]' },
  { name: 'activity', ready: '[data-testid=activity-table]' },
] as const;

const LONG_TASK_MS = 50;
const DIFFICULTY = 4;
const NAME = 'Ana’s laptop';

// Runs in the page before any of its scripts: keeps every long task from the first one on.
const OBSERVE_LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
`;

/** Runs the benchmark and returns its figures (one pair per screen, plus the mining rate). */
export async function dashboardFigures(options: DashboardBenchOptions = {}): Promise<Figure[]> {
  const blocks = options.blocks ?? 3000;
  const seconds = options.seconds ?? 10;
  const workers = options.workers ?? 1;
  const zoom = options.zoom ?? 100;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  await buildRendererOnce();
  const chainDir = await preparedChain(blocks, workers, log);
  // Each run mines on a copy: the kept chain stays at its size.
  const dataDir = mkdtempSync(join(tmpdir(), 'blockparty-bench-dashboard-'));
  cpSync(chainDir, dataDir, { recursive: true, filter: (path) => !/node\.pid$|\.lock$/.test(path) });
  let node: HeadlessNode | null = null;
  const browser = await launchChromium({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  try {
    node = await startHeadlessNode({
      dataDir,
      name: NAME,
      difficulty: DIFFICULTY,
      extraArgs: ['--workers', String(workers)],
    });
    await node.call('updateSettings', { autoMine: false });
    // Two peers that are not there: the Peers table has rows, and checking them costs nothing.
    await node.call('addPeers', { addresses: ['127.0.0.1:9', '127.0.0.1:13'] });

    const page = await browser.context.newPage();
    await page.addInitScript({ content: OBSERVE_LONG_TASKS });
    await page.addInitScript({
      content: `localStorage.setItem('blockparty-preferences', JSON.stringify({ theme: 'light', locale: 'en', zoom: ${zoom} }));`,
    });
    await page.goto(node.dashboardUrl);
    await page.waitForSelector('[data-testid=node-name]');

    const idle: Record<string, Window> = {};
    for (const screen of SCREENS) {
      idle[screen.name] = await watchScreen(page, node, screen, seconds);
      log(`idle   ${screen.name}: ${describe(idle[screen.name]!)}`);
    }
    await node.call('updateSettings', { autoMine: true });
    const mining: Record<string, Window> = {};
    for (const screen of SCREENS) {
      const cdp = options.profileDir ? await page.context().newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      mining[screen.name] = await watchScreen(page, node, screen, seconds);
      if (cdp && options.profileDir) {
        const { profile } = await cdp.send('Profiler.stop');
        mkdirSync(options.profileDir, { recursive: true });
        writeFileSync(join(options.profileDir, `${screen.name}.cpuprofile`), JSON.stringify(profile));
        await cdp.detach();
      }
      log(`mining ${screen.name}: ${describe(mining[screen.name]!)}`);
    }
    await node.call('updateSettings', { autoMine: false });

    const figures: Figure[] = [];
    const load = loadavg()[0]!.toFixed(2);
    for (const screen of SCREENS) {
      const busy = mining[screen.name]!;
      const calm = idle[screen.name]!;
      const worst = Math.max(longest(busy.steady), longest(busy.switching));
      figures.push({
        name: `${screen.name}: longest task while auto-mining (switching to it, then ${seconds} s on it)`,
        value: worst,
        unit: 'ms',
        baseline: {
          name: 'same screen, auto-mine off',
          value: Math.max(longest(calm.steady), longest(calm.switching)),
        },
        target: {
          text: `no long task > ${LONG_TASK_MS} ms on any screen while auto-mining`,
          met: worst <= LONG_TASK_MS,
        },
        note: `${busy.steady.length + busy.switching.length} long tasks, ${busy.blocks} blocks mined meanwhile`,
      });
      figures.push({
        name: `${screen.name}: longest task's CPU time while auto-mining (trace)`,
        value: busy.longestCpuMs,
        unit: 'ms',
        baseline: { name: 'same screen, auto-mine off', value: calm.longestCpuMs },
        note: 'the same tasks without the time other processes had the core',
      });
      figures.push({
        name: `${screen.name}: long tasks per 10 s while auto-mining`,
        value: (busy.steady.length * 10) / seconds,
        unit: 'tasks',
        baseline: { name: 'same screen, auto-mine off', value: (calm.steady.length * 10) / seconds },
        note: `zoom ${zoom} %, load average ${load}`,
      });
    }
    const minedBlocks = SCREENS.reduce((sum, screen) => sum + mining[screen.name]!.blocks, 0);
    figures.push({
      name: 'blocks the node mined per second while watched',
      value: minedBlocks / (SCREENS.length * seconds),
      unit: 'blocks/s',
      note: `difficulty ${DIFFICULTY}, ${workers} worker(s), chain of ${blocks}+ blocks`,
    });
    return figures;
  } finally {
    await browser.close();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** What one screen did: long tasks while it opened and while it was watched, and blocks mined meanwhile. */
interface Window {
  switching: LongTask[];
  steady: LongTask[];
  blocks: number;
  /** The longest main-thread task in CPU time (from a trace): what the page itself cost, without the
   * time the OS gave other processes, which inflates `duration` on a busy machine. */
  longestCpuMs: number;
}

async function watchScreen(
  page: Page,
  node: HeadlessNode,
  screen: (typeof SCREENS)[number],
  seconds: number,
): Promise<Window> {
  const trace = await startTrace(page);
  const heightBefore = (await node.call<{ height: number }>('status')).height;
  const t0 = await page.evaluate('performance.now()');
  // A click from inside the page: Playwright's own click runs its checks in the page, which would
  // show up as tasks of ours.
  await page.evaluate(`document.querySelector('[data-testid=nav-${screen.name}]').click()`);
  await page.waitForSelector(`[data-testid=nav-${screen.name}].router-link-active`);
  await page.waitForSelector(screen.ready, { timeout: 30_000 });
  // One second to settle: what a screen costs to open is "switching", what it costs to stay "steady".
  await page.waitForTimeout(1000);
  const t1 = await page.evaluate('performance.now()');
  await page.waitForTimeout(seconds * 1000);
  const t2 = await page.evaluate('performance.now()');
  const tasks = (await page.evaluate('window.__longTasks')) as LongTask[];
  const heightAfter = (await node.call<{ height: number }>('status')).height;
  const longestCpuMs = await trace();
  const within = (from: unknown, to: unknown) =>
    tasks.filter((task) => task.start >= Number(from) && task.start < Number(to));
  return {
    switching: within(t0, t1),
    steady: within(t1, t2),
    blocks: heightAfter - heightBefore,
    longestCpuMs,
  };
}

/** A trace event as Chromium reports it (only what is read here). */
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { frames?: { url: string; processId: number }[] } };
}

/** Starts a light trace (top-level tasks only); the returned function stops it and gives the longest
 * task of the page's main thread in CPU milliseconds. */
async function startTrace(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: 'toplevel', transferMode: 'ReportEvents' });
  return async () => {
    const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    // The browser has other renderers (its first blank tab, idle): take the busiest main thread.
    const tasks = new Map<string, TraceEvent[]>();
    for (const e of events) {
      if (e.ph !== 'X' || !/RunTask$/.test(e.name)) continue;
      const key = `${e.pid}/${e.tid}`;
      const list = tasks.get(key);
      if (list) list.push(e);
      else tasks.set(key, [e]);
    }
    const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const main = mains
      .map((thread) => tasks.get(`${thread.pid}/${thread.tid}`) ?? [])
      .sort((a, b) => b.length - a.length)[0];
    if (!main) return Number.NaN;
    return main.reduce((max, e) => Math.max(max, (e.tdur ?? 0) / 1000), 0);
  };
}

/**
 * A data folder holding a chain of at least `blocks` blocks at difficulty 4, mined once by auto-mine
 * and kept in `out/bench-dashboard/` for later runs.
 */
async function preparedChain(blocks: number, workers: number, log: (line: string) => void): Promise<string> {
  const dir = resolve(ROOT, `out/bench-dashboard/chain-d${DIFFICULTY}-${blocks}`);
  const done = join(dir, 'ready');
  if (existsSync(done) && Number(readFileSync(done, 'utf8')) >= blocks) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`mining a chain of ${blocks} blocks at difficulty ${DIFFICULTY} (once; kept in ${dir})…`);
  const node = await startHeadlessNode({
    dataDir: dir,
    name: NAME,
    difficulty: DIFFICULTY,
    extraArgs: ['--workers', String(Math.max(1, workers))],
  });
  try {
    await node.call('updateSettings', { autoMine: true });
    let height = 0;
    while (height < blocks) {
      await new Promise((done) => setTimeout(done, 2000));
      height = (await node.call<{ height: number }>('status')).height;
      log(`  ${height} / ${blocks}`);
    }
    await node.call('updateSettings', { autoMine: false });
  } finally {
    await node.stop();
  }
  writeFileSync(done, String(blocks));
  return dir;
}

function longest(tasks: readonly LongTask[]): number {
  return tasks.reduce((max, task) => Math.max(max, task.duration), 0);
}

function describe(window: Window): string {
  const all = [...window.switching, ...window.steady];
  return `${all.length} long tasks (${window.switching.length} while switching), longest ${longest(all).toFixed(0)} ms (CPU ${window.longestCpuMs.toFixed(1)} ms), ${window.blocks} blocks mined`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      blocks: { type: 'string' },
      seconds: { type: 'string' },
      workers: { type: 'string' },
      zoom: { type: 'string' },
      profile: { type: 'string' },
    },
  });
  const number = (text: string | undefined): number | undefined =>
    text === undefined ? undefined : Number(text);
  const figures = await dashboardFigures({
    blocks: number(values.blocks ?? process.env.BENCH_BLOCKS),
    seconds: number(values.seconds ?? process.env.BENCH_SECONDS),
    workers: number(values.workers),
    zoom: number(values.zoom),
    profileDir: values.profile ? resolve(values.profile) : undefined,
  });
  printFigures('Dashboard while auto-mining (Chromium, headless node, difficulty 4)', figures);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
