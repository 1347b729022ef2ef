/** Prints how long the dashboard's balances take at 10,000 blocks: full, cached, after one mined block. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { forgeBlock } from '../src-main/chain/block.ts';
import { dumpsPy } from '../src-main/chain/json.ts';
import type { Transaction } from '../src-main/chain/types.ts';
import { createDashboardService } from '../src-main/control/service.ts';
import { createFakeNode } from '../test/control/fake-node.ts';
import { printFigures, type Figure } from './bench/report.ts';

const BLOCKS = 10_000;

/** Measures the balances of a 10,000-block chain: recomputed, cached, and after one more block. */
export async function balancesFigures(): Promise<Figure[]> {
  const node = createFakeNode(1);
  const names = Array.from({ length: 40 }, (_, i) => `addr-${i}`);
  for (let i = 1; i < BLOCKS; i++) {
    const txs: Transaction[] = [];
    for (let j = 0; j < 3; j++) {
      const amount = (i + j) % 7 === 0 ? 2.5 : BigInt(1 + ((i + j) % 9));
      txs.push({ sender: names[(i * 7 + j) % 40]!, recipient: names[(i * 13 + j + 1) % 40]!, amount });
    }
    txs.push({ sender: '0', recipient: names[i % 40]!, amount: 1n });
    node.blocks.push(forgeBlock(node.blocks[node.blocks.length - 1]!, 1n, txs.map(dumpsPy), 1.5 + i));
  }
  const service = createDashboardService(node, { addressCheckMs: 1e9 });
  try {
    const full: number[] = [];
    for (let r = 0; r < 7; r++) {
      // A replaced chain is added up from the start.
      node.emit('chain-changed', { height: node.blocks.length, reason: 'replaced' });
      const t0 = performance.now();
      const res = await service.balances();
      full.push(performance.now() - t0);
      if (!res.ok || res.value.height !== BLOCKS) throw new Error('balances failed');
    }
    const t1 = performance.now();
    await service.balances();
    const cached = performance.now() - t1;
    const reward = dumpsPy({ sender: '0', recipient: 'addr-0', amount: 1n });
    node.blocks.push(forgeBlock(node.blocks[node.blocks.length - 1]!, 2n, [reward], BLOCKS + 0.5));
    node.emit('chain-changed', { height: node.blocks.length, reason: 'mined' });
    const t2 = performance.now();
    await service.balances();
    const oneMore = performance.now() - t2;
    const fullMedian = [...full].sort((a, b) => a - b)[3]!;
    const baseline = { name: 'full recompute', value: fullMedian };
    return [
      {
        name: 'balances over 10,000 blocks, full recompute',
        value: fullMedian,
        unit: 'ms',
        note: `median of 7: ${full.map((t) => t.toFixed(1)).join(' ')}; 40,000 transactions, 40 addresses`,
      },
      { name: 'balances again, chain unchanged (cached)', value: cached, unit: 'ms', baseline },
      {
        name: 'balances after one mined block (adds one block)',
        value: oneMore,
        unit: 'ms',
        baseline,
        target: { text: '≤ 1/20 of the full recompute', met: oneMore * 20 <= fullMedian },
      },
    ];
  } finally {
    service.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  printFigures('Balances', await balancesFigures());
}
