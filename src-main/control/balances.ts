import { compareCodePoints, pyFloatRepr } from '../chain/json.ts';
import type { Block, PyValue } from '../chain/types.ts';
import type { BalanceRowDto, BalancesDto } from '../shared/api.ts';

/** The sender of mining rewards: money from nowhere, not an account. */
export const MINT_ADDRESS = '0';

/**
 * One address's running totals. Ints are kept exact as bigint and floats apart as a number, so a row
 * stays exact for as long as only ints reach it; once a float does, the row is shown as float sums.
 */
interface Tally {
  receivedInt: bigint;
  receivedFloat: number;
  sentInt: bigint;
  sentFloat: number;
  hasFloat: boolean;
}

/** Adds up balances block by block, so a grown chain costs only its new blocks. */
export interface BalanceLedger {
  /** How many blocks have been added. */
  readonly blocks: number;
  /** Adds one block's transactions (the next block of the chain). */
  addBlock(block: Block): void;
  /** The totals so far as display rows, highest balance first. */
  snapshot(): Omit<BalancesDto, 'height'>;
}

/** A ledger with no blocks yet. */
export function createBalanceLedger(): BalanceLedger {
  const tallies = new Map<string, Tally>();
  let blocks = 0;
  let skipped = 0;

  const tallyOf = (address: string): Tally => {
    let tally = tallies.get(address);
    if (tally === undefined) {
      tally = { receivedInt: 0n, receivedFloat: 0, sentInt: 0n, sentFloat: 0, hasFloat: false };
      tallies.set(address, tally);
    }
    return tally;
  };

  function addTransaction(tx: PyValue): void {
    if (typeof tx !== 'object' || tx === null || Array.isArray(tx)) return void skipped++;
    const { sender, recipient, amount } = tx;
    const isInt = typeof amount === 'bigint';
    // Peers' chains may carry anything; JSON cannot hold NaN or Infinity, but stay safe if one slips in.
    const isFloat = typeof amount === 'number' && Number.isFinite(amount);
    if ((!isInt && !isFloat) || typeof sender !== 'string' || typeof recipient !== 'string') {
      return void skipped++;
    }
    if (recipient !== MINT_ADDRESS) {
      const to = tallyOf(recipient);
      if (isInt) to.receivedInt += amount;
      else {
        to.receivedFloat += amount as number;
        to.hasFloat = true;
      }
    }
    if (sender !== MINT_ADDRESS) {
      const from = tallyOf(sender);
      if (isInt) from.sentInt += amount;
      else {
        from.sentFloat += amount as number;
        from.hasFloat = true;
      }
    }
  }

  return {
    get blocks() {
      return blocks;
    },
    addBlock(block) {
      if (Array.isArray(block.transactions)) for (const tx of block.transactions) addTransaction(tx);
      blocks++;
    },
    snapshot() {
      const rows: (Omit<BalanceRowDto, 'name'> & { sortInt: bigint | null; sortFloat: number })[] = [];
      for (const [address, t] of tallies) {
        if (t.hasFloat) {
          const received = Number(t.receivedInt) + t.receivedFloat;
          const sent = Number(t.sentInt) + t.sentFloat;
          const balance = received - sent;
          rows.push({
            address,
            received: floatText(received),
            sent: floatText(sent),
            balance: floatText(balance),
            sortInt: null,
            sortFloat: balance,
          });
        } else {
          const balance = t.receivedInt - t.sentInt;
          rows.push({
            address,
            received: t.receivedInt.toString(),
            sent: t.sentInt.toString(),
            balance: balance.toString(),
            sortInt: balance,
            sortFloat: Number(balance),
          });
        }
      }
      rows.sort((a, b) => {
        // Two exact rows compare exactly: big ints may differ beyond a float's 53 bits.
        const byBalance =
          a.sortInt !== null && b.sortInt !== null
            ? Number(b.sortInt > a.sortInt) - Number(b.sortInt < a.sortInt)
            : Number(b.sortFloat > a.sortFloat) - Number(b.sortFloat < a.sortFloat);
        return byBalance || compareCodePoints(a.address, b.address);
      });
      return {
        rows: rows.map(({ address, received, sent, balance }) => ({
          address,
          name: null,
          received,
          sent,
          balance,
        })),
        skipped,
      };
    },
  };
}

/** A float as Python prints it; a sum may overflow to infinity, which Python prints as `inf`. */
function floatText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return pyFloatRepr(value);
}
