import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { HeadlessNode } from './headless-node';

/** The dashboard's screens, in the sidebar's order. */
export const SCREENS = ['overview', 'chain', 'transactions', 'peers', 'settings', 'activity'] as const;

/** One of {@link SCREENS}. */
export type Screen = (typeof SCREENS)[number];

/** The languages every screen is shown in. */
export const LOCALES = ['en', 'zh-CN'] as const;
/** The themes every screen is shown in. */
export const THEMES = ['light', 'dark'] as const;

/** The steps the dashboard tests and the screenshot script take, as a person would, with deadlines. */
export interface DashboardDriver {
  page: Page;
  go(screen: Screen): Promise<void>;
  /** Waits until the first match of `selector` holds `text`. */
  expectText(selector: string, text: string | RegExp, timeout?: number): Promise<void>;
  /** Opens a node's dashboard and waits for its first status. */
  open(node: HeadlessNode): Promise<void>;
  /** Clicks Mine on the Overview and waits for the strip to show the new height. */
  mineOnce(expectedHeight: number): Promise<void>;
  dismissNotifications(): Promise<void>;
  /** Chooses language and theme in the sidebar. */
  setLook(locale: (typeof LOCALES)[number], theme: (typeof THEMES)[number]): Promise<void>;
  /** Steps the presenter zoom with its buttons until it reads `percent`. */
  setZoom(percent: number): Promise<void>;
  /**
   * A full-page screenshot of every screen in every language and theme, as
   * `<screen>-<locale>-<theme><suffix>.png`; `prepare` readies a screen (opens a block…).
   */
  captureAll(
    dir: string,
    options?: { suffix?: string; prepare?: (screen: Screen) => Promise<void> },
  ): Promise<string[]>;
}

/** A driver for the dashboard shown in `page`. */
export function createDriver(page: Page): DashboardDriver {
  async function go(screen: Screen): Promise<void> {
    await page.click(`[data-testid=nav-${screen}]`);
    await page.waitForSelector(`[data-testid=nav-${screen}].router-link-active`);
  }

  async function expectText(selector: string, text: string | RegExp, timeout = 20_000): Promise<void> {
    const locator = page.locator(selector).first();
    await locator.waitFor({ timeout });
    const deadline = Date.now() + timeout;
    let last = '';
    while (Date.now() < deadline) {
      last = (await locator.textContent()) ?? '';
      if (typeof text === 'string' ? last.includes(text) : text.test(last)) return;
      await page.waitForTimeout(100);
    }
    throw new Error(`${selector}: expected ${String(text)}, found "${last}"`);
  }

  async function zoomValue(): Promise<number> {
    const label = (await page.locator('.zoom-value').textContent()) ?? '';
    return Number.parseInt(label, 10);
  }

  const driver: DashboardDriver = {
    page,
    go,
    expectText,
    async open(node) {
      await page.goto(node.dashboardUrl);
      await page.waitForSelector('[data-testid=node-name]');
      await expectText('[data-testid=strip-height]', /\d/);
    },
    async mineOnce(expectedHeight) {
      await go('overview');
      await page.click('[data-testid=mine-button]');
      await expectText('[data-testid=strip-height]', new RegExp(`^${expectedHeight}$`));
    },
    async dismissNotifications() {
      const close = page.locator('[data-testid=notification] button');
      for (let i = 0; i < 20 && (await close.count()) > 0; i++) await close.first().click();
    },
    async setLook(locale, theme) {
      await page.selectOption('[data-testid=pref-locale]', locale);
      await page.selectOption('[data-testid=pref-theme]', theme);
      await page.waitForFunction(
        ([l, t]) => document.documentElement.lang === l && document.documentElement.dataset.theme === t,
        [locale, theme],
      );
    },
    async setZoom(percent) {
      for (let i = 0; i < 12; i++) {
        const current = await zoomValue();
        if (current === percent) return;
        await page.click(current < percent ? '[data-testid=zoom-in]' : '[data-testid=zoom-out]');
        await page.waitForFunction((before) => {
          const label = document.querySelector('.zoom-value')?.textContent ?? '';
          return Number.parseInt(label, 10) !== before;
        }, current);
      }
      throw new Error(`presenter zoom did not reach ${percent} %`);
    },
    async captureAll(dir, options = {}) {
      mkdirSync(dir, { recursive: true });
      const files: string[] = [];
      for (const locale of LOCALES) {
        for (const theme of THEMES) {
          await driver.setLook(locale, theme);
          for (const screen of SCREENS) {
            await go(screen);
            await options.prepare?.(screen);
            await driver.dismissNotifications();
            // Fonts and the last fetches settle; nothing to wait on more precisely for a picture.
            await page.waitForTimeout(300);
            const file = join(dir, `${screen}-${locale}-${theme}${options.suffix ?? ''}.png`);
            await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
            files.push(file);
          }
        }
      }
      await driver.setLook('en', 'light');
      return files;
    },
  };
  return driver;
}
