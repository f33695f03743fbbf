// Number formats shared by the pages: one place decides how accuracy, latency and sizes read.
export const pct = (v: number | null | undefined, digits = 1) => (v == null ? "—" : `${(v * 100).toFixed(digits)}%`);
export const ms = (v: number | null | undefined) => (v == null ? "—" : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`);
export function bytes(v: number | null | undefined): string {
  if (v == null) return "—";
  if (v < 1024) return `${v} B`;
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KB`;
  return `${(v / 1024 / 1024).toFixed(2)} MB`;
}
export const count = (v: number | null | undefined) => (v == null ? "—" : v.toLocaleString("en-US"));
export function duration(from: string | Date | null | undefined, to: string | Date | null | undefined): string {
  if (!from) return "—";
  const s = Math.max(0, Math.round(((to ? new Date(to) : new Date()).getTime() - new Date(from).getTime()) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
export const when = (v: string | Date | null | undefined) => (v ? new Date(v).toISOString().slice(0, 16).replace("T", " ") : "—");
/** A signed difference of two fractions in percentage points: "+1.2 pp", "−3.4 pp". */
export function pp(v: number | null | undefined, digits = 1): string {
  if (v == null) return "—";
  const s = (v * 100).toFixed(digits);
  return `${v > 0 ? "+" : v < 0 ? "\u2212" : "±"}${s.replace("-", "")} pp`;
}
/** A ratio as a multiplier: "2.31×". */
export const times = (v: number | null | undefined) => (v == null ? "—" : `${v >= 10 ? v.toFixed(1) : v.toFixed(2)}×`);
/** Big counts in short form: 1.2k, 3.4M, 41G. */
export function compact(v: number | null | undefined): string {
  if (v == null) return "—";
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${(v / 1e9).toFixed(abs >= 1e10 ? 0 : 1)}G`;
  if (abs >= 1e6) return `${(v / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e3) return `${(v / 1e3).toFixed(abs >= 1e4 ? 0 : 1)}k`;
  return String(Math.round(v));
}
/** Colours per technique, the same on every chart (chosen to stay distinct in light and dark mode). */
export const TECHNIQUE_COLORS: Record<string, string> = {
  baseline: "#64748b", distill: "#8b5cf6", prune: "#f97316", quantize: "#0ea5e9", cluster: "#14b8a6", nas: "#ec4899",
};
export function techniqueColor(t: string): string {
  if (TECHNIQUE_COLORS[t]) return TECHNIQUE_COLORS[t];
  let h = 0;
  for (const c of t) h = (h * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${h} 65% 50%)`;
}
