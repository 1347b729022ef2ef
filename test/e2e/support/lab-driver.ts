import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { DashboardDriver } from './dashboard-driver';
import { LOCALES, THEMES } from './dashboard-driver';

/** The classroom lab's screens, in the sidebar's order. */
export const LAB_SCREENS = ['network', 'forks', 'tamper', 'attack'] as const;

/** One of {@link LAB_SCREENS}. */
export type LabScreen = (typeof LAB_SCREENS)[number];

/** What says each lab screen has drawn its data. */
export const LAB_READY: Record<LabScreen, string> = {
  network: '[data-testid=net-node]',
  forks: '[data-testid=fork-tree]',
  tamper: '[data-testid=tamper-form]',
  attack: '[data-testid=hash-power]',
};

/** Opens a lab screen from the sidebar and waits for its data. */
export async function goLab(page: Page, screen: LabScreen): Promise<void> {
  await page.click(`[data-testid=nav-${screen}]`);
  await page.waitForSelector(`[data-testid=nav-${screen}].router-link-active`);
  await page.waitForSelector(LAB_READY[screen]);
}

/**
 * On the Tamper lab: picks block `index`, waits until the first payment's amount `from` is offered,
 * and types `to` in its place (nothing is previewed or sent yet).
 */
export async function forgeAmount(page: Page, index: number, from: string, to: string): Promise<void> {
  await page.fill('[data-testid=tamper-index]', String(index));
  await page.press('[data-testid=tamper-index]', 'Enter');
  await page.waitForFunction(
    (amount) =>
      (document.querySelector('[data-testid=tamper-value]') as HTMLInputElement | null)?.value === amount,
    from,
  );
  await page.fill('[data-testid=tamper-value]', to);
}

/** One peer's verdict on a tampered copy, as the Tamper lab lists it. */
export interface ShownVerdict {
  peer: string | null;
  verdict: string | undefined;
  block: string | undefined;
  reason: string | undefined;
}

/** The verdicts the Tamper lab lists now. */
export function shownVerdicts(page: Page): Promise<ShownVerdict[]> {
  return page.locator('[data-testid=tamper-verdict]').evaluateAll((rows) =>
    rows.map((row) => ({
      peer: row.getAttribute('data-peer'),
      verdict: row.querySelector('[data-testid=verdict]')?.textContent?.trim(),
      block: row.querySelector('[data-testid=verdict-block]')?.textContent?.trim(),
      reason: row.querySelector('[data-testid=verdict-reason]')?.textContent?.trim(),
    })),
  );
}

/**
 * A full-page screenshot of every lab screen in every language and theme, as
 * `lab-<screen>-<locale>-<theme><suffix>.png`; `prepare` readies a screen (a tamper report…).
 */
export async function captureLab(
  driver: DashboardDriver,
  dir: string,
  options: { suffix?: string; prepare?: (screen: LabScreen) => Promise<void> } = {},
): Promise<string[]> {
  const { page } = driver;
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const locale of LOCALES) {
    for (const theme of THEMES) {
      await driver.setLook(locale, theme);
      for (const screen of LAB_SCREENS) {
        await goLab(page, screen);
        await options.prepare?.(screen);
        await driver.dismissNotifications();
        // From the top: a full-page picture of a scrolled page paints the sticky bars mid-page.
        await page.evaluate(() => window.scrollTo(0, 0));
        // Fonts and the last fetches settle; nothing to wait on more precisely for a picture.
        await page.waitForTimeout(400);
        const file = join(dir, `lab-${screen}-${locale}-${theme}${options.suffix ?? ''}.png`);
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        files.push(file);
      }
    }
  }
  await driver.setLook('en', 'light');
  return files;
}

/**
 * The spectator page on a phone, in every language and theme (it follows the phone's theme), as
 * `spectator-<locale>-<theme>.png`.
 */
export async function captureSpectator(page: Page, url: string, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  await page.goto(url);
  await page.waitForSelector('[data-testid=net-node]');
  for (const locale of LOCALES) {
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await page.selectOption('[data-testid=spectator-locale]', locale);
      await page.waitForFunction(
        ([l, t]) => document.documentElement.lang === l && document.documentElement.dataset.theme === t,
        [locale, theme],
      );
      await page.waitForTimeout(300);
      const file = join(dir, `spectator-${locale}-${theme}.png`);
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      files.push(file);
    }
  }
  return files;
}
