// Prisma's schema engine, as WebAssembly, driving a JS driver adapter: migrations without the native
// schema-engine binary (which cannot be downloaded offline). The package's entry imports its .wasm as an
// ES module, which Node cannot do, so the module is instantiated here by hand.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

const require = createRequire(import.meta.url);

type Bindings = typeof import("@prisma/schema-engine-wasm");

/** The engine reports a Rust panic's message through this global before it throws; keep it for the error. */
const panics = { last: "" };
(globalThis as unknown as { PRISMA_WASM_PANIC_REGISTRY: { set_message(m: string): void } }).PRISMA_WASM_PANIC_REGISTRY = {
  set_message: (message: string) => {
    panics.last = message;
  },
};

export function lastEnginePanic(): string {
  return panics.last;
}

// Process-wide, not module-wide: a test runner may load this module more than once.
const shared = globalThis as unknown as { labSchemaEngineInstances?: number; labSchemaEngineQueue?: Promise<unknown> };

/** Runs `task` after every engine task started before it, process-wide: engines must not run concurrently. */
export function serially<T>(task: () => Promise<T>): Promise<T> {
  const next = (shared.labSchemaEngineQueue ?? Promise.resolve()).then(task);
  shared.labSchemaEngineQueue = next.catch(() => {});
  return next;
}

/**
 * A fresh WebAssembly instance (and a fresh copy of its JS glue, whose module state points at it) for every
 * engine: the engine sets process-wide state when it starts, so a second engine in the same instance panics.
 */
async function loadBindings(): Promise<Bindings> {
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  shared.labSchemaEngineInstances = (shared.labSchemaEngineInstances ?? 0) + 1;
  const glueUrl = `${pathToFileURL(gluePath).href}?instance=${shared.labSchemaEngineInstances}`;
  const glue = (await import(glueUrl)) as Bindings & { __wbg_set_wasm(exports: unknown): void };
  const bytes = readFileSync(gluePath.replace(/\.js$/, ".wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue as never });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

export interface OpenEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes every connection it opened (SQLite would otherwise stay locked). */
  close: () => Promise<void>;
}

export async function openSchemaEngine(
  schema: { path: string; content: string },
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
): Promise<OpenEngine> {
  const { SchemaEngine } = await loadBindings();
  const opened: { dispose(): Promise<void> }[] = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: async () => {
      const adapter = await adapterFactory.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await adapterFactory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const log = (line: string) => {
    if (process.env.PRISMA_ENGINE_LOG) console.error(line);
  };
  const engine = await SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, log, bindMigrationAwareSqlAdapterFactory(tracking));
  return {
    engine,
    close: async () => {
      engine.free();
      await Promise.all(opened.map((a) => a.dispose()));
    },
  };
}
