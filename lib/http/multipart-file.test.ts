import { describe, expect, it } from "vitest";
import { multipartBoundary, multipartFile } from "./multipart-file";

async function formBytes(fields: Record<string, Blob | string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const request = new Request("http://lab.test/", { method: "POST", body: form });
  return { bytes: new Uint8Array(await request.arrayBuffer()), type: request.headers.get("content-type")! };
}

async function* chunked(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(gen: AsyncGenerator<Uint8Array>) {
  const parts: Uint8Array[] = [];
  for await (const p of gen) parts.push(p);
  return Buffer.concat(parts);
}

describe("multipartFile", () => {
  const content = new Uint8Array(100_000).map((_, i) => (i * 7919) % 256);
  it.each([1, 7, 64, 4096, 1 << 20])("streams the file field out of a form whatever the chunk size (%i)", async (size) => {
    const { bytes, type } = await formBytes({ name: "x\r\n--", file: new Blob([content]), after: "tail" });
    const boundary = multipartBoundary(type)!;
    expect(boundary).toBeTruthy();
    expect(Buffer.compare(await collect(multipartFile(chunked(bytes, size), boundary)), Buffer.from(content))).toBe(0);
  });

  it("answers 400 for a form without the field and for a body cut short", async () => {
    const { bytes, type } = await formBytes({ other: "x" });
    await expect(collect(multipartFile(chunked(bytes, 100), multipartBoundary(type)!))).rejects.toThrow(/no "file" field/);
    const full = await formBytes({ file: new Blob([content]) });
    await expect(collect(multipartFile(chunked(full.bytes.subarray(0, 5_000), 100), multipartBoundary(full.type)!))).rejects.toThrow(/ends inside the file/);
  });
});
