import { fileURLToPath } from 'node:url';
import type { NodeApi } from '../node/types.ts';
import { startControlServer } from './http.ts';
import { createDashboardService } from './service.ts';

/** The built dashboard, relative to this file in the source tree (the headless node runs from source with tsx). */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** What the headless node passes to startDashboard. */
export interface DashboardOptions {
  /** The saved dashboard port (0 or none: any free one). When it is taken, the next free one is used. */
  port?: number;
  /** The saved token (22+ base64url characters); none: a fresh one, to save for the next start. */
  token?: string;
  rendererDir?: string;
}

/** A browser dashboard for a node without a window. */
export interface HeadlessDashboard {
  /** `http://127.0.0.1:PORT/?token=…`: print it, the token is the only key. */
  url: string;
  /** The port in use: save it, with the token, so open tabs reconnect after a restart. */
  port: number;
  token: string;
  /** Set when the asked port was taken: which port is used instead. Print it. */
  portNote: string | null;
  close(): Promise<void>;
}

/** Serves the dashboard and its control API on loopback for the headless node. */
export async function startDashboard(
  node: NodeApi,
  options: DashboardOptions = {},
): Promise<HeadlessDashboard> {
  const service = createDashboardService(node);
  try {
    const server = await startControlServer(service, {
      rendererDir: options.rendererDir ?? DEFAULT_RENDERER_DIR,
      port: options.port,
      token: options.token,
    });
    return {
      url: server.url,
      port: server.port,
      token: server.token,
      portNote: server.portNote,
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
