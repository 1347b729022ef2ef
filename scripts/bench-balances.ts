/** Prints how long the dashboard's balances take at 10,000 blocks: full, cached, after one mined block. */
import { forgeBlock } from '../src-main/chain/block.ts';
import { dumpsPy } from '../src-main/chain/json.ts';
import type { Transaction } from '../src-main/chain/types.ts';
import { createDashboardService } from '../src-main/control/service.ts';
import { createFakeNode } from '../test/control/fake-node.ts';

async function main(): Promise<void> {
  const node = createFakeNode(1);
  const names = Array.from({ length: 40 }, (_, i) => `addr-${i}`);
  for (let i = 1; i < 10_000; i++) {
    const txs: Transaction[] = [];
    for (let j = 0; j < 3; j++) {
      const amount = (i + j) % 7 === 0 ? 2.5 : BigInt(1 + ((i + j) % 9));
      txs.push({ sender: names[(i * 7 + j) % 40]!, recipient: names[(i * 13 + j + 1) % 40]!, amount });
    }
    txs.push({ sender: '0', recipient: names[i % 40]!, amount: 1n });
    node.blocks.push(forgeBlock(node.blocks[node.blocks.length - 1]!, 1n, txs.map(dumpsPy), 1.5 + i));
  }
  const service = createDashboardService(node, { addressCheckMs: 1e9 });
  const full: number[] = [];
  for (let r = 0; r < 7; r++) {
    node.emit('chain-changed', { height: node.blocks.length, reason: 'replaced' });
    const t0 = performance.now();
    const res = await service.balances();
    full.push(performance.now() - t0);
    if (!res.ok || res.value.height !== 10_000) throw new Error('balances failed');
  }
  const t1 = performance.now();
  await service.balances();
  const cached = performance.now() - t1;
  const prev = node.blocks[node.blocks.length - 1]!;
  node.blocks.push(
    forgeBlock(prev, 2n, [dumpsPy({ sender: '0', recipient: 'addr-0', amount: 1n })], 20_000.5),
  );
  node.emit('chain-changed', { height: node.blocks.length, reason: 'mined' });
  const t2 = performance.now();
  await service.balances();
  const oneMore = performance.now() - t2;
  console.log('balances over 10,000 blocks (40,000 transactions, 40 addresses)');
  console.log(`full recompute, 7 runs (ms): ${full.map((t) => t.toFixed(1)).join(' ')}`);
  console.log(`cached: ${cached.toFixed(2)} ms; after one mined block: ${oneMore.toFixed(2)} ms`);
  service.close();
}

void main();
