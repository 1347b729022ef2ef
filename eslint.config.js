import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const IPC_ONLY_IN_WRAPPERS = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Use the typed IPC in src-main/control/ipc.ts and src-main/preload/.',
};
const SERVERS_AND_FILES = [
  'electron',
  'electron/*',
  'fastify',
  'fastify/*',
  '@fastify/*',
  'electron-store',
  'conf',
  'bonjour-service',
];

/** What each folder of src-main may not import (its own files and the ones below it are fine). */
const LAYERS = [
  {
    files: ['src-main/shared/**/*.ts'],
    forbid: ['node:*', '../*', ...SERVERS_AND_FILES],
    message: 'shared/ is the pure contract between the node and its dashboard: no Node, no other layer.',
  },
  {
    files: ['src-main/chain/**/*.ts'],
    forbid: [
      ...SERVERS_AND_FILES,
      '../mining/*',
      '../node/*',
      '../peer/*',
      '../store/*',
      '../control/*',
      '../runtime/*',
      '../app/*',
      '../discovery/*',
    ],
    message: 'The chain engine is a library: it imports shared/ only.',
  },
  {
    files: ['src-main/mining/**/*.ts'],
    forbid: [
      ...SERVERS_AND_FILES,
      '../node/*',
      '../peer/*',
      '../store/*',
      '../control/*',
      '../runtime/*',
      '../app/*',
      '../discovery/*',
    ],
    message: 'The miner is a library: it imports chain/, shared/ and util/ only.',
  },
  {
    files: ['src-main/node/**/*.ts'],
    forbid: [
      ...SERVERS_AND_FILES,
      '../peer/*',
      '../store/*',
      '../control/*',
      '../runtime/*',
      '../app/*',
      '../discovery/*',
      '../util/*',
    ],
    message:
      'The node depends on the ports it owns (node/ports.ts); adapters implement them, runtime/ plugs them in.',
  },
  {
    files: ['src-main/peer/**/*.ts', 'src-main/store/**/*.ts', 'src-main/discovery/**/*.ts'],
    forbid: [
      '../peer/*',
      '../store/*',
      '../discovery/*',
      '../control/*',
      '../runtime/*',
      '../app/*',
      '../node/node.ts',
      '../node/ledger.ts',
      '../node/miner.ts',
      '../node/peers.ts',
      '../node/resolve.ts',
    ],
    message:
      "An adapter implements the node's ports (node/ports.ts, node/types.ts); it knows no other adapter and no node internals.",
  },
  {
    files: ['src-main/control/**/*.ts'],
    forbid: [
      '../peer/*',
      '../store/*',
      '../discovery/*',
      '../runtime/*',
      '../app/*',
      '../mining/*',
      '../node/node.ts',
      '../node/ledger.ts',
      '../node/miner.ts',
      '../node/peers.ts',
      '../node/resolve.ts',
    ],
    message: 'The dashboard service works over NodeApi (node/types.ts) only.',
  },
  {
    files: ['src-main/runtime/**/*.ts'],
    forbid: ['electron', '../control/*', '../app/*'],
    message: 'runtime/ composes a node from its parts; the shells (index.ts, headless.ts) add the dashboard.',
  },
  {
    files: ['src-main/app/**/*.ts', 'src-main/util/**/*.ts'],
    forbid: [
      '../chain/*',
      '../mining/*',
      '../node/*',
      '../peer/*',
      '../store/*',
      '../discovery/*',
      '../runtime/*',
      '../control/*',
    ],
    message: 'app/ (window and security) and util/ know no layer of the node.',
  },
];

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
  // Each layer imports only what the README's architecture says (the folder tree is the architecture).
  ...LAYERS.map(({ files, forbid, message }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [IPC_ONLY_IN_WRAPPERS],
          patterns: [{ group: forbid, message }],
        },
      ],
    },
  })),
  {
    // IPC goes through the typed wrappers only (GitHub Desktop's rule): raw ipcMain/ipcRenderer elsewhere is a bug.
    files: ['src-main/control/ipc.ts', 'src-main/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  prettier,
);
