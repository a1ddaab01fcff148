// Shared table printing for the benchmarks: median, min and max of each row.
export interface Row {
  readonly name: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(name: string, samples: readonly number[]): Row {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { name, median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

export function printTable(title: string, rows: readonly Row[]): void {
  const header = ["measure", "median", "min", "max", "runs"];
  const body = rows.map((r) => [r.name, fmt(r.median), fmt(r.min), fmt(r.max), String(r.runs)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const row of body) console.log(line(row));
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
