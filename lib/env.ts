// Every environment variable the app reads, with its default, validated once. A bad value names itself.
import { z } from "zod";
import { DEFAULT_DATABASE_URL } from "./database-url";
import { BACKEND_NAMES } from "./ml/backend/backend-names";

const Env = z.object({
  DATABASE_URL: z.string().regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgresql://").default(DEFAULT_DATABASE_URL),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis://").default("redis://127.0.0.1:6379"),
  /** Prefix of every BullMQ key: lets several labs (or test suites) share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[\w.-]+$/).default("lab"),
  ARTIFACT_DIR: z.string().default("./data/artifacts"),
  /** Where built-in datasets are looked for (Debian's dataset-fashion-mnist installs /usr/share/datasets). */
  DATA_DIR: z.string().default("/usr/share/datasets"),
  LAB_BACKEND: z.enum(BACKEND_NAMES).default("auto"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  HOST: z.string().default("127.0.0.1"),
  /** Turns authentication on: every page and API route then needs a session (or an API token). */
  LAB_PASSWORD: z.string().min(8, "use at least 8 characters").optional(),
  /** Signs session cookies; defaults to a key derived from LAB_PASSWORD (sessions end when it changes). */
  LAB_SECRET: z.string().min(16).optional(),
  /** Comma-separated bearer tokens for scripts: `Authorization: Bearer <token>`. */
  LAB_API_TOKENS: z.string().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Comma-separated Host names (optionally name:port) the lab answers to besides loopback (DNS-rebinding guard). */
  LAB_ALLOWED_HOSTS: z.string().optional(),
  /** Limits on what a dataset's archive or gzip may expand to, checked while decoding (archive and gzip bombs). */
  DATASET_MAX_UNPACKED_BYTES: z.coerce.number().int().min(1).default(1024 ** 3),
  DATASET_MAX_ENTRIES: z.coerce.number().int().min(1).default(200_000),
  DATASET_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).default(4096 * 4096),
  /** Largest model file POST /api/models accepts (default 64 MiB). */
  MODEL_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1).default(64 * 1024 ** 2),
});
export type Env = z.infer<typeof Env>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment variable(s) — ${problems}`);
  }
  cached = parsed.data;
  return cached;
}
