// Reading the files of a dataset that arrives as a directory, a .tar(.gz) or a .zip, all through one interface.
// Archives are read whole into memory: the image datasets this lab handles are tens of MB compressed, and one
// pass over the archive is much faster than seeking per image.
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { unzipSync } from "fflate";
import * as tar from "tar-stream";
import { DatasetFormatError } from "./idx";

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

function walk(dir: string, prefix: string, wanted: (name: string) => boolean, out: ArchiveFile[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (isJunk(name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, name, wanted, out);
    else if (entry.isFile() && wanted(name)) out.push({ name, data: readFileSync(full) });
  }
}

async function readTar(location: string, gzip: boolean, wanted: (name: string) => boolean): Promise<ArchiveFile[]> {
  const out: ArchiveFile[] = [];
  const extract = tar.extract();
  const consume = (async () => {
    for await (const entry of extract) {
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
    await Promise.all([gzip ? pipeline(source, createGunzip(), extract) : pipeline(source, extract), consume]);
  } catch (e) {
    throw new DatasetFormatError(location, `corrupt or truncated ${gzip ? "tar.gz" : "tar"} archive (${(e as Error).message})`);
  }
  return out;
}

function readZip(location: string, wanted: (name: string) => boolean): ArchiveFile[] {
  try {
    const files = unzipSync(readFileSync(location), { filter: (f) => !f.name.endsWith("/") && !isJunk(normalise(f.name)) && wanted(normalise(f.name)) });
    return Object.entries(files).map(([name, data]) => ({ name: normalise(name), data }));
  } catch (e) {
    throw new DatasetFormatError(location, `corrupt or truncated zip archive (${(e as Error).message})`);
  }
}

/** Every regular file of `location` whose name passes `wanted`, sorted by name (so loading is deterministic). */
export async function readArchive(location: string, wanted: (name: string) => boolean = () => true): Promise<ArchiveFile[]> {
  const kind = archiveKind(location);
  const files: ArchiveFile[] = [];
  if (kind === "directory") walk(location, "", wanted, files);
  else if (kind === "zip") files.push(...readZip(location, wanted));
  else files.push(...(await readTar(location, kind === "tar.gz", wanted)));
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
