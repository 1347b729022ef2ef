import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// Main and its worker threads are plain Node entries; the preload must be CommonJS to run sandboxed.
// Output goes to electron-vite's defaults, out/main, out/preload and out/renderer (`--outDir` moves all).
export default defineConfig({
  main: {
    build: {
      // Bundle fastify, electron-store and the rest into main: only `electron` and Node's built-ins stay
      // external (electron-vite's preset), so the packaged app resolves no node_modules at run time.
      externalizeDeps: false,
      rolldownOptions: {
        input: {
          index: resolve('src-main/index.ts'),
          // `npm run node` runs this bundle: the headless node without tsx or the sources.
          headless: resolve('src-main/headless.ts'),
          'mining-worker': resolve('src-main/mining/worker.ts'),
          'validate-worker': resolve('src-main/peer/validate-worker.ts'),
        },
        // Workers are found beside the bundle (import.meta.dirname), so shared chunks stay there too.
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require nothing but `electron`: everything else is bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: {
      // The spectator page is a second entry: the peer port serves it at /spectate/ (phones in the room).
      // Its assets are linked relatively (./assets/…), so they resolve under /spectate/ as under file://.
      rolldownOptions: {
        input: {
          index: resolve('src-renderer/index.html'),
          spectator: resolve('src-renderer/spectator.html'),
        },
      },
    },
    resolve: {
      alias: {
        '@renderer': resolve('src-renderer/src'),
        '@shared': resolve('src-main/shared'),
      },
    },
    plugins: [vue()],
    // vue-i18n's feature flags: the dashboard uses the Composition API only (createI18n legacy: false),
    // so the legacy API and the production devtools hooks are dropped from the bundle.
    define: {
      __VUE_I18N_FULL_INSTALL__: 'true',
      __VUE_I18N_LEGACY_API__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
    },
  },
});
