/** Steps on the dashboard as a person takes them, and reads of what the node saved, for the desktop tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { DesktopApp } from './desktop-app.ts';

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

/** The address Overview shows for this node's peer server (`http://127.0.0.1:PORT`). */
export async function peerAddress(page: Page): Promise<string> {
  await go(page, 'overview');
  const text = await textOf(page, '[data-testid=addresses]');
  const match = /http:\/\/127\.0\.0\.1:\d+/.exec(text);
  if (!match) throw new Error(`no loopback address on Overview: "${text}"`);
  return match[0];
}

/** What the tutorial's `GET /chain` answers on a peer address. */
export async function fetchChain(
  address: string,
): Promise<{ length: number; chain: Array<Record<string, unknown>> }> {
  const response = await fetch(`${address}/chain`);
  return (await response.json()) as { length: number; chain: Array<Record<string, unknown>> };
}

/** The node's files in its userData: the chain log's blocks and node.json. */
export function savedState(userData: string): {
  blocks: Array<Record<string, unknown>>;
  config: { nodeId: string; settings: { name: string }; pending: unknown[] };
} {
  const blocks = readFileSync(join(userData, 'chain.log'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const config = JSON.parse(readFileSync(join(userData, 'node.json'), 'utf8')) as ReturnType<
    typeof savedState
  >['config'];
  return { blocks, config };
}

/** Asserts nothing went wrong behind the scenes of a run: no error in main or the page, no refused OS quit. */
export function problems(app: DesktopApp): string[] {
  return app.events
    .filter((event) =>
      ['main-error', 'renderer-error', 'os-quit-refused', 'preload-error'].includes(event.type),
    )
    .map((event) => JSON.stringify(event));
}
