// The compare view's parameter table: each run's settings flattened to dotted keys, one row per key, and
// whether the runs disagree on it (those rows are highlighted).
export function flatten(value: unknown, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === "object" && !(Array.isArray(value) && value.length === 0) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

export interface DiffRow {
  key: string;
  values: (string | null)[];
  differs: boolean;
}

/** Rows for every key any run has (in first-seen order); a key a run lacks is null and counts as different. */
export function diffParams(runs: Record<string, unknown>[]): DiffRow[] {
  const flat = runs.map((r) => flatten(r));
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) for (const k of Object.keys(f)) if (!seen.has(k)) (seen.add(k), keys.push(k));
  // Array entries (pipeline.1.…) group by index whichever run introduced them; other keys keep their order.
  const rank = (k: string) => keys.findIndex((x) => x.split(".")[0] === k.split(".")[0]);
  keys.sort((a, b) => rank(a) - rank(b) || (/\.\d+\./.test(a) && /\.\d+\./.test(b) ? a.localeCompare(b, "en", { numeric: true }) : keys.indexOf(a) - keys.indexOf(b)));
  return keys.map((key) => {
    const values = flat.map((f) => (key in f ? f[key] : null));
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}
