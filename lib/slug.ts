/**
 * `name` as lower-case ASCII words joined by "-", at most 60 characters: dataset ids and artifact file names.
 * Accents are dropped rather than the letter ("Café" → "cafe"); "" when nothing is left (callers pick a fallback).
 */
export function slugify(name: string): string {
  return name.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
}
