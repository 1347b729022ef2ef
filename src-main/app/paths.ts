import { fileURLToPath } from 'node:url';
import type { PageLocation } from './security.ts';

/** Where the built pieces sit next to `out/main/index.js`. */
export interface AppPaths {
  preload: string;
  page: PageLocation;
  icon: string;
}

/**
 * Resolves the preload, the page and the icon from the main bundle's location. The dev server URL
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
    page:
      !isPackaged && devServerUrl
        ? { devServerUrl }
        : { fileUrl: new URL('../renderer/index.html', mainUrl).href },
    icon: fileURLToPath(new URL('../../resources/icon.png', mainUrl)),
  };
}
