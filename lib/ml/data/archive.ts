// Reading the files of a dataset that arrives as a directory, a .tar(.gz) or a .zip, all through one interface.
// Archives are read whole into memory: the image datasets this lab handles are tens of MB compressed, and one
// pass over the archive is much faster than seeking per image. So that an archive bomb cannot exhaust memory,
// every read counts entries and unpacked bytes against UnpackLimits and stops at the first one exceeded.
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { unzipSync } from "fflate";
import * as tar from "tar-stream";
import { DatasetLimitError } from "./dataset-errors";
import { DatasetFormatError } from "./idx";
import { tooManyBytes, tooManyEntries, unpackLimits, type UnpackLimits } from "./unpack-limits";

export interface ArchiveFile {
  /** Path inside the archive or directory, "/"-separated, without a leading "./". */
  name: string;
  data: Uint8Array;
}

export type ArchiveKind = "directory" | "tar" | "tar.gz" | "zip";

/** What `location` is, from the file system and its first bytes (never from the extension alone). */
export function archiveKind(location: string): ArchiveKind {
  if (!existsSync(location)) throw new DatasetFormatError(location, "no such file or directory");
  if (statSync(location).isDirectory()) return "directory";
  const head = Buffer.alloc(512);
  const fd = openSync(location, "r");
  try {
    readSync(fd, head, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return "tar.gz";
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05)) return "zip";
  if (head.subarray(257, 262).toString("latin1") === "ustar") return "tar";
  throw new DatasetFormatError(location, "not a directory, .tar, .tar.gz or .zip (unrecognised file signature)");
}

const normalise = (name: string) => name.replace(/\\/g, "/").replace(/^\.\//, "").replace(/^\/+/, "");

/** Hidden files and macOS resource forks that archivers add and that are never data. */
const isJunk = (name: string) => name.split("/").some((part) => part.startsWith(".") || part === "__MACOSX");

/** Counts entries and bytes against the limits; throws the first limit exceeded. */
class Budget {
  private entries = 0;
  private bytes = 0;
  constructor(private readonly location: string, private readonly limits: UnpackLimits) {}
  entry(): void {
    if (++this.entries > this.limits.maxEntries) throw tooManyEntries(this.location, this.limits.maxEntries);
  }
  add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limits.maxUnpackedBytes) throw tooManyBytes(this.location, this.limits.maxUnpackedBytes);
  }
}

function walk(dir: string, prefix: string, wanted: (name: string) => boolean, out: ArchiveFile[], budget: Budget): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    budget.entry();
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (isJunk(name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, name, wanted, out, budget);
    else if (entry.isFile() && wanted(name)) {
      budget.add(statSync(full).size);
      out.push({ name, data: readFileSync(full) });
    }
  }
}

async function readTar(location: string, gzip: boolean, wanted: (name: string) => boolean, budget: Budget): Promise<ArchiveFile[]> {
  const out: ArchiveFile[] = [];
  const extract = tar.extract();
  // Every byte the tar parser sees counts, skipped entries too: inflating them costs as much as keeping them.
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        budget.add(chunk.length);
        done(null, chunk);
      } catch (e) {
        done(e as Error);
      }
    },
  });
  const consume = (async () => {
    for await (const entry of extract) {
      budget.entry();
      const name = normalise(entry.header.name);
      if (entry.header.type === "file" && !isJunk(name) && wanted(name)) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        out.push({ name, data: Buffer.concat(chunks) });
      } else {
        entry.resume();
      }
    }
  })();
  try {
    const source = createReadStream(location);
    await Promise.all([gzip ? pipeline(source, createGunzip(), counter, extract) : pipeline(source, counter, extract), consume]);
  } catch (e) {
    if (e instanceof DatasetLimitError) throw e;
    throw new DatasetFormatError(location, `corrupt or truncated ${gzip ? "tar.gz" : "tar"} archive (${(e as Error).message})`);
  }
  return out;
}

function readZip(location: string, wanted: (name: string) => boolean, budget: Budget): ArchiveFile[] {
  try {
    // The filter sees each entry's declared size before it is inflated, and fflate inflates into a buffer of
    // exactly that size, so the declared sizes bound the memory even when they lie.
    const files = unzipSync(readFileSync(location), {
      filter: (f) => {
        budget.entry();
        const keep = !f.name.endsWith("/") && !isJunk(normalise(f.name)) && wanted(normalise(f.name));
        if (keep) budget.add(f.originalSize);
        return keep;
      },
    });
    return Object.entries(files).map(([name, data]) => ({ name: normalise(name), data }));
  } catch (e) {
    if (e instanceof DatasetLimitError) throw e;
    throw new DatasetFormatError(location, `corrupt or truncated zip archive (${(e as Error).message})`);
  }
}

/** Every regular file of `location` whose name passes `wanted`, sorted by name (so loading is deterministic). */
export async function readArchive(location: string, wanted: (name: string) => boolean = () => true, limits: UnpackLimits = unpackLimits()): Promise<ArchiveFile[]> {
  const kind = archiveKind(location);
  const files: ArchiveFile[] = [];
  const budget = new Budget(location, limits);
  if (kind === "directory") walk(location, "", wanted, files, budget);
  else if (kind === "zip") files.push(...readZip(location, wanted, budget));
  else files.push(...(await readTar(location, kind === "tar.gz", wanted, budget)));
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
