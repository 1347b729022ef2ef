import { decodeBlock, encodeBlock } from '../chain/block.ts';
import { dumpsPy, isPyObject, parsePyJson, pyKindName } from '../chain/json.ts';
import type { Transaction } from '../chain/types.ts';
import type { BlockCodec } from './types.ts';

/**
 * The chain engine's own text for blocks and transactions (Python's `json.dumps(sort_keys=True)`):
 * one line each, since it escapes newlines and non-ASCII, and it keeps int/float kinds and digits.
 */
export const chainCodec: BlockCodec = Object.freeze({
  encode: encodeBlock,
  decode: decodeBlock,
  encodeTransaction: (tx: Transaction) => dumpsPy(tx),
  decodeTransaction(text: string): Transaction {
    const value = parsePyJson(text);
    if (!isPyObject(value)) throw new TypeError(`a transaction must be an object, got ${pyKindName(value)}`);
    return value;
  },
});
