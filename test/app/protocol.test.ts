import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src-main/shared/security.ts';
import {
  APP_PAGE_URL,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  isAppUrl,
  resolveAppFile,
} from '../../src-main/app/protocol.ts';

let dir: string;
const readFromDisk = async (url: string): Promise<Response> =>
  new Response(await readFile(fileURLToPath(url)));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'blockparty-protocol-'));
  mkdirSync(join(dir, 'renderer/assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer/index.html'), '<!doctype html><title>Blockparty</title>');
  writeFileSync(join(dir, 'renderer/assets/index-1.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'not for the page');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the app:// protocol', () => {
  it('is a standard, secure scheme with one host', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true } });
    expect(APP_PAGE_URL).toBe('app://blockparty/index.html');
    expect(isAppUrl('app://blockparty/#/peers')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('http://blockparty/index.html')).toBe(false);
  });

  it('maps URLs to files of the renderer folder only', () => {
    const root = join(dir, 'renderer');
    expect(resolveAppFile('app://blockparty/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('app://blockparty/assets/index-1.js?v=1#x', root)).toBe(
      join(root, 'assets/index-1.js'),
    );
    // The URL parser removes `..` (plain or %2e%2e) itself: it stays inside the folder.
    expect(resolveAppFile('app://blockparty/../secret.txt', root)).toBe(join(root, 'secret.txt'));
    expect(resolveAppFile('app://blockparty/%2e%2e/secret.txt', root)).toBe(join(root, 'secret.txt'));
    for (const url of [
      'app://blockparty/assets/..%2f..%2fsecret.txt',
      'app://blockparty/%00index.html',
      'app://blockparty/%E0%A4%A',
      'app://evil/index.html',
      'app://blockparty/assets',
      'app://blockparty/tool.exe',
    ]) {
      expect(resolveAppFile(url, root), url).toBeNull();
    }
  });

  it('answers with the type, the CSP and no sniffing; 404 for anything else', async () => {
    const handle = createAppProtocolHandler(join(dir, 'renderer'), readFromDisk);
    const page = await handle(new Request('app://blockparty/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Blockparty</title>');
    const script = await handle(new Request('app://blockparty/assets/index-1.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    expect((await handle(new Request('app://blockparty/missing.js'))).status).toBe(404);
    expect((await handle(new Request('app://blockparty/assets/..%2f..%2fsecret.txt'))).status).toBe(404);
    expect(
      (await handle(new Request('app://blockparty/index.html', { method: 'POST', body: 'x' }))).status,
    ).toBe(404);
    const failing = createAppProtocolHandler(join(dir, 'renderer'), () =>
      Promise.reject(new Error('ERR_FILE_NOT_FOUND')),
    );
    expect((await failing(new Request('app://blockparty/index.html'))).status).toBe(404);
  });
});
