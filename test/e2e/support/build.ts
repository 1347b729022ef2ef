import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolve } from 'node:path';

/** The repository root (tests run from it, but do not rely on that). */
export const ROOT = resolve(import.meta.dirname, '../../..');
/** Where the dashboard is built to, and where the headless node serves it from. */
export const RENDERER_OUT = resolve(ROOT, 'out/renderer');

let built: Promise<void> | null = null;

/**
 * Builds the dashboard once per test process: `electron-vite build` as the app is built; when the rest
 * of the app does not build (another part is mid-change), the renderer alone with Vite and the same
 * renderer settings, so the dashboard's own tests still run.
 */
export function buildRendererOnce(): Promise<void> {
  built ??= withRunLock(build);
  return built;
}

/**
 * Test files run in parallel workers of one Vitest run: the first builds, the others wait for it and
 * reuse its output (the stamp names the run by the workers' common parent process).
 */
async function withRunLock(task: () => Promise<void>): Promise<void> {
  const lock = resolve(ROOT, 'out/.e2e-build.lock');
  const stamp = resolve(ROOT, 'out/.e2e-build.stamp');
  const run = String(process.ppid);
  mkdirSync(resolve(ROOT, 'out'), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    const done = existsSync(stamp) && readFileSync(stamp, 'utf8') === run;
    if (done && existsSync(resolve(RENDERER_OUT, 'index.html'))) return;
    await task();
    writeFileSync(stamp, run);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function build(): Promise<void> {
  const full = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (full.status === 0 && existsSync(resolve(RENDERER_OUT, 'index.html'))) return;
  const { build: viteBuild } = await import('vite');
  const { default: vue } = await import('@vitejs/plugin-vue');
  await viteBuild({
    configFile: false,
    logLevel: 'warn',
    root: resolve(ROOT, 'src-renderer'),
    base: './',
    plugins: [vue()],
    // The same vue-i18n flags as electron.vite.config.ts, so both builds behave alike.
    define: {
      __VUE_I18N_FULL_INSTALL__: 'true',
      __VUE_I18N_LEGACY_API__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
    },
    resolve: {
      alias: {
        '@renderer': resolve(ROOT, 'src-renderer/src'),
        '@shared': resolve(ROOT, 'src-main/shared'),
      },
    },
    build: {
      outDir: RENDERER_OUT,
      emptyOutDir: true,
      target: 'chrome130',
      modulePreload: { polyfill: false },
      minify: false,
      reportCompressedSize: false,
      // Both entries, as electron.vite.config.ts builds them: the dashboard and the spectator page.
      rollupOptions: {
        input: {
          index: resolve(ROOT, 'src-renderer/index.html'),
          spectator: resolve(ROOT, 'src-renderer/spectator.html'),
        },
      },
    },
  });
}
