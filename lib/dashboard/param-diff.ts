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

const numeric = new Intl.Collator("en", { numeric: true });
const ARRAY_ENTRY = /\.\d+\./;

/** Rows for every key any run has (in first-seen order); a key a run lacks is null and counts as different. */
export function diffParams(runs: Record<string, unknown>[]): DiffRow[] {
  const flat = runs.map((r) => flatten(r));
  const firstSeen = new Map<string, number>();
  for (const f of flat) for (const k of Object.keys(f)) if (!firstSeen.has(k)) firstSeen.set(k, firstSeen.size);
  // Array entries (pipeline.1.…) group by index whichever run introduced them; other keys keep their order. The
  // ranks are computed once per key: looked up inside the comparator they made a 4-run compare page's sort
  // quadratic (~2 ms of its render).
  const groupRank = new Map<string, number>();
  const info = [...firstSeen.keys()].map((key) => {
    const group = key.split(".")[0];
    if (!groupRank.has(group)) groupRank.set(group, groupRank.size);
    return { key, rank: groupRank.get(group)!, seen: firstSeen.get(key)!, arrayEntry: ARRAY_ENTRY.test(key) };
  });
  info.sort((a, b) => a.rank - b.rank || (a.arrayEntry && b.arrayEntry ? numeric.compare(a.key, b.key) : a.seen - b.seen));
  return info.map(({ key }) => {
    const values = flat.map((f) => (key in f ? f[key] : null));
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}
