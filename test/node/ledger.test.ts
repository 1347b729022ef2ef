/**
 * The ledger's promise: memory follows the disk record by record. A slow disk (the real chain log,
 * each commit held for a while) shows what happens between "written" and "applied".
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGenesis, forgeBlock } from '../../src-main/chain/block.ts';
import { dumpsPy } from '../../src-main/chain/json.ts';
import { Ledger } from '../../src-main/node/ledger.ts';
import type { ChainLog } from '../../src-main/node/ports.ts';
import { message } from '../../src-main/shared/messages.ts';
import { createJournal } from '../../src-main/store/journal.ts';
import { sampleTx } from '../store/support.ts';
import { tempDir } from '../helpers/node-fixture.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * The real chain log on a slow disk: from the first commit of a `kind` record until `release()`,
 * commits wait in order (as a disk busy writing that record would make them).
 */
function slowLog(
  path: string,
  kind: 'block' | 'adopt' = 'block',
): ChainLog & { release(): void; held(): number } {
  const log = createJournal(path);
  const waiting: (() => void)[] = [];
  return {
    ...log,
    path: log.path,
    commit(records, apply) {
      if (waiting.length > 0 || records.some((r) => r.kind === kind)) {
        return new Promise<void>((resolve, reject) =>
          waiting.push(() => void log.commit(records, apply).then(resolve, reject)),
        );
      }
      return log.commit(records, apply);
    },
    release: () => waiting.splice(0).forEach((go) => go()),
    held: () => waiting.length,
  };
}

async function openLedger(log: ChainLog): Promise<Ledger> {
  const { ledger } = await Ledger.open(
    log,
    () => createGenesis('article', 1.5),
    () => message('storage-io', { dir: 'x', error: 'x' }),
  );
  cleanups.push(() => log.close());
  return ledger;
}

describe('ledger', () => {
  it('keeps transactions posted while a mined block is being saved: pending after it, in no block', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const log = slowLog(join(tmp.dir, 'chain.log'));
    const ledger = await openLedger(log);
    await ledger.addTransaction(sampleTx(1));
    const mined = ledger.appendBlock((tip, pending) =>
      forgeBlock(
        tip,
        7n,
        pending.map((t) => t.text),
        2.5,
      ),
    );
    while (log.held() === 0) await new Promise((r) => setImmediate(r));
    // The block is being written: the chain has not changed yet, and new transactions are taken.
    expect(ledger.chain).toHaveLength(1);
    const posted = Promise.all([ledger.addTransaction(sampleTx(2)), ledger.addTransaction(sampleTx(3))]);
    expect(log.held()).toBe(3);
    log.release();
    await posted;
    const block = await mined;
    expect(block!.text).toContain(sampleTx(1).text);
    expect(block!.text).not.toContain(sampleTx(2).text);
    expect(ledger.pending).toEqual([sampleTx(2), sampleTx(3)]);
    // And the log says the same after a restart.
    const again = await openLedger(createJournal(join(tmp.dir, 'chain.log')));
    expect(again.chain.map((b) => b.hash)).toEqual(ledger.chain.map((b) => b.hash));
    expect(again.pending).toEqual([sampleTx(2), sampleTx(3)]);
  });

  it('adopts against the chain as it is when the adoption is written, and reconciles transactions that arrived meanwhile', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const log = slowLog(join(tmp.dir, 'chain.log'), 'adopt');
    const ledger = await openLedger(log);
    const genesis = ledger.chain[0]!;
    await ledger.addTransaction(sampleTx(1));
    await ledger.appendBlock((tip, pending) =>
      forgeBlock(
        tip,
        7n,
        pending.map((t) => t.text),
        2.5,
      ),
    );
    // Another chain from the same genesis, two blocks longer, holding tx 2.
    const other1 = forgeBlock(genesis, 9n, [sampleTx(2).text], 3.5);
    const other2 = forgeBlock(other1, 11n, [], 4.5);
    const other3 = forgeBlock(other2, 13n, [], 5.5);
    const adopting = ledger.adopt(1, [other1, other2, other3], (ours) => ours < 4);
    while (log.held() === 0) await new Promise((r) => setImmediate(r));
    // Posted while the adopted chain is being written: it is committed after it.
    const posted = ledger.addTransaction({ ...sampleTx(2), id: 'f'.repeat(32) });
    expect(log.held()).toBe(2);
    log.release();
    const result = await adopting;
    await posted;
    expect(result?.restored.map((t) => t.text)).toEqual([sampleTx(1).text]);
    expect(ledger.chain.map((b) => b.hash)).toEqual([genesis.hash, other1.hash, other2.hash, other3.hash]);
    // tx 1 came back from our discarded block; tx 2, posted while the adoption ran, is the same
    // text as the one the new chain holds but arrived after it: a new transfer, kept.
    expect(ledger.pending.map((t) => t.text)).toEqual([sampleTx(1).text, sampleTx(2).text]);
    expect(ledger.pending[1]!.id).toBe('f'.repeat(32));
    expect(ledger.pending[0]!.id).toBe(sampleTx(1).id);
    const again = await openLedger(createJournal(join(tmp.dir, 'chain.log')));
    expect(again.pending).toEqual(ledger.pending);
  });

  it('refuses an adoption that no longer follows our chain, and one the chain outgrew meanwhile', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const ledger = await openLedger(createJournal(join(tmp.dir, 'chain.log')));
    const stranger = forgeBlock(createGenesis('article', 99.5), 1n, [], 1.5);
    expect(await ledger.adopt(1, [stranger], () => true)).toBeNull();
    const next = forgeBlock(ledger.tip, 1n, [dumpsPy({ a: 1n })], 1.5);
    expect(await ledger.adopt(1, [next], () => false)).toBeNull();
    expect(ledger.chain).toHaveLength(1);
  });
});
