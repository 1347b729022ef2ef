import { describe, expect, it } from 'vitest';
import { proofOf } from '../../src-main/chain/block.ts';
import { searchProofSync } from '../../src-main/chain/proof.ts';
import {
  EditError,
  checkLabChain,
  editBlock,
  previousHashOf,
  relinkBlock,
} from '../../src-main/chain/tamper.ts';
import type { Rules } from '../../src-main/chain/types.ts';
import { validateChain } from '../../src-main/chain/validate.ts';
import { parsePyJson } from '../../src-main/chain/json.ts';
import { buildChain, chainValue, transfer } from './chain-helpers.ts';

const PROFILES: Rules[] = [
  { profile: 'article', difficulty: 2 },
  { profile: 'dvf', difficulty: 2 },
];

describe.each(PROFILES)('the tamper lab under $profile', (rules) => {
  const chain = buildChain(rules, 6, (i) => [
    transfer('ana', 'bob', BigInt(i + 1)),
    transfer('0', 'miner', 1n),
  ]);
  const texts = chain.map((b) => b.text);

  it('an edited transaction changes its block’s hash and breaks the next link only', () => {
    const edited = editBlock(chain, {
      index: 3,
      kind: 'transaction',
      transaction: 0,
      field: 'amount',
      value: '1000',
    });
    expect(edited.hash).not.toBe(chain[2]!.hash);
    expect(parsePyJson(edited.text)).toMatchObject({ transactions: [{ amount: 1000n }, {}] });
    const lab = [...chain.slice(0, 2), edited, ...chain.slice(3)];
    const checks = checkLabChain(chain, lab, rules, 3);
    expect(checks.map((c) => c.index)).toEqual([3, 4, 5, 6]);
    expect(checks[0]).toMatchObject({
      linkOk: true,
      proofOk: true,
      hashBefore: chain[2]!.hash,
      hashAfter: edited.hash,
    });
    // The article rule ignores hashes (only links break); dvf ties each proof to the hash before it.
    expect(checks[1]).toMatchObject({ linkOk: false, proofOk: rules.profile === 'article' });
    expect(checks.slice(2).every((c) => c.linkOk && c.proofOk && c.hashBefore === c.hashAfter)).toBe(true);
    const verdict = validateChain(chainValue(lab), rules);
    expect(verdict).toMatchObject({ ok: false, blockIndex: 4, reason: { code: 'block-link' } });
    // The chain the copy came from is untouched.
    expect(chain.map((b) => b.text)).toEqual(texts);
  });

  it('an edited proof breaks the block’s own proof', () => {
    const wrong = String(proofOf(chain[3]!) + 1n);
    const edited = editBlock(chain, { index: 4, kind: 'proof', value: wrong });
    const lab = [...chain.slice(0, 3), edited, ...chain.slice(4)];
    const [own, next] = checkLabChain(chain, lab, rules, 4);
    expect(own).toMatchObject({ linkOk: true, proofOk: false });
    expect(next!.linkOk).toBe(false);
    expect(validateChain(chainValue(lab), rules)).toMatchObject({
      ok: false,
      blockIndex: 4,
      reason: { code: 'block-proof' },
    });
  });

  it('redoing every later link and proof makes the copy valid again: the cascade an attacker pays for', () => {
    const lab = [...chain];
    lab[2] = editBlock(chain, {
      index: 3,
      kind: 'transaction',
      transaction: 0,
      field: 'recipient',
      value: 'eve',
    });
    for (let i = 3; i < lab.length; i++) {
      const previous = lab[i - 1]!;
      const proof = searchProofSync(rules, proofOf(previous), previous.hash);
      lab[i] = relinkBlock(lab[i]!, previous.hash, proof);
      expect(previousHashOf(lab[i]!)).toBe(previous.hash);
    }
    const checks = checkLabChain(chain, lab, rules, 3);
    expect(checks.every((c) => c.linkOk && c.proofOk && c.hashBefore !== c.hashAfter)).toBe(true);
    expect(validateChain(chainValue(lab), rules).ok).toBe(true);
  });

  it('refuses edits it cannot make, naming the field', () => {
    const refused = (edit: Parameters<typeof editBlock>[1]) => {
      try {
        editBlock(chain, edit);
      } catch (error) {
        expect(error).toBeInstanceOf(EditError);
        return { code: (error as EditError).reason.code, field: (error as EditError).field };
      }
      throw new Error('edit accepted');
    };
    expect(refused({ index: 1, kind: 'proof', value: '5' })).toEqual({
      code: 'lab-edit-block',
      field: 'index',
    });
    expect(refused({ index: 7, kind: 'proof', value: '5' })).toEqual({
      code: 'lab-edit-block',
      field: 'index',
    });
    expect(refused({ index: 2, kind: 'proof', value: '-5' })).toEqual({
      code: 'lab-edit-proof',
      field: 'value',
    });
    expect(refused({ index: 2, kind: 'transaction', transaction: 2, field: 'amount', value: '1' })).toEqual({
      code: 'lab-edit-transaction',
      field: 'transaction',
    });
    expect(
      refused({ index: 2, kind: 'transaction', transaction: 0, field: 'amount', value: 'lots' }),
    ).toEqual({
      code: 'tx-amount-text',
      field: 'value',
    });
    expect(refused({ index: 2, kind: 'transaction', transaction: 0, field: 'sender', value: '' })).toEqual({
      code: 'lab-edit-party',
      field: 'value',
    });
  });
});
