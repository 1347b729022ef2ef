import type { Page } from 'playwright-core';

/** A problem a test causes on purpose, with the reason it is expected. */
export interface ExpectedProblem {
  pattern: RegExp;
  reason: string;
}

/** What went wrong in a page: console errors, uncaught errors, failed or refused requests. */
export interface PageProblems {
  /**
   * Accepts problems matching `pattern` (tested against the whole line, which names the URL) until
   * the returned function is called; `reason` says why the test causes them.
   */
  expect(pattern: RegExp, reason: string): () => void;
  /** Problems no expectation covers, since the last call; the list starts again empty. */
  take(): string[];
  /** Throws, listing them, when there are problems no expectation covers. */
  assertNone(): void;
}

/**
 * Collects every console error, page error, failed request and HTTP error answer of a page. Nothing
 * is filtered by default: a test names each problem it expects, and why.
 */
export function watchPage(page: Page, always: readonly ExpectedProblem[] = []): PageProblems {
  const expected = new Set<ExpectedProblem>(always);
  let problems: string[] = [];
  const record = (line: string): void => {
    for (const expectation of expected) if (expectation.pattern.test(line)) return;
    problems.push(line);
  };

  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    record(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (error) => record(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    record(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText ?? '?'}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400)
      record(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });

  return {
    expect(pattern, reason) {
      const expectation = { pattern, reason };
      expected.add(expectation);
      return () => expected.delete(expectation);
    },
    take() {
      const taken = problems;
      problems = [];
      return taken;
    },
    assertNone() {
      const taken = this.take();
      if (taken.length) throw new Error(`The page reported problems nobody expected:\n${taken.join('\n')}`);
    },
  };
}
