// Small dataset files written to a temporary directory, for the format tests (not a test file itself).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import sharp from "sharp";
import * as tar from "tar-stream";

export const tempDir = (prefix = "lab-data-") => mkdtempSync(path.join(os.tmpdir(), prefix));

/** An IDX file of unsigned bytes. */
export function idxBytes(shape: number[], values: ArrayLike<number>): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + values.length);
  out.set(header);
  out.set(Array.from(values), header.length);
  return out;
}

/** A tiny MNIST-style directory: `train` and `test` images of 4×4, labels cycling through `classes`. */
export function writeIdxDir(dir: string, opts: { train?: number; test?: number; classes?: number; names?: "mnist" | "dotted"; gzip?: boolean } = {}): string {
  const { train = 6, test = 4, classes = 3, names = "mnist", gzip = false } = opts;
  mkdirSync(dir, { recursive: true });
  const write = (name: string, bytes: Uint8Array) => writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  for (const [prefix, n] of [["train", train], ["t10k", test]] as const) {
    const sep = names === "dotted" ? "." : "-";
    write(`${prefix}-images${sep}idx3-ubyte`, idxBytes([n, 4, 4], Array.from({ length: n * 16 }, (_, i) => i % 256)));
    write(`${prefix}-labels${sep}idx1-ubyte`, idxBytes([n], Array.from({ length: n }, (_, i) => i % classes)));
  }
  return dir;
}

/** One CIFAR-10 record: label, then planar R, G, B planes filled with r, g, b. */
export function cifarRecord(label: number, r: number, g: number, b: number): Uint8Array {
  const rec = new Uint8Array(3073);
  rec[0] = label;
  rec.fill(r, 1, 1025);
  rec.fill(g, 1025, 2049);
  rec.fill(b, 2049, 3073);
  return rec;
}

export function writeCifarDir(dir: string, perBatch = 3): string {
  mkdirSync(dir, { recursive: true });
  const batch = (seed: number) => Buffer.concat(Array.from({ length: perBatch }, (_, i) => cifarRecord((seed + i) % 10, 10 * i, 20, 30)));
  writeFileSync(path.join(dir, "data_batch_1.bin"), batch(0));
  writeFileSync(path.join(dir, "data_batch_2.bin"), batch(3));
  writeFileSync(path.join(dir, "test_batch.bin"), batch(6));
  return dir;
}

/** A PNG of one colour. */
export const png = (width: number, height: number, rgb: [number, number, number]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();

/** `<top>/<split>/<class>/<n>.png` files: class "red" is red, "blue" is blue; 3 train and 2 test images each. */
export async function imageFolderFiles(top = "set", size = 6): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  const colours: Record<string, [number, number, number]> = { red: [255, 0, 0], blue: [0, 0, 255] };
  for (const [split, n] of [["train", 3], ["test", 2]] as const) {
    for (const [cls, rgb] of Object.entries(colours)) {
      for (let i = 0; i < n; i++) files[`${top ? `${top}/` : ""}${split}/${cls}/${i}.png`] = await png(size, size, rgb);
    }
  }
  return files;
}

export function writeTree(dir: string, files: Record<string, Uint8Array>): string {
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), data);
  }
  return dir;
}

export async function tarGz(files: Record<string, Uint8Array>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, data] of Object.entries(files)) pack.entry({ name }, Buffer.from(data));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

export const zip = (files: Record<string, Uint8Array>) => Buffer.from(zipSync(files));
