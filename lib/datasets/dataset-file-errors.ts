// A dataset file's problem as the API answers it: a limit exceeded (an archive or gzip bomb) is 413 and names
// the setting to raise; any other format problem is 422 naming the file.
import { AppError } from "../errors";
import { DatasetFormatError, DatasetLimitError } from "../ml/data/dataset-errors";

export function asAppError(e: unknown): unknown {
  if (e instanceof DatasetLimitError) return new AppError("payload_too_large", `The dataset is refused: ${e.message}`);
  if (e instanceof DatasetFormatError) return new AppError("unprocessable", `The dataset's files are not valid: ${e.message}`);
  return e;
}
