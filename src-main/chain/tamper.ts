/**
 * The tamper lab's chain work: edit one block of a copy of the chain, then see which rules the copy
 * breaks, block by block, as `valid_chain` would check them (protocol.md §5). Pure and synchronous;
 * the node never lets a lab chain near its own.
 *
 * The tutorial stores `previous_hash` in each block, so editing block k changes k's hash and breaks
 * only the link from k+1; "fixing" that link changes k+1's hash and breaks k+2's, and so on: the
 * cascade an attacker must redo. Under the article profile proofs do not depend on hashes, so only
 * links break; under dvf each following proof breaks too and must be mined again.
 */
import { SealedBlock, blockToPy, proofOf } from './block.ts';
import { isPyObject } from './json.ts';
import { isValidProof } from './proof.ts';
import type { PyValue, Rules } from './types.ts';
import { message, type Message } from '../shared/messages.ts';
import { PARTY_MAX, parseAmountText } from '../shared/transaction.ts';

/** The most blocks after the edited one that `relink` redoes (each may need a proof search). */
export const RELINK_MAX = 200;

/** What to change in one block. */
export type BlockEdit =
  | {
      index: number;
      kind: 'transaction';
      transaction: number;
      field: 'sender' | 'recipient' | 'amount';
      value: string;
    }
  | { index: number; kind: 'proof'; value: string };

/** How one block of the lab chain stands. */
export interface LabBlockCheck {
  index: number;
  hashBefore: string;
  hashAfter: string;
  linkOk: boolean;
  proofOk: boolean;
}

/** Refused edits say what to change. */
export class EditError extends Error {
  constructor(
    readonly reason: Message,
    readonly field: string,
  ) {
    super(reason.code);
  }
}

function fail(
  code: Parameters<typeof message>[0],
  field: string,
  params: Record<string, string | number> = {},
): never {
  throw new EditError(message(code, params), field);
}

/** The block at `edit.index` with the edit applied (the chain itself is not touched). */
export function editBlock(chain: readonly SealedBlock[], edit: BlockEdit): SealedBlock {
  if (!Number.isInteger(edit.index) || edit.index < 2 || edit.index > chain.length)
    fail('lab-edit-block', 'index', { last: chain.length });
  const original = chain[edit.index - 1]!.decode();
  const block = { ...original, transactions: [...original.transactions] };
  if (edit.kind === 'proof') {
    if (typeof edit.value !== 'string' || !/^\d{1,40}$/.test(edit.value.trim()))
      fail('lab-edit-proof', 'value');
    block.proof = BigInt(edit.value.trim());
  } else {
    const position = edit.transaction;
    if (!Number.isInteger(position) || position < 0 || position >= block.transactions.length)
      fail('lab-edit-transaction', 'transaction', { transactions: block.transactions.length });
    const tx = block.transactions[position];
    if (!isPyObject(tx)) fail('lab-edit-not-object', 'transaction');
    let value: PyValue;
    if (edit.field === 'amount') {
      const amount = parseAmountText(edit.value);
      if (!amount.ok) throw new EditError(amount.reason, 'value');
      value = amount.kind === 'int' ? BigInt(amount.text) : Number(amount.text);
    } else if (edit.field === 'sender' || edit.field === 'recipient') {
      if (typeof edit.value !== 'string' || edit.value.length === 0 || edit.value.length > PARTY_MAX)
        fail('lab-edit-party', 'value', { max: PARTY_MAX });
      value = edit.value;
    } else {
      fail('lab-edit-field', 'field');
    }
    block.transactions[position] = { ...tx, [edit.field]: value };
  }
  return SealedBlock.of(block);
}

/** `block` with another `previous_hash` and, when given, another proof. */
export function relinkBlock(block: SealedBlock, previousHash: string, proof?: bigint): SealedBlock {
  const decoded = block.decode();
  return SealedBlock.of({ ...decoded, previous_hash: previousHash, proof: proof ?? decoded.proof });
}

/**
 * Checks the lab chain from `from` (1-based) on against the chain it was copied from: each block's
 * hash before and after, whether its link and its proof still hold. At most `limit` blocks.
 */
export function checkLabChain(
  original: readonly SealedBlock[],
  lab: readonly SealedBlock[],
  rules: Rules,
  from: number,
  limit = RELINK_MAX,
): LabBlockCheck[] {
  const checks: LabBlockCheck[] = [];
  for (let i = from - 1; i < lab.length && checks.length < limit; i++) {
    const block = lab[i]!;
    const previous = lab[i - 1]!;
    const linked = previousHashOf(block);
    checks.push({
      index: i + 1,
      hashBefore: original[i]!.hash,
      hashAfter: block.hash,
      linkOk: linked === previous.hash,
      proofOk: isValidProof(rules, proofOf(previous), proofOf(block), previous.hash),
    });
  }
  return checks;
}

/** The `previous_hash` of a block (blocks after genesis hold a 64-hex string). */
export function previousHashOf(block: SealedBlock): string {
  const value = blockToPy(block.decode())['previous_hash'];
  return typeof value === 'string' ? value : String(value);
}

/** The lab chain as `GET /chain` would serve it (what a peer's lab check reads). */
export function labChainJson(chain: readonly SealedBlock[]): string {
  return `{"chain": [${chain.map((b) => b.text).join(', ')}], "length": ${chain.length}}`;
}
