import { afterAll, describe, expect, it } from 'vitest';
import { createChainChecker } from '../../src-main/peer/chain-checker.ts';
import { checkChainText } from '../../src-main/peer/check-chain.ts';
import type { Rules } from '../../src-main/chain/types.ts';
import { renderMessage } from '../../src-main/shared/messages.ts';
import { buildChain } from '../chain/chain-helpers.ts';

const rules: Rules = { profile: 'dvf', difficulty: 2 };
const checker = createChainChecker();
afterAll(() => checker.close());

/** A chain big enough to be checked on the worker thread. */
function bigChain() {
  const txs = Array.from({ length: 400 }, (_, i) => ({
    sender: `s${i}`,
    recipient: '汉字😀',
    amount: i % 2 ? 1.0 : BigInt(i) + 2n ** 60n,
  }));
  return buildChain(rules, 80, () => txs);
}

describe('createChainChecker', () => {
  const chain = bigChain();
  const text = `{"chain": [${chain.map((b) => b.text).join(', ')}], "length": ${chain.length}}`;

  it('checks a large chain on its worker with the same result as inline, from text or from bytes', async () => {
    expect(text.length).toBeGreaterThan(256 * 1024);
    const result = await checker.check({ body: text, rules });
    expect(await checker.check({ body: Buffer.from(text), rules })).toEqual(result);
    expect(result).toEqual(checkChainText({ body: text, rules }));
    expect(result.ok && result.hashes).toEqual(chain.map((b) => b.hash));
    expect(result.ok && result.texts).toEqual(chain.map((b) => b.text));
  });

  it('keeps the event loop free while a large chain is checked (the check runs on another thread)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const inline = performance.now();
    checkChainText({ body: text, rules });
    const inlineMs = performance.now() - inline;
    ticks = 0;
    await checker.check({ body: text, rules });
    clearInterval(timer);
    // Checked inline, no timer could fire; on the worker the loop ran timers all along.
    expect(inlineMs).toBeGreaterThan(5);
    expect(ticks).toBeGreaterThan(2);
  });

  it('reports a broken large chain from the worker', async () => {
    const proof = chain[3]!.decode().proof;
    const block4 = chain[3]!.text;
    const broken = text.replace(block4, block4.replace(`"proof": ${proof},`, `"proof": ${proof + 1n},`));
    const result = await checker.check({ body: broken, rules });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(renderMessage(result.reason)).toMatch(/^its chain is invalid: block 4: proof/);
  });
});
