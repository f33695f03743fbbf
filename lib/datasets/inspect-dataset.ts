// Validation of a dataset's files at registration, before any run can use it: each format is parsed (image
// folders: their layout, and one image per class decoded), so truncated files, wrong magic numbers and
// mismatched counts are answered at once with a 422 naming the file and the problem (413 for a limit exceeded).
// Runs in inspect-child.ts, not in the web server.
import { AppError } from "../errors";
import { inspectImageFolder } from "../ml/data/image-folder";
import type { FileDatasetKind } from "../ml/data/dataset-kinds";
import { loadDataset } from "../ml/data/load-dataset";
import { asAppError } from "./dataset-file-errors";


export interface DatasetSummary {
  classes: string[];
  trainCount: number;
  testCount: number;
  inputShape: [number, number, number];
}

export interface InspectInput {
  kind: FileDatasetKind;
  location: string;
  classes?: string[];
  inputShape?: [number, number, number];
}

export async function inspectDataset(input: InspectInput): Promise<DatasetSummary> {
  try {
    let summary: DatasetSummary;
    if (input.kind === "image-folder") {
      summary = await inspectImageFolder(input.location, { inputShape: input.inputShape });
    } else {
      if (input.inputShape) throw new AppError("bad_request", "inputShape applies to image folders only");
      const data = loadDataset({ id: "inspect", kind: input.kind, location: input.location, classes: input.classes ?? [] });
      summary = { classes: data.classes, trainCount: data.train.count, testCount: data.test.count, inputShape: data.train.shape };
    }
    if (input.classes) {
      if (input.classes.length !== summary.classes.length) {
        throw new AppError("unprocessable", `${input.classes.length} class names given, but the files have ${summary.classes.length} classes (${summary.classes.join(", ")})`);
      }
      summary.classes = input.classes;
    }
    return summary;
  } catch (e) {
    throw asAppError(e);
  }
}
