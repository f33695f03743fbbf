import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../ml/data/test-fixtures";
import { builtinDatasets, findCifar10Archive } from "./builtin";

describe("built-in datasets", () => {
  const saved = process.env.CIFAR10_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.CIFAR10_PATH;
    else process.env.CIFAR10_PATH = saved;
  });

  it("offers CIFAR-10 as an image folder where its archive is found (CIFAR10_PATH first)", () => {
    const archive = path.join(tempDir(), "cifar10-jpeg.tar.gz");
    writeFileSync(archive, "");
    process.env.CIFAR10_PATH = archive;
    expect(findCifar10Archive("/nonexistent")).toBe(archive);
    const cifar = builtinDatasets("/nonexistent").find((d) => d.id === "cifar10");
    expect(cifar).toMatchObject({ kind: "image-folder", location: archive, trainCount: 50_000, testCount: 10_000, inputShape: [32, 32, 3] });
    expect(cifar!.classes).toHaveLength(10);
  });

  it("also looks in DATA_DIR", () => {
    process.env.CIFAR10_PATH = "/nonexistent/cifar10-jpeg.tar.gz";
    const dir = tempDir();
    writeFileSync(path.join(dir, "cifar10-jpeg.tar.gz"), "");
    const found = findCifar10Archive(dir);
    // ../shared/datasets next to the repository wins when it exists (it does on the dev machine).
    expect(found === path.join(dir, "cifar10-jpeg.tar.gz") || found?.endsWith(path.join("shared", "datasets", "cifar10-jpeg.tar.gz"))).toBe(true);
  });
});
