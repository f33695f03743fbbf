// Registering a dataset "by server path" must not let a request read arbitrary files of the server: only paths
// under the dataset roots are accepted — DATA_DIR, the upload directory, ../shared/datasets next to the
// repository, and any listed in DATASET_ROOTS (separated by the platform's path delimiter).
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { AppError } from "../errors";
import { env } from "../env";

/** Where uploaded datasets are stored (DATASET_UPLOAD_DIR). */
export function uploadDir(): string {
  return path.resolve(env().DATASET_UPLOAD_DIR);
}

export function datasetRoots(): string[] {
  const roots = [env().DATA_DIR, uploadDir(), path.resolve(process.cwd(), "..", "shared", "datasets"), ...env().DATASET_ROOTS];
  return [...new Set(roots.filter((r) => existsSync(r)).map((r) => realpathSync(r)))];
}

const under = (real: string, roots: string[]) => roots.some((root) => real === root || real.startsWith(root + path.sep));

/** Whether `location` exists and (symlinks resolved) lies under a dataset root. */
export function isUnderDatasetRoot(location: string): boolean {
  try {
    return under(realpathSync(path.resolve(location)), datasetRoots());
  } catch {
    return false;
  }
}

/** The real path of `location` if it exists under a dataset root; a clear 4xx otherwise. */
export function resolveDatasetLocation(location: string): string {
  const abs = path.resolve(location);
  if (!existsSync(abs)) throw new AppError("bad_request", `location ${location} does not exist on the server`);
  const real = realpathSync(abs); // symlinks cannot lead out of a root
  const roots = datasetRoots();
  if (!under(real, roots)) {
    throw new AppError("forbidden", `location ${location} is outside the dataset directories (${roots.join(", ")}); add its directory to DATASET_ROOTS`);
  }
  return real;
}
