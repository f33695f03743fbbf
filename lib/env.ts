// Every environment variable the app reads, with its default, validated in one schema. A bad value names itself.
// Nothing else reads process.env (the test harness aside): the .mjs scripts that plain Node runs load this file
// through tsx's tsImport (scripts/start.mjs), or read no variable at all (the native build leaves npm's settings
// to node-gyp, which reads them itself; system-deps.mjs gives apt-get its one setting on the command line).
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_DATABASE_URL } from "./database-url";
import { BACKEND_NAMES } from "./ml/backend/backend-names";

/** Where Debian's dataset packages (dataset-fashion-mnist) install their files. */
export const DEFAULT_DATA_DIR = "/usr/share/datasets";

const bytes = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

export const Env = z.object({
  DATABASE_URL: z.string().regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgresql://").default(DEFAULT_DATABASE_URL),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis://").default("redis://127.0.0.1:6379"),
  /** Prefix of every BullMQ key: lets several labs (or test suites) share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[\w.-]+$/).default("lab"),
  ARTIFACT_DIR: z.string().default("./data/artifacts"),
  /** Where built-in datasets are looked for. */
  DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  /** The CIFAR-10 JPEG tarball, looked for before ../shared/datasets and DATA_DIR. */
  CIFAR10_PATH: z.string().optional(),
  /** Decoded image datasets, so that the second load of a folder of JPEGs takes a second. */
  DATA_CACHE_DIR: z.string().default("./data/cache"),
  /** Extra folders datasets may be registered from, separated by the platform's path delimiter (: on Linux). */
  DATASET_ROOTS: z
    .string()
    .optional()
    .transform((s) => (s ?? "").split(path.delimiter).filter(Boolean)),
  /** Where uploaded datasets are stored (always a dataset root). */
  DATASET_UPLOAD_DIR: z.string().default("./data/uploads"),
  /** Largest dataset upload (CIFAR-10 as JPEG is 19 MB, as binary 163 MB). */
  DATASET_UPLOAD_MAX_BYTES: bytes(512 * 1024 ** 2),
  /** Training backend; names in lib/ml/backend/backend-names.ts, case and spaces forgiven. */
  LAB_BACKEND: z.string().trim().toLowerCase().pipe(z.enum(BACKEND_NAMES)).default("auto"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** How long a dead worker's job stays locked before another worker takes it (BullMQ's lockDuration). */
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  /**
   * How long a run's process may go without a heartbeat (it sends one every few seconds from its event loop)
   * before the worker ends it and the job is retried from its last checkpoint: a process stuck in a native
   * call or a busy loop otherwise holds the worker, and every run queued behind it, for good.
   */
  WORKER_STALL_MS: z.coerce.number().int().min(10_000).default(300_000),
  HOST: z.string().default("127.0.0.1"),
  /** Turns authentication on: every page and API route then needs a session (or an API token). */
  LAB_PASSWORD: z.string().min(8, "use at least 8 characters").optional(),
  /** Signs session cookies; defaults to a key derived from LAB_PASSWORD (sessions end when it changes). */
  LAB_SECRET: z.string().min(16).optional(),
  /** Comma-separated bearer tokens for scripts: `Authorization: Bearer <token>`. */
  LAB_API_TOKENS: z.string().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Processes of the web server on PORT (scripts/web-server.mjs); unset: webProcesses() picks. */
  WEB_PROCESSES: z.coerce.number().int().min(1).max(64).optional(),
  /** Comma-separated Host names (optionally name:port) the lab answers to besides loopback (DNS-rebinding guard). */
  LAB_ALLOWED_HOSTS: z.string().optional(),
  /** Limits on what a dataset's archive or gzip may expand to, checked while decoding (archive and gzip bombs). */
  DATASET_MAX_UNPACKED_BYTES: bytes(1024 ** 3),
  DATASET_MAX_ENTRIES: z.coerce.number().int().min(1).default(200_000),
  DATASET_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).default(4096 * 4096),
  /** Largest model file POST /api/models accepts (default 64 MiB). */
  MODEL_UPLOAD_MAX_BYTES: bytes(64 * 1024 ** 2),
  /** The Chromium the UI benchmark drives (Debian's package by default). */
  CHROMIUM_PATH: z.string().default("/usr/bin/chromium"),
  /** A Python with the onnx package for the official ONNX checker (tests, benchmarks); else python3 on PATH. */
  ONNX_PYTHON: z.string().optional(),
});
export type Env = z.infer<typeof Env>;
export type EnvName = keyof typeof Env.shape;

const NAMES = Object.keys(Env.shape) as EnvName[];
let cached: { key: string; env: Env } | undefined;

/**
 * The parsed environment. Parsed once per distinct set of values: a script or test that changes a variable
 * (overrideEnv, vi.stubEnv) gets the new value, and every other call costs one read of each variable.
 */
export function env(): Env {
  const key = JSON.stringify(NAMES.map((name) => process.env[name] ?? null));
  if (cached?.key === key) return cached.env;
  const parsed = Env.safeParse(Object.fromEntries(NAMES.map((name) => [name, process.env[name]])));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment variable(s) — ${problems}`);
  }
  cached = { key, env: parsed.data };
  return cached.env;
}

/** How many web server processes to run: WEB_PROCESSES, else one per core, at most 4 (each holds ~350 MB at 100,000 runs). */
export const webProcesses = (settings: Env) => settings.WEB_PROCESSES ?? Math.min(os.availableParallelism(), 4);

/**
 * The environment for a child process: this one's, with `changes` applied (undefined removes a variable, e.g.
 * LAB_PASSWORD for a server a benchmark runs open).
 */
export function childEnv(changes: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...process.env, ...changes };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete result[name];
  return result;
}

/**
 * Sets variables of this process, for a script that runs the app's code in-process against scratch settings
 * (bench:queue's own database) and whose children inherit them. Checked at once, so a bad value fails here.
 */
export function overrideEnv(values: Partial<Record<EnvName, string>>): Env {
  Object.assign(process.env, values);
  return env();
}

/**
 * A default for a variable that a native library reads from this process's environment when it loads (libgomp's
 * OMP_WAIT_POLICY): set unless the user set it, before the library is loaded. Not one of the app's settings.
 */
export function setNativeLibraryDefault(name: string, value: string): void {
  process.env[name] ??= value;
}
