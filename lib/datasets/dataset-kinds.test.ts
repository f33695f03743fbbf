import { describe, expect, it } from "vitest";
import { DATASET_KINDS, FILE_DATASET_KINDS } from "../ml/data/dataset-kinds";
import { loadDataset } from "../ml/data/load-dataset";
import { FileDatasetKind } from "./schemas";

describe("dataset kinds: one list for the API and the loaders", () => {
  it("the API accepts the file kinds and not the generated one", () => {
    for (const kind of FILE_DATASET_KINDS) expect(FileDatasetKind.safeParse(kind).success).toBe(true);
    expect(FileDatasetKind.safeParse("synthetic").success).toBe(false);
    expect(DATASET_KINDS).toContain("synthetic");
  });

  it("the loader knows every kind (a missing file is its complaint, never the kind)", () => {
    for (const kind of DATASET_KINDS) {
      let message = "";
      try {
        loadDataset({ id: "x", kind, location: "/nonexistent/dataset", classes: ["a", "b"] });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, kind).not.toMatch(/is not supported/);
    }
  });
});
