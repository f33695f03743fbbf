import path from "node:path";

/** The two databases Compression Lab runs on, told apart by DATABASE_URL's scheme. */
export type DatabaseProvider = "sqlite" | "postgresql";

export const DEFAULT_DATABASE_URL = "file:./data/lab.db";

export function providerOf(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL), got "${url}"`);
}

/** The SQLite file a file: URL names, resolved against the working directory (as Prisma does). */
export function sqliteFilePath(url: string): string {
  return path.resolve(url.slice("file:".length).split("?")[0]);
}
