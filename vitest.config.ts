import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: {
      '@renderer': resolve('src-renderer/src'),
      '@shared': resolve('src-main/shared'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // electron-store imports electron; inlining it lets the test's vi.mock('electron') apply.
    server: { deps: { inline: ['electron-store'] } },
  },
});
