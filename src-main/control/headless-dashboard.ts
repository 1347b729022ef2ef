import { fileURLToPath } from 'node:url';
import type { NodeApi } from '../node/types.ts';
import { startControlServer } from './http.ts';
import { createDashboardService } from './service.ts';

/** The built dashboard, relative to this file in the source tree (the headless node runs from source with tsx). */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** A browser dashboard for a node without a window. */
export interface HeadlessDashboard {
  /** `http://127.0.0.1:PORT/?token=…`: print it, the token is the only key. */
  url: string;
  close(): Promise<void>;
}

/** Serves the dashboard and its control API on loopback for the headless node. */
export async function startDashboard(
  node: NodeApi,
  options: { port?: number; rendererDir?: string } = {},
): Promise<HeadlessDashboard> {
  const service = createDashboardService(node);
  try {
    const server = await startControlServer(service, {
      rendererDir: options.rendererDir ?? DEFAULT_RENDERER_DIR,
      port: options.port,
    });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        service.close();
      },
    };
  } catch (error) {
    service.close();
    throw error;
  }
}
