/**
 * Run by the start-up benchmark as `node --expose-gc --import tsx scripts/bench/ledger-memory.ts DIR`:
 * opens the chain log in DIR as the node does and prints, as JSON, the memory the opened chain keeps
 * (heap and external memory after full collections, minus the same before opening) and its blocks.
 */
import { join } from 'node:path';
import { createGenesis } from '../../src-main/chain/block.ts';
import { Ledger } from '../../src-main/node/ledger.ts';
import { message } from '../../src-main/shared/messages.ts';
import { createJournal } from '../../src-main/store/journal.ts';

const dir = process.argv[2]!;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const used = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const before = used();
const log = createJournal(join(dir, 'chain.log'));
const { ledger } = await Ledger.open(
  log,
  () => createGenesis('article', 1),
  () => message('storage-io', { dir, error: '' }),
);
const after = used();
process.stdout.write(JSON.stringify({ blocks: ledger.chain.length, bytes: after - before }) + '\n');
await log.close();
