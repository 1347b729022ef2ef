import { fileURLToPath } from 'node:url';
import { APP_PAGE_URL } from './protocol.ts';
import type { PageLocation } from './security.ts';

/** Where the built pieces sit next to `out/main/index.js`. */
export interface AppPaths {
  preload: string;
  /** The built dashboard (`out/renderer`), served over `app://blockparty/`. */
  rendererDir: string;
  page: PageLocation;
  icon: string;
}

/**
 * Resolves the preload, the dashboard and the icon from the main bundle's location. The dev server URL
 * (set by `electron-vite dev`) is honoured only when unpackaged, so an environment variable can never
 * point a shipped app at another page.
 */
export function resolveAppPaths(
  mainUrl: string,
  isPackaged: boolean,
  devServerUrl: string | undefined,
): AppPaths {
  return {
    preload: fileURLToPath(new URL('../preload/index.cjs', mainUrl)),
    rendererDir: fileURLToPath(new URL('../renderer', mainUrl)),
    page: !isPackaged && devServerUrl ? { devServerUrl } : { appUrl: APP_PAGE_URL },
    icon: fileURLToPath(new URL('../../resources/icon.png', mainUrl)),
  };
}
