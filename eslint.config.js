import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'nodes/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // IPC goes through the typed wrappers only (GitHub Desktop's rule): raw ipcMain/ipcRenderer elsewhere is a bug.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/control/ipc.ts', 'src-main/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'Use the typed IPC in src-main/control/ipc.ts and src-main/preload/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The chain engine is a library: no Electron, server or persistence imports.
    files: ['src-main/chain/**/*.ts', 'src-main/mining/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'electron',
                'electron/*',
                'fastify',
                'fastify/*',
                '@fastify/*',
                'electron-store',
                'conf',
              ],
              message: 'The chain engine and miner must not depend on Electron, Fastify or persistence.',
            },
            {
              group: ['../peer/*', '../node/*', '../store/*', '../control/*', '../app/*'],
              message: 'Engine code must stay a library.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'fastify', 'conf', 'electron-store', '../*'],
              message: 'shared/ is a pure contract.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
