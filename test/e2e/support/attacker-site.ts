import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A hostile web site on another port of 127.0.0.1: it serves the pages a test gives it, as is. */
export interface AttackerSite {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Serves `html` at `path` from now on. */
  page(path: string, html: string): void;
  close(): Promise<void>;
}

/** Starts the site on a port the OS picks. No CSP, no headers: a page may run any script it likes. */
export async function startAttackerSite(): Promise<AttackerSite> {
  const pages = new Map<string, string>();
  const server = createServer((request, response) => {
    const html = pages.get(new URL(request.url ?? '/', 'http://x').pathname);
    response.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html ?? 'not here');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    page: (path, html) => void pages.set(path, html),
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
