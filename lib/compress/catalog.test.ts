import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { descriptorOf, techniqueDescriptors } from "./catalog";
import { techniques } from "./index";

/** Every module a file loads at run time (type-only imports are erased), following relative and "@/" paths. */
function runtimeImports(entry: string): Map<string, string[]> {
  const root = path.resolve(__dirname, "../..");
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const source = readFileSync(file, "utf8");
    const specs = [...source.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => m[1]);
    seen.set(file, specs);
    for (const spec of specs) {
      const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : null;
      if (!base) continue;
      const found = [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find((f) => { try { readFileSync(f); return true; } catch { return false; } });
      if (found) visit(found);
    }
  };
  visit(entry);
  return seen;
}

describe("the technique catalog", () => {
  it.each(["catalog.ts", "schemas.ts", "../dashboard/technique-fields.ts", "../dashboard/pipeline-estimate.ts"])(
    "%s loads no TensorFlow.js (the web bundle imports it)", (file) => {
      const graph = runtimeImports(path.resolve(__dirname, file));
      const offenders = [...graph].filter(([, specs]) => specs.some((s) => s.startsWith("@tensorflow/"))).map(([f]) => path.relative(__dirname, f));
      expect(graph.size).toBeGreaterThan(3);
      expect(offenders).toEqual([]);
    });

  it("the worker's techniques are the catalog's descriptors, in its order, each with its implementation", () => {
    expect(techniques.map((t) => t.name)).toEqual(techniqueDescriptors.map((d) => d.name));
    for (const t of techniques) {
      const d = descriptorOf(t.name)!;
      expect([t.label, t.configSchema]).toEqual([d.label, d.configSchema]);
      expect(typeof t.apply).toBe("function");
    }
    expect(descriptorOf("baseline")).toBeUndefined();
  });
});
