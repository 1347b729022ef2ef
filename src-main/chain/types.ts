/**
 * Values as Python's json module sees them. Integers are `bigint` and floats are `number`, so a value
 * keeps the kind it had on the wire (`1` vs `1.0`) and every digit of a big integer.
 */
export type PyValue = null | boolean | string | bigint | number | PyValue[] | PyObject;

/** A JSON object with Python semantics (keys are sorted only when serialized). */
export interface PyObject {
  [key: string]: PyValue;
}

/** The rule profiles of protocol.md §1. */
export type ProfileName = 'article' | 'dvf';

/** The rules a network runs under. */
export interface Rules {
  profile: ProfileName;
  /** Leading hex zeros a proof's guess hash needs; 4 is the tutorial's. */
  difficulty: number;
}

/** A transaction as the tutorial stores it. Peers' chains may hold anything here; ours are checked. */
export type Transaction = PyObject;

/** A block with exactly the tutorial's five keys (protocol.md §2). */
export interface Block {
  index: bigint;
  /** The integer 1 (`article` genesis), the string "1" (`dvf` genesis) or a 64-hex hash. */
  previous_hash: string | bigint;
  proof: bigint;
  /** Seconds since the epoch; a float from Python, but kept as an int if a peer sent an int. */
  timestamp: number | bigint;
  transactions: PyValue[];
}

/**
 * A pending transaction: its canonical text (Python's JSON, as it will sit in a block) and the
 * envelope id the node that first accepted it gave it (relay deduplication: two equal transfers
 * are two transfers, so the content cannot be the id).
 */
export interface PendingTransaction {
  readonly id: string;
  readonly text: string;
}
