/** Steps on the dashboard as a person takes them, and reads of what the node saved, for the desktop tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { DesktopApp } from './desktop-app.ts';
import { SealedBlock, transactionTexts } from '../../../src-main/chain/block.ts';
import type { WindowApi } from '../../../src-main/shared/window-api.ts';

/** Waits until the element shows text matching `text`. */
export async function waitForText(
  page: Page,
  selector: string,
  text: RegExp,
  timeout = 20_000,
): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor({ timeout });
}

/** The text of the first element matching `selector` (trimmed). */
export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').trim();
}

/** The chain height shown in the status strip, once it is shown. */
export async function heightOf(page: Page): Promise<number> {
  await waitForText(page, '[data-testid=strip-height]', /^\d+$/);
  return Number(await textOf(page, '[data-testid=strip-height]'));
}

/** Opens one of the dashboard's screens from the side navigation. */
export async function go(
  page: Page,
  screen: 'overview' | 'chain' | 'transactions' | 'peers' | 'settings',
): Promise<void> {
  await page.click(`[data-testid=nav-${screen}]`);
  await page.waitForSelector(`[data-testid=nav-${screen}].router-link-active`);
}

/** Sends a transaction from the Transactions screen and waits for the pending count to show it. */
export async function sendTransaction(
  page: Page,
  tx: { sender: string; recipient: string; amount: string },
  pendingAfter: number,
): Promise<void> {
  await go(page, 'transactions');
  await page.fill('[data-testid=tx-sender]', tx.sender);
  await page.fill('[data-testid=tx-recipient]', tx.recipient);
  await page.fill('[data-testid=tx-amount]', tx.amount);
  await page.click('[data-testid=tx-submit]');
  await waitForText(page, '[data-testid=strip-pending]', new RegExp(`^${pendingAfter}$`));
}

/** Clicks Mine on Overview and waits for the chain to reach `height`. */
export async function mine(page: Page, height: number): Promise<void> {
  await go(page, 'overview');
  await page.click('[data-testid=mine-button]');
  await waitForText(page, '[data-testid=strip-height]', new RegExp(`^${height}$`), 60_000);
}

/** This node's peer server on loopback (`http://127.0.0.1:PORT`), from the status the page's `window.api` gives. */
export async function peerAddress(page: Page): Promise<string> {
  // Runs in the page, where `window.api` is the preload's (this project's tsconfig has no DOM types).
  const port = await page.evaluate(async () => {
    const api = (globalThis as unknown as { api: WindowApi }).api;
    const result = await api.status();
    return result.ok ? result.value.port : null;
  });
  if (port === null) throw new Error('the status call through window.api failed');
  return `http://127.0.0.1:${port}`;
}

/** What the tutorial's `GET /chain` answers on a peer address. */
export async function fetchChain(
  address: string,
): Promise<{ length: number; chain: Array<Record<string, unknown>> }> {
  const response = await fetch(`${address}/chain`);
  return (await response.json()) as { length: number; chain: Array<Record<string, unknown>> };
}

/**
 * The node's files in its userData: the chain as its log replays it (block lines, `#reset` and
 * `#adopt` groups), the transactions still pending (`#tx` records no later block took) and node.json.
 */
export function savedState(userData: string): {
  blocks: Array<Record<string, unknown>>;
  config: { nodeId: string; settings: { name: string }; pending: unknown[] };
} {
  const lines = readFileSync(join(userData, 'chain.log'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  let blocks: string[] = [];
  let pending: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const group = /^#(reset|adopt) (\d+)(?: (\d+))?$/.exec(line);
    if (group) {
      const keep = group[1] === 'adopt' ? Number(group[2]) : 0;
      const count = Number(group[1] === 'adopt' ? group[3] : group[2]);
      blocks = [...blocks.slice(0, keep), ...lines.slice(i + 1, i + 1 + count)];
      if (group[1] === 'reset') pending = [];
      i += count;
    } else if (line.startsWith('#tx ')) {
      pending.push(line.slice(line.indexOf(' ', 4) + 1));
    } else if (line.startsWith('{')) {
      blocks.push(line);
      const taken = SealedBlock.fromCanonical(line);
      for (const text of transactionTexts(taken)) {
        const at = pending.indexOf(text);
        if (at >= 0) pending.splice(at, 1);
      }
    }
  }
  const config = JSON.parse(readFileSync(join(userData, 'node.json'), 'utf8')) as ReturnType<
    typeof savedState
  >['config'];
  return {
    blocks: blocks.map((text) => JSON.parse(text) as Record<string, unknown>),
    config: { ...config, pending: pending.map((text) => JSON.parse(text) as unknown) },
  };
}

/** Asserts nothing went wrong behind the scenes of a run: no error in main or the page, no refused OS quit. */
export function problems(app: DesktopApp): string[] {
  return app.events
    .filter((event) =>
      ['main-error', 'renderer-error', 'os-quit-refused', 'preload-error'].includes(event.type),
    )
    .map((event) => JSON.stringify(event));
}
