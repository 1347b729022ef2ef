import { afterAll, describe, expect, it } from 'vitest';
import { createChainChecker } from '../../src-main/peer/chain-checker.ts';
import { checkChainText, checkHalf, joinHalves, unpackHalf } from '../../src-main/peer/check-chain.ts';
import type { Rules } from '../../src-main/chain/types.ts';
import { renderMessage } from '../../src-main/shared/messages.ts';
import { buildChain } from '../chain/chain-helpers.ts';

const rules: Rules = { profile: 'dvf', difficulty: 2 };
const checker = createChainChecker();
afterAll(() => checker.close());

/** A chain big enough to be checked on the worker thread (`mark`: another chain of the same shape). */
function bigChain(mark = '😀') {
  const txs = Array.from({ length: 400 }, (_, i) => ({
    sender: `s${i}`,
    recipient: `汉字${mark}`,
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
    const { span: _span, ...inline } = checkChainText({ body: text, rules }) as { span?: unknown };
    expect(result).toEqual(inline);
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

  /** The block whose text starts first after the middle of `body`: where the checker cuts it in two. */
  function blockAfterMiddle(body: string, blocks = chain): number {
    const middle = Buffer.byteLength(body) / 2;
    let at = Buffer.byteLength('{"chain": [');
    for (let i = 0; i < blocks.length; i++) {
      if (at >= middle) return i;
      at += Buffer.byteLength(blocks[i]!.text) + 2;
    }
    throw new Error('no block after the middle');
  }

  it('checks a big body in two halves with the result of the whole check, wherever a block is broken', async () => {
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
    const cut = blockAfterMiddle(text);
    // Each side of the cut, the cut itself, the ends: a broken proof is found as the whole check finds it.
    for (const k of [1, cut - 2, cut - 1, cut, cut + 1, chain.length - 1]) {
      const proof = chain[k]!.decode().proof;
      const block = chain[k]!.text;
      const broken = text.replace(block, block.replace(`"proof": ${proof},`, `"proof": ${proof + 1n},`));
      const split = await checker.check({ body: Buffer.from(broken), rules });
      const { span: _span, ...inline } = checkChainText({ body: broken, rules }) as { span?: unknown };
      expect(split, `block ${k + 1}`).toEqual(inline);
      expect(split.ok, `block ${k + 1}`).toBe(false);
    }
    // A block moved across the cut: both halves are valid alone, the link between them is not.
    const swapped = text.replace(chain[cut]!.text, chain[cut + 1]!.text);
    const result = await checker.check({ body: Buffer.from(swapped), rules });
    expect(result.ok).toBe(false);
  });

  it('checks a big sync page in two halves after the block it follows', async () => {
    const fork = 10;
    const blocks = chain.slice(fork);
    const page = `{"fork": ${fork}, "length": ${chain.length}, "blocks": [${blocks.map((b) => b.text).join(', ')}]}`;
    expect(Buffer.byteLength(page)).toBeGreaterThan(1024 * 1024);
    const before = chain[fork - 1]!;
    const start = { index: fork, hash: before.hash, proof: before.decode().proof };
    const result = await checker.check({ body: Buffer.from(page), rules, start });
    expect(result.ok && result.texts).toEqual(blocks.map((b) => b.text));
    expect(result.ok && result.hashes).toEqual(blocks.map((b) => b.hash));
    expect(result.ok && result.claimedLength).toBe(String(chain.length));
    const wrongStart = { ...start, hash: chain[fork]!.hash };
    expect((await checker.check({ body: Buffer.from(page), rules, start: wrongStart })).ok).toBe(false);
  });

  it('joins two valid halves only through the link between them', () => {
    // The head of one chain and the tail of another from the same genesis, cut between blocks k and
    // k + 1: each half is valid alone; only the link across the cut is broken.
    const other = bigChain('😁');
    const k = 40;
    const head = `{"chain": [${chain
      .slice(0, k)
      .map((b) => b.text)
      .join(', ')}`;
    const tail = (blocks: typeof chain) =>
      `${blocks
        .slice(k)
        .map((b) => b.text)
        .join(', ')}], "length": ${blocks.length}}`;
    const ask = (text: string, half: 'head' | 'tail') => checkHalf({ body: Buffer.from(text), rules, half });
    const first = ask(head, 'head');
    const own = ask(tail(chain), 'tail');
    const foreign = ask(tail(other), 'tail');
    expect(first && own && foreign).toBeTruthy();
    const joined = joinHalves(rules, unpackHalf(first!), unpackHalf(own!));
    expect(joined).toEqual({
      ok: true,
      texts: chain.map((b) => b.text),
      hashes: chain.map((b) => b.hash),
      claimedLength: String(chain.length),
    });
    expect(joinHalves(rules, unpackHalf(first!), unpackHalf(foreign!))).toBeNull();
  });

  it('finds a link broken exactly at the cut, as the whole check words it', async () => {
    // Our blocks up to the cut, the other chain's after it, with the cut where the checker makes it.
    const other = bigChain('😁');
    const mix = (at: number) => [...chain.slice(0, at), ...other.slice(at)];
    const bodyOf = (blocks: typeof chain) =>
      `{"chain": [${blocks.map((b) => b.text).join(', ')}], "length": ${blocks.length}}`;
    let cut = blockAfterMiddle(text);
    for (let tries = 0; tries < 5 && blockAfterMiddle(bodyOf(mix(cut)), mix(cut)) !== cut; tries++)
      cut = blockAfterMiddle(bodyOf(mix(cut)), mix(cut));
    expect(blockAfterMiddle(bodyOf(mix(cut)), mix(cut))).toBe(cut);
    const body = bodyOf(mix(cut));
    const result = await checker.check({ body: Buffer.from(body), rules });
    const { span: _span, ...inline } = checkChainText({ body, rules }) as { span?: unknown };
    expect(result).toEqual(inline);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(renderMessage(result.reason)).toContain(`block ${cut + 1}`);
  });
});
