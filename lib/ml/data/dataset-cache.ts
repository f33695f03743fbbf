// A binary cache of decoded datasets, so an image folder (60,000 JPEGs: about a minute of decoding) loads in
// about a second the second time. One file per (source file, size, mtime, target shape): a changed source gets
// a new key, and a damaged cache file is rebuilt instead of trusted.
//
// Layout: "LABDS1\n" magic, uint32 LE header length, JSON header {classes, train:{count,shape}, test:{…}}, then
// train images, train labels, test images, test labels (raw uint8).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../../env";
import type { ImageSplit, LoadedDataset } from "./types";

const MAGIC = Buffer.from("LABDS1\n", "latin1");

/** Where decoded datasets are cached (DATA_CACHE_DIR, resolved against the working directory). */
export function defaultCacheDir(): string {
  return path.resolve(env().DATA_CACHE_DIR);
}

/** The cache file for `location` decoded with `variant` (e.g. the target shape). */
export function cacheFile(location: string, variant: unknown, cacheDir = defaultCacheDir()): string {
  const abs = path.resolve(location);
  const st = statSync(abs);
  const key = JSON.stringify({ abs, size: st.size, mtime: st.mtimeMs, variant, v: 1 });
  const slug = path.basename(abs).replace(/[^\w.-]+/g, "_").slice(0, 40);
  return path.join(cacheDir, `${slug}-${createHash("sha256").update(key).digest("hex").slice(0, 16)}.bin`);
}

interface Header {
  id: string;
  classes: string[];
  train: { count: number; shape: [number, number, number] };
  test: { count: number; shape: [number, number, number] };
}

export function writeDatasetCache(file: string, data: LoadedDataset): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const header: Header = {
    id: data.id,
    classes: data.classes,
    train: { count: data.train.count, shape: data.train.shape },
    test: { count: data.test.count, shape: data.test.shape },
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const tmp = `${file}.${process.pid}.tmp`;
  // Write then rename: a crash mid-write never leaves a short cache file under the real name.
  writeFileSync(tmp, Buffer.concat([MAGIC, length, json, data.train.images, data.train.labels, data.test.images, data.test.labels]));
  renameSync(tmp, file);
}

/** The cached dataset, or undefined when the file is absent or does not hold what its header says. */
export function readDatasetCache(file: string): LoadedDataset | undefined {
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  try {
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("bad magic");
    const headerLength = bytes.readUInt32LE(MAGIC.length);
    let offset = MAGIC.length + 4;
    const header = JSON.parse(bytes.subarray(offset, offset + headerLength).toString("utf8")) as Header;
    offset += headerLength;
    const take = (n: number) => {
      if (offset + n > bytes.length) throw new Error("truncated");
      const out = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, n);
      offset += n;
      return out;
    };
    const split = (s: Header["train"]): ImageSplit => {
      const images = take(s.count * s.shape[0] * s.shape[1] * s.shape[2]);
      return { images, labels: take(s.count), count: s.count, shape: s.shape };
    };
    const train = split(header.train);
    const test = split(header.test);
    if (offset !== bytes.length) throw new Error("trailing bytes");
    return { id: header.id, classes: header.classes, train, test };
  } catch (e) {
    console.warn(`[datasets] ignoring damaged cache ${file} (${(e as Error).message}); it will be rebuilt`);
    try {
      unlinkSync(file);
    } catch {
      /* another process may have removed it already */
    }
    return undefined;
  }
}

/** `build()`'s result, from the cache when present, else built and cached. */
export async function cached(file: string, build: () => Promise<LoadedDataset>): Promise<LoadedDataset> {
  const hit = readDatasetCache(file);
  if (hit) return hit;
  const data = await build();
  try {
    writeDatasetCache(file, data);
  } catch (e) {
    // A read-only disk costs speed next time, not correctness now.
    console.warn(`[datasets] could not write the cache ${file}: ${(e as Error).message}`);
  }
  return data;
}
