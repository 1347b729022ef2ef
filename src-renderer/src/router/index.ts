import { createRouter, createWebHashHistory } from 'vue-router';
import type { RouteRecordRaw, RouterHistory } from 'vue-router';

/** The screens, in navigation order; `titleKey` names them in the sidebar and the window title. */
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/overview' },
  {
    path: '/overview',
    name: 'overview',
    component: () => import('@renderer/views/OverviewView.vue'),
    meta: { titleKey: 'nav.overview' },
  },
  {
    path: '/chain',
    name: 'chain',
    component: () => import('@renderer/views/ChainView.vue'),
    meta: { titleKey: 'nav.chain' },
  },
  {
    path: '/transactions',
    name: 'transactions',
    component: () => import('@renderer/views/TransactionsView.vue'),
    meta: { titleKey: 'nav.transactions' },
  },
  {
    path: '/peers',
    name: 'peers',
    component: () => import('@renderer/views/PeersView.vue'),
    meta: { titleKey: 'nav.peers' },
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('@renderer/views/SettingsView.vue'),
    meta: { titleKey: 'nav.settings' },
  },
  {
    path: '/activity',
    name: 'activity',
    component: () => import('@renderer/views/ActivityView.vue'),
    meta: { titleKey: 'nav.activity' },
  },
  // The classroom lab (issue 12): the network for the projector, forks, the tamper and attack labs.
  {
    path: '/network',
    name: 'network',
    component: () => import('@renderer/views/NetworkView.vue'),
    meta: { titleKey: 'lab.nav.network' },
  },
  {
    path: '/forks',
    name: 'forks',
    component: () => import('@renderer/views/ForksView.vue'),
    meta: { titleKey: 'lab.nav.forks' },
  },
  {
    path: '/tamper',
    name: 'tamper',
    component: () => import('@renderer/views/TamperView.vue'),
    meta: { titleKey: 'lab.nav.tamper' },
  },
  {
    path: '/attack',
    name: 'attack',
    component: () => import('@renderer/views/AttackView.vue'),
    meta: { titleKey: 'lab.nav.attack' },
  },
  { path: '/:pathMatch(.*)*', redirect: '/overview' },
];

/**
 * The dashboard's router. Hash history works both from `file://` (the desktop app) and from the
 * headless node's HTTP server, and keeps the `?token=` query of the page URL untouched.
 */
export function createAppRouter(history: RouterHistory = createWebHashHistory()) {
  return createRouter({ history, routes });
}
