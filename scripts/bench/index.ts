/**
 * `npm run bench`: every benchmark, one after another (never two at once: they measure the machine),
 * each figure beside its baseline measured in the same run and its target. Exits 1 when a target
 * is missed. `BENCH_ONLY=mine,transactions` runs some of them; the network one needs root (namespaces).
 */
import { dashboardFigures } from '../bench-dashboard.ts';
import { adoptFigures } from './adopt.ts';
import { mineFigures } from './mine.ts';
import { networkFigures } from './network.ts';
import { ensureBuilt } from './nodes.ts';
import { allMet, printFigures, type Figure } from './report.ts';
import { startupFigures } from './startup.ts';
import { transactionFigures } from './transactions.ts';

const BENCHMARKS: Record<string, { title: string; run: (log: (line: string) => void) => Promise<Figure[]> }> =
  {
    mine: { title: 'Mining', run: (log) => mineFigures(log) },
    transactions: { title: 'Transactions', run: transactionFigures },
    startup: { title: 'Start-up and memory', run: startupFigures },
    adopt: { title: 'Adopting a long chain', run: adoptFigures },
    dashboard: { title: 'Dashboard while auto-mining', run: (log) => dashboardFigures({ log }) },
    // The targets are for 30 laptops; namespaces need root (CI runs as root).
    network: {
      title: 'Live network',
      run: (log) => networkFigures({ log, nodes: Number(process.env['BENCH_NETWORK_NODES'] ?? 30) }),
    },
  };

async function main(): Promise<void> {
  const only = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim());
  const log = (line: string): boolean => process.stderr.write(`  ${line}\n`);
  const results: { title: string; figures: Figure[] }[] = [];
  ensureBuilt();
  for (const [name, bench] of Object.entries(BENCHMARKS)) {
    if (only && !only.includes(name)) continue;
    process.stderr.write(`${bench.title}…\n`);
    results.push({ title: bench.title, figures: await bench.run(log) });
  }
  process.stdout.write('\n## Benchmarks\n');
  for (const { title, figures } of results) printFigures(title, figures);
  const all = results.flatMap((r) => r.figures);
  const missed = all.filter((f) => f.target && !f.target.met);
  process.stdout.write(
    missed.length === 0
      ? `\nEvery target met (${all.filter((f) => f.target).length} targets).\n`
      : `\nTargets missed: ${missed.map((f) => f.name).join('; ')}\n`,
  );
  process.exit(allMet(all) ? 0 : 1);
}

void main();
