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
