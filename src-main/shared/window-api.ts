/**
 * The shape of `window.api`, the preload's whole surface in the desktop app: one method per
 * DashboardApi operation, and `onX(cb) → unsubscribe` per event. The renderer uses HTTP instead
 * (token from its URL) when `window.api` is absent, i.e. in a browser on the headless node.
 */
// Type-only: the web tsconfig compiles shared/ too and does not allow value imports with `.ts`.
import type { DashboardApi, DashboardEvents, EventName, EventSubscriberName } from './api.ts';

/** Stops a subscription. */
export type Unsubscribe = () => void;

/** One `onX(cb) → unsubscribe` method per event. */
export type DashboardSubscriptions = {
  [K in EventName as EventSubscriberName<K>]: (
    listener: (payload: DashboardEvents[K]) => void,
  ) => Unsubscribe;
};

/** What the preload exposes as `window.api`. */
export type WindowApi = DashboardApi & DashboardSubscriptions;

declare global {
  interface Window {
    /** Present in the desktop app only. */
    api?: WindowApi;
  }
}
