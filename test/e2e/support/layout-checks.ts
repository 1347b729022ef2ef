import type { Page } from 'playwright-core';

/**
 * Layout checks run in the page, each returning what is wrong in words (empty when all is well), so a
 * failing test says which element at which size broke.
 */

/** The page is not wider than the window: nothing scrolls sideways. */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    // Name the widest culprits: elements reaching past the right edge that are not inside a scroller.
    const culprits: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const rect = el.getBoundingClientRect();
      if (rect.right <= root.clientWidth + 1) continue;
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') clipped = true;
      }
      if (!clipped)
        culprits.push(`${el.tagName.toLowerCase()}.${el.className} reaches ${Math.round(rect.right)}`);
      if (culprits.length >= 5) break;
    }
    return [`page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window: ${culprits.join('; ')}`];
  });
}

/** Every primary button, scrolled to the middle, is what a click at its centre lands on. */
export async function coveredPrimaryButtons(page: Page): Promise<string[]> {
  const count = await page.locator('.btn-primary, .btn-danger, .mine-button').count();
  const problems: string[] = [];
  for (let i = 0; i < count; i++) {
    const problem = await page.evaluate((index) => {
      const button = document.querySelectorAll<HTMLElement>('.btn-primary, .btn-danger, .mine-button')[index];
      if (!button || button.closest('dialog:not([open])')) return null;
      if (button.getClientRects().length === 0) return null;
      button.scrollIntoView({ block: 'center', inline: 'center' });
      const rect = button.getBoundingClientRect();
      const name = (button.textContent ?? '').trim() || button.getAttribute('aria-label') || 'button';
      if (rect.width < 8 || rect.height < 8) return `"${name}" is ${rect.width}×${rect.height} px`;
      const x = rect.left + rect.width / 2;
      const y = rect.top + rect.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (hit && button.contains(hit)) return null;
      const what = hit ? `${hit.tagName.toLowerCase()}.${(hit as HTMLElement).className}` : 'nothing';
      return `"${name}" is covered at its centre (${Math.round(x)}, ${Math.round(y)}) by ${what}`;
    }, i);
    if (problem) problems.push(problem);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  return problems;
}

/** Texts that visibly overlap another text (labels over values, a number over its neighbour). */
export function overlappingTexts(page: Page, scope = 'body'): Promise<string[]> {
  return page.evaluate((selector) => {
    interface Box {
      text: string;
      node: Text;
      rects: DOMRect[];
    }
    // The part of a text's boxes that shows: clipped by every ancestor that hides its overflow.
    const visible = (node: Text): DOMRect[] => {
      const range = document.createRange();
      range.selectNodeContents(node);
      let rects = [...range.getClientRects()].filter((r) => r.width > 1 && r.height > 1);
      for (let el = node.parentElement; el && rects.length; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.opacity === '0') return [];
        // Overflow hidden, or paint containment (content-visibility: auto implies it), clips.
        const contains = /paint|strict|content/.test(style.contain) || style.contentVisibility === 'auto';
        if (style.overflowX === 'visible' && style.overflowY === 'visible' && !contains) continue;
        const clip = el.getBoundingClientRect();
        rects = rects
          .map((r) => {
            const left = Math.max(r.left, clip.left);
            const top = Math.max(r.top, clip.top);
            const right = Math.min(r.right, clip.right);
            const bottom = Math.min(r.bottom, clip.bottom);
            return new DOMRect(left, top, right - left, bottom - top);
          })
          .filter((r) => r.width > 1 && r.height > 1);
      }
      return rects;
    };
    const boxes: Box[] = [];
    for (const root of document.querySelectorAll(selector)) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        const text = node.data.trim();
        if (!text || node.parentElement?.closest('.sr-only, option, select, script, style')) continue;
        const rects = visible(node);
        if (rects.length) boxes.push({ text, node, rects });
      }
    }
    const problems: string[] = [];
    // Glyph boxes are taller than the ink: a few pixels of touching line boxes are not an overlap.
    const slack = 3;
    for (let i = 0; i < boxes.length && problems.length < 5; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const hit = a.rects.some((r) =>
          b.rects.some(
            (s) =>
              Math.min(r.right, s.right) - Math.max(r.left, s.left) > slack &&
              Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top) > slack,
          ),
        );
        if (hit) problems.push(`"${a.text.slice(0, 40)}" overlaps "${b.text.slice(0, 40)}"`);
      }
    }
    return problems;
  }, scope);
}

/** An address's port (from its last `:`) sits on one line: "…:53 / 10" reads as another port. */
export function wrappedPorts(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const problems: string[] = [];
    for (const el of document.querySelectorAll(selector)) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const nodes: Text[] = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
      const text = nodes.map((n) => n.data).join('');
      let start = text.lastIndexOf(':');
      if (start < 0 || nodes.length === 0) continue;
      const range = document.createRange();
      for (const node of nodes) {
        if (start < node.data.length) {
          range.setStart(node, start);
          break;
        }
        start -= node.data.length;
      }
      const last = nodes[nodes.length - 1]!;
      range.setEnd(last, last.data.length);
      const tops = new Set(
        [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)),
      );
      if (tops.size > 1) problems.push(`"${text}" wraps inside its port "${range.toString()}"`);
    }
    return problems;
  }, selector);
}

/** The status strip reads as a strip: each label and value on one line, uncut, and the name legible. */
export function unreadableStrip(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const strip = document.querySelector<HTMLElement>('header.strip');
    if (!strip) return ['no status strip'];
    const lines = (el: Element): number => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)))
        .size;
    };
    for (const el of strip.querySelectorAll<HTMLElement>('dt, dd')) {
      const text = (el.textContent ?? '').trim();
      if (lines(el) > 1) problems.push(`strip "${text}" takes ${lines(el)} lines`);
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`strip "${text}" is cut`);
    }
    const name = strip.querySelector<HTMLElement>('[data-testid=strip-name]');
    if (name) {
      const size = Number.parseFloat(getComputedStyle(name).fontSize);
      const shown = name.getBoundingClientRect().width;
      const needed = Math.min(name.scrollWidth, 4 * size);
      if (lines(name) > 1) problems.push('the node name in the strip wraps');
      if (shown + 1 < needed) problems.push(`the node name in the strip is ${Math.round(shown)} px wide`);
    }
    const height = strip.getBoundingClientRect().height;
    if (height > window.innerHeight * 0.45)
      problems.push(`the strip is ${Math.round(height)} px tall in a ${window.innerHeight} px window`);
    return problems;
  });
}

/** No row of a table or list, nor a notification, is taller than `maxRem`: a 4,000-character sender
 * anyone may post must not make it so. */
export function tallRows(page: Page, maxRem: number): Promise<string[]> {
  return page.evaluate((max) => {
    const rem = Number.parseFloat(getComputedStyle(document.documentElement).fontSize);
    const problems: string[] = [];
    for (const row of document.querySelectorAll<HTMLElement>('tbody tr, .log-row, .toast')) {
      const height = row.getBoundingClientRect().height;
      if (height > max * rem)
        problems.push(`a ${row.className || row.tagName.toLowerCase()} is ${Math.round(height)} px tall`);
    }
    return problems;
  }, maxRem);
}

/** No notification lies over a tile, a table, a card's heading or a primary button. */
export function coveringToasts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const toasts = [...document.querySelectorAll<HTMLElement>('[data-testid=notification]')].filter(
      (toast) => toast.getClientRects().length > 0,
    );
    const essentials = document.querySelectorAll<HTMLElement>(
      '.stat, table, .card > h2, .btn-primary, .btn-danger, .mine-button, .block-card, .log-row',
    );
    for (const toast of toasts) {
      const t = toast.getBoundingClientRect();
      for (const el of essentials) {
        if (toast.contains(el) || el.contains(toast)) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const overlap =
          Math.min(t.right, r.right) > Math.max(t.left, r.left) &&
          Math.min(t.bottom, r.bottom) > Math.max(t.top, r.top);
        if (overlap) problems.push(`a notification covers ${el.tagName.toLowerCase()}.${el.className}`);
      }
    }
    return problems;
  });
}
