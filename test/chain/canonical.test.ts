/**
 * The canonical fast path proves texts canonical without parsing them: every text it accepts must be
 * exactly what CPython's `json.dumps(json.loads(text), sort_keys=True)` gives (the oracle), and a
 * chain checked through it must get the same verdict, texts and hashes as through the full check.
 */
import { describe, expect, it } from 'vitest';
import { canonicalEnd, scanCanonicalBlocks } from '../../src-main/chain/canonical.ts';
import { dumpsPy, parsePyJson } from '../../src-main/chain/json.ts';
import type { Rules } from '../../src-main/chain/types.ts';
import { validateChain } from '../../src-main/chain/validate.ts';
import { checkChainText } from '../../src-main/peer/check-chain.ts';
import { buildChain, chainValue, transfer } from './chain-helpers.ts';
import { pythonDumps } from './python-oracle.ts';
import { JsonTextGenerator, makeRng } from './random-json.ts';

const SEED = Number(process.env['CANONICAL_SEED'] ?? Math.floor(Math.random() * 2 ** 32));
const LIMITS = { maxBlocks: 200_000, maxBlockBytes: 4 * 1024 * 1024 };

describe(`canonical texts (seed ${SEED})`, () => {
  const g = new JsonTextGenerator(makeRng(SEED));
  const documents = Array.from({ length: 3000 }, () => g.document());
  const dumped = pythonDumps(documents);

  it('accepts only what Python itself would write', () => {
    let accepted = 0;
    documents.forEach((text, i) => {
      if (canonicalEnd(text, 0) !== text.length) return;
      accepted++;
      expect(dumped[i], text).toBe(text);
    });
    // The generator writes whitespace and odd forms on purpose; some documents are canonical as written.
    expect(accepted).toBeGreaterThan(0);
  });

  it('accepts what Python writes, unless a key needs an escape', () => {
    const canonical = dumped.filter((text) => !text.startsWith('ERROR '));
    const refused = canonical.filter((text) => canonicalEnd(text, 0) !== text.length);
    for (const text of refused) expect(text, text).toMatch(/\\/);
    expect(refused.length).toBeLessThan(canonical.length * 0.5);
  });

  it('takes a float exactly when it is Python’s repr of its value', () => {
    const rnd = makeRng(SEED ^ 0x5eed);
    const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
    const tokens = Array.from({ length: 4000 }, () => {
      const int = rnd() < 0.3 ? '0' : String(1 + Math.floor(rnd() * 9)) + digits(Math.floor(rnd() * 17));
      const frac =
        rnd() < 0.2
          ? '0'.repeat(1 + Math.floor(rnd() * 6)) + digits(1 + Math.floor(rnd() * 4))
          : digits(1 + Math.floor(rnd() * 18));
      return (rnd() < 0.2 ? '-' : '') + `${int}.${frac}`;
    });
    const reprs = pythonDumps(tokens);
    tokens.forEach((token, i) =>
      expect(canonicalEnd(token, 0) === token.length, token).toBe(reprs[i] === token),
    );
  });

  it('refuses the forms Python never writes', () => {
    for (const text of [
      '{"b": 1, "a": 2}',
      '{"a": 1, "a": 2}',
      '{"a":1}',
      '[1,2]',
      '"\\/"',
      '"\\u00E9"',
      '"\\u0041"',
      '"\\u000a"',
      '"é"',
      '1e5',
      '1.50',
      '-0',
      '01',
      '2.0e-5',
      'nan',
    ])
      expect(canonicalEnd(text, 0), text).not.toBe(text.length);
    for (const text of [
      '{"a": [1, 2.5, "x\\n\\u00e9"], "b": null}',
      '1e+16',
      '-Infinity',
      '[]',
      '{}',
      '"\\ud83d\\ude00"',
    ])
      expect(canonicalEnd(text, 0), text).toBe(text.length);
  });
});

describe.each<Rules>([
  { profile: 'article', difficulty: 2 },
  { profile: 'dvf', difficulty: 2 },
])('a chain checked the fast way under $profile', (rules) => {
  const chain = buildChain(rules, 40, (i) => [
    transfer(`s${i}`, 'r', i % 2 === 0 ? BigInt(i + 1) : i + 0.5),
    transfer('0', 'miner'),
  ]);
  const body = `{"chain": [${chain.map((b) => b.text).join(', ')}], "length": ${chain.length}}`;

  it('gets the same texts and hashes as the full check', () => {
    const scanned = scanCanonicalBlocks(body, '{"chain": '.length, rules, null, LIMITS);
    const full = validateChain(chainValue(chain), rules);
    expect(full.ok).toBe(true);
    expect(scanned?.texts).toEqual(chain.map((b) => b.text));
    expect(scanned?.hashes).toEqual(full.ok ? full.blocks.map((b) => b.hash) : []);
    expect(checkChainText({ body, rules })).toMatchObject({ ok: true, claimedLength: '40' });
  });

  it('leaves every broken chain to the full check, which words what is wrong', () => {
    const tampered = body.replace('"sender": "s3"', '"sender": "s4"');
    expect(scanCanonicalBlocks(tampered, '{"chain": '.length, rules, null, LIMITS)).toBeNull();
    const verdict = checkChainText({ body: tampered, rules });
    expect(verdict).toMatchObject({
      ok: false,
      outcome: 'invalid',
      blockIndex: 6,
      rule: { code: 'block-link' },
    });
    // Compact JSON (as Flask writes it) is not canonical: checked the full way, and found valid.
    const compact = JSON.stringify(parsePyJson(body), (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
    expect(scanCanonicalBlocks(compact, '{"chain":'.length, rules, null, LIMITS)).toBeNull();
    expect(dumpsPy(parsePyJson(compact)).length).toBeGreaterThan(0);
  });

  it('checks a sync page after a block we hold', () => {
    const start = { index: 10, hash: chain[9]!.hash, proof: BigInt(chain[9]!.decode().proof) };
    const page = `{"fork": 10, "length": 40, "blocks": [${chain
      .slice(10)
      .map((b) => b.text)
      .join(', ')}]}`;
    expect(checkChainText({ body: page, rules, start })).toMatchObject({
      ok: true,
      texts: chain.slice(10).map((b) => b.text),
    });
    const wrongStart = { ...start, hash: chain[8]!.hash };
    expect(checkChainText({ body: page, rules, start: wrongStart })).toMatchObject({
      ok: false,
      rule: { code: 'block-link' },
    });
  });
});
