import type { Page } from 'playwright-core';

/** What went wrong on a page while it was watched. */
export interface PageWatch {
  /** `STATUS METHOD URL` of every answer >= 400, and `FAILED METHOD URL (reason)` of every failed request. */
  failures: string[];
  /** Uncaught errors and console errors (CSP violations included). */
  errors: string[];
  /** Stops collecting (before a node is stopped on purpose, or the page is closed). */
  stop(): void;
}

/** Records every failed request, answer >= 400 and page error of `page` from now on. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { failures: [], errors: [], stop: () => (active = false) };
  let active = true;
  page.on('response', (response) => {
    if (active && response.status() >= 400) {
      watch.failures.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  page.on('requestfailed', (request) => {
    if (active)
      watch.failures.push(`FAILED ${request.method()} ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('pageerror', (error) => active && watch.errors.push(error.message));
  page.on('console', (message) => {
    if (active && message.type() === 'error') watch.errors.push(message.text());
  });
  return watch;
}

/** Waits until the first `selector`'s text matches, up to `timeout` ms (the page updates by itself). */
export async function expectText(
  page: Page,
  selector: string,
  text: string | RegExp,
  timeout = 20_000,
): Promise<void> {
  const pattern = typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text;
  try {
    await page.waitForFunction(
      ([sel, source, flags]) => {
        const element = document.querySelector(sel!);
        return element !== null && new RegExp(source!, flags).test(element.textContent ?? '');
      },
      [selector, pattern.source, pattern.flags],
      { timeout, polling: 100 },
    );
  } catch {
    const found = await page
      .locator(selector)
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => null);
    throw new Error(
      `${selector}: expected ${String(text)}, found ${found === null ? 'no element' : `"${found}"`}`,
    );
  }
}
