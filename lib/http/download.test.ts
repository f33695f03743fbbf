import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { downloadResponse, fileResponse, safeFileName } from "./download";

const dir = mkdtempSync(path.join(os.tmpdir(), "lab-download-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fileResponse", () => {
  const file = path.join(dir, "model.onnx");
  writeFileSync(file, Buffer.from("0123456789"));
  const stored = { path: file, fileName: 'my "best" model.onnx', contentType: "application/octet-stream", sha256: "abc123" };

  it("streams the file with its length, type, ETag and a safe attachment name", async () => {
    const res = fileResponse(new Request("http://x/a"), stored);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("10");
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("etag")).toBe('"abc123"');
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="my-best-model.onnx"');
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toBe("0123456789");
  });

  it("answers 304 without a body to a client that has this version", async () => {
    const res = fileResponse(new Request("http://x/a", { headers: { "if-none-match": '"abc123"' } }), stored);
    expect(res.status).toBe(304);
    expect(res.body).toBeNull();
    expect(fileResponse(new Request("http://x/a", { headers: { "if-none-match": '"other"' } }), stored).status).toBe(200);
  });

  it("is a 404 naming what is missing when the row's file is gone", () => {
    const call = () => fileResponse(new Request("http://x/a"), { ...stored, path: path.join(dir, "gone.onnx") }, "Artifact file");
    expect(call).toThrow(AppError);
    expect(call).toThrow("Artifact file not found");
  });
});

describe("downloadResponse", () => {
  it("names the export from its base name and never lets it be cached", async () => {
    const res = downloadResponse("a,b\r\n", "csv", "runs / 2026\"x");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="runs-2026-x.csv"');
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toBe("a,b\r\n");
    expect(downloadResponse("{}", "json", "\"\"").headers.get("content-disposition")).toBe('attachment; filename="-.json"');
  });

  it("keeps only safe characters in file names", () => {
    expect(safeFileName("a/b\\c\r\nd;e.onnx")).toBe("a-b-c-d-e.onnx");
  });
});
