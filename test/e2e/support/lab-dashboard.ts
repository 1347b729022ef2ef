import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { Lab } from '../../helpers/netns.ts';
import type { NodeStatus } from '../../../src-main/shared/api.ts';
import { ROOT } from './build';
import type { HeadlessNode } from './headless-node';

/**
 * Headless nodes and Chromium inside one laptop of a namespaced lab (test/helpers/netns.ts): the nodes
 * listen on the lab's LAN address, as on a classroom laptop, so they have join codes, while nothing
 * is reachable from the real network. The dashboards listen on the namespace's own 127.0.0.1, so the
 * browser runs in that namespace too; the test talks to the nodes only through their dashboards.
 */

/** A node started in the lab: what {@link HeadlessNode} offers, minus `call` (see {@link statusOf}). */
export type LabNode = Omit<HeadlessNode, 'call'>;

/** Starts `src-main/headless.ts` inside laptop `k` of the lab, listening on all its interfaces. */
export async function startLabNode(
  lab: Lab,
  k: number,
  options: { dataDir: string; name: string; port?: number; difficulty?: number; extraArgs?: string[] },
): Promise<LabNode> {
  const args = [
    '--import',
    'tsx',
    resolve(ROOT, 'src-main/headless.ts'),
    '--port',
    String(options.port ?? 0),
    '--data-dir',
    options.dataDir,
    '--name',
    options.name,
    '--workers',
    '1',
  ];
  if (options.difficulty !== undefined) args.push('--difficulty', String(options.difficulty));
  args.push(...(options.extraArgs ?? []));
  const child = lab.exec(k, process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const dashboardUrl = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${options.name} printed no dashboard:\n${out}`)), 60_000);
    const check = (): void => {
      const match = /^Dashboard: (\S+)/m.exec(out);
      if (!match) return;
      clearTimeout(timer);
      done(match[1]!);
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${options.name} exited with ${code}:\n${out}`));
    });
  });
  return {
    dashboardUrl,
    addresses: [...out.matchAll(/^\s+(https?:\/\/\S+)\s*$/gm)].map((match) => match[1]!),
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Debian's Chromium inside laptop `k` (a wrapper script enters the namespace, then execs Chromium;
 * Playwright's pipe to it is inherited), headless with the project's flags and a fresh profile.
 */
export async function launchChromiumInLab(
  lab: Lab,
  k: number,
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'blockparty-lab-chromium-'));
  const wrapper = join(dir, 'chromium');
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${lab.nodes[k]!.ns}' '${chromiumPath}' "$@"\n`, {
    mode: 0o755,
  });
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: wrapper,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
    viewport: { width: 1440, height: 900 },
    colorScheme: 'light',
    locale: 'en-US',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The node's status, read from the page of its dashboard (same origin, the token it printed). */
export async function statusOf(page: Page, node: LabNode): Promise<NodeStatus> {
  const token = new URL(node.dashboardUrl).searchParams.get('token') ?? '';
  return page.evaluate(async (bearer) => {
    const response = await fetch('/api/status', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` },
      body: '{}',
    });
    const body = (await response.json()) as { ok: boolean; value: NodeStatus };
    if (!body.ok) throw new Error(`status: ${JSON.stringify(body)}`);
    return body.value;
  }, token);
}
