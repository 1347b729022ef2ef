/**
 * The dashboard's own scheme, `app://blockparty/`: a standard, secure origin for our files instead of
 * `file://` (which works only through Electron's extra `file:` privileges), as Electron's security
 * guide recommends. Every response carries the dashboard's CSP.
 */
import { extname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../shared/security.ts';

/** The scheme the dashboard is served over. */
export const APP_SCHEME = 'app';
/** The one host of that scheme: any other host is refused. */
export const APP_HOST = 'blockparty';
/** The dashboard's page. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** What `protocol.registerSchemesAsPrivileged` is given, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  scheme: APP_SCHEME,
  // standard: a real origin (so 'self', module scripts and storage work); secure: treated like https.
  privileges: { standard: true, secure: true },
});

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Whether a URL is on our scheme and host (path, query and hash aside). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * The file behind an `app://blockparty/…` URL inside `rendererDir`, or null for another host, a path
 * that leaves the folder (`..`, encoded or not) or an unknown file type.
 */
export function resolveAppFile(url: string, rendererDir: string): string | null {
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const root = resolve(rendererDir);
  const file = resolve(root, `.${path}`);
  if (!file.startsWith(root + sep)) return null;
  return extname(file).toLowerCase() in CONTENT_TYPES ? file : null;
}

/**
 * The `protocol.handle` handler: reads the file through `readFile` (Electron's `net.fetch`, which
 * also reads inside app.asar) and answers with its type, the CSP and no sniffing; 404 otherwise.
 */
export function createAppProtocolHandler(
  rendererDir: string,
  readFile: (fileUrl: string) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const file = resolveAppFile(request.url, rendererDir);
    if (file === null || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound();
    let response: Response;
    try {
      response = await readFile(pathToFileURL(file).href);
    } catch {
      return notFound();
    }
    if (!response.ok) return notFound();
    return new Response(request.method === 'HEAD' ? null : await response.arrayBuffer(), {
      status: 200,
      headers: {
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()]!,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  };
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
