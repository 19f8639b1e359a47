/**
 * Reading the node's /metrics (Prometheus text exposition format) in the page: samples by metric
 * name and labels, and the few figures the operator page shows. Only what prom-client writes is
 * handled (no timestamps, no escaped quotes in label values).
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g;

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] as string] = l[2] as string;
    const value = Number(m[3]);
    if (!Number.isNaN(value)) out.push({ name: m[1] as string, labels, value });
  }
  return out;
}

/** Sum of `name` over the samples whose labels include `where`. */
export function total(
  samples: readonly Sample[],
  name: string,
  where: Readonly<Record<string, string>> = {},
): number {
  let s = 0;
  for (const x of samples) {
    if (x.name !== name) continue;
    if (Object.entries(where).every(([k, v]) => x.labels[k] === v)) s += x.value;
  }
  return s;
}

/** Mean of a histogram (`_sum` / `_count`) in milliseconds, or undefined before any observation. */
export function meanMs(
  samples: readonly Sample[],
  histogram: string,
  where: Readonly<Record<string, string>> = {},
): number | undefined {
  const count = total(samples, `${histogram}_count`, where);
  if (count === 0) return undefined;
  return (total(samples, `${histogram}_sum`, where) / count) * 1000;
}
