// The web server must not load TensorFlow.js: it costs the server seconds at start and hundreds of MB, and only
// the worker trains. Next bundles what app/** (and the root proxy.ts and instrumentation.ts) import, statically
// or through import(), so this walks that graph with the TypeScript compiler's own module resolution (tsconfig
// paths included) and fails naming the chain that reaches a forbidden package. Type-only imports are erased by
// the compiler and do not count.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const FORBIDDEN = /^@tensorflow\//;

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
}

/** The module specifiers a file loads at run time (import/export … from, import(), import x = require()). */
export function runtimeImports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const onlyTypes =
        clause?.isTypeOnly ||
        (clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly));
      if (!onlyTypes) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const onlyTypes = node.isTypeOnly || (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      if (!onlyTypes) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      found.push(node.arguments[0].text);
    } else if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push(node.moduleReference.expression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every forbidden package reachable from the entry files, each with one chain of imports that reaches it. */
export function forbiddenImports(entries: string[], forbidden: RegExp): string[][] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const via = new Map<string, string | null>(entries.map((e) => [e, null]));
  const queue = [...entries];
  const chains: string[][] = [];
  const chainTo = (file: string): string[] => {
    const chain: string[] = [];
    for (let f: string | null | undefined = file; f; f = via.get(f)) chain.unshift(path.relative(root, f));
    return chain;
  };
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const specifier of runtimeImports(file, readFileSync(file, "utf8"))) {
      if (forbidden.test(specifier)) {
        chains.push([...chainTo(file), specifier]);
        continue;
      }
      const resolved = ts.resolveModuleName(specifier, file, options, host).resolvedModule;
      // Packages are not walked: our own files are what may reach tfjs (no dependency of the web imports it).
      if (!resolved || resolved.isExternalLibraryImport || !/\.(ts|tsx|mts|js|mjs)$/.test(resolved.resolvedFileName)) continue;
      const next = path.resolve(resolved.resolvedFileName);
      if (next.endsWith(".d.ts") || next.endsWith(".d.mts") || via.has(next)) continue;
      via.set(next, file);
      queue.push(next);
    }
  }
  return chains;
}

/** What Next builds into the web server: everything under app/ but tests, and the root proxy and instrumentation. */
function webEntries(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const app = walk(path.join(root, "app")).filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f));
  return [...app, path.join(root, "proxy.ts"), path.join(root, "instrumentation.ts")];
}

describe("the web server's import graph", () => {
  it("reads every kind of runtime import and skips type-only ones", () => {
    const text = [
      `import a from "a"; import { b } from "b"; import * as c from "c"; import "d";`,
      `import type { T } from "t1"; import { type U } from "t2"; import { type V, w } from "w";`,
      `export { x } from "x"; export type { Y } from "t3"; export * from "z";`,
      `const lazy = () => import("lazy");`,
    ].join("\n");
    expect(runtimeImports("f.ts", text)).toEqual(["a", "b", "c", "d", "w", "x", "z", "lazy"]);
  });

  it("finds a forbidden package through our own modules", () => {
    // A job's child process loads tfjs through lib/: the walk must see it, or it proves nothing about app/.
    const chains = forbiddenImports([path.join(root, "workers/job-child.ts")], FORBIDDEN);
    expect(chains.length).toBeGreaterThan(0);
    expect(chains[0][0]).toBe("workers/job-child.ts");
  });

  it("never reaches @tensorflow/* from app/**, proxy.ts or instrumentation.ts", () => {
    const chains = forbiddenImports(webEntries(), FORBIDDEN);
    expect(chains.map((c) => c.join(" → "))).toEqual([]);
  });
});
