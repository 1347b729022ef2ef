/**
 * The one shape every benchmark prints: a figure, the baseline it is compared with in the same run
 * (the tutorial's Flask node, a bare HTTP server, the same node at one block…) and the target it must
 * meet. `npm run bench` collects them from each benchmark and prints one table.
 */

/** One measured figure. */
export interface Figure {
  /** What was measured, e.g. "POST /transactions/new, 64 in flight". */
  name: string;
  value: number;
  /** Unit of `value` and `baseline.value`, e.g. "tx/s", "ms", "×". */
  unit: string;
  /** What `value` is compared with, measured in the same run. */
  baseline?: { name: string; value: number };
  /** The target in words ("≥ 5× the tutorial") and whether it was met. */
  target?: { text: string; met: boolean };
  /** Anything a reader needs to judge the number (runs, spread, machine load). */
  note?: string;
}

/** Whether every figure that has a target met it. */
export function allMet(figures: readonly Figure[]): boolean {
  return figures.every((f) => f.target === undefined || f.target.met);
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Prints figures as a Markdown table (pasteable into docs/benchmarks.md). */
export function printFigures(title: string, figures: readonly Figure[], out = process.stdout): void {
  out.write(`\n### ${title}\n\n`);
  out.write('| figure | value | baseline (same run) | target | met |\n| --- | --- | --- | --- | --- |\n');
  for (const f of figures) {
    const baseline = f.baseline ? `${f.baseline.name}: ${fmt(f.baseline.value)} ${f.unit}` : '—';
    const target = f.target ? f.target.text : '—';
    const met = f.target ? (f.target.met ? 'yes' : '**NO**') : '—';
    const note = f.note ? ` (${f.note})` : '';
    out.write(`| ${f.name}${note} | ${fmt(f.value)} ${f.unit} | ${baseline} | ${target} | ${met} |\n`);
  }
}
