// The two ways a dataset's files are refused: they are not valid (DatasetFormatError), or reading them would
// expand past a limit (DatasetLimitError, an archive or gzip bomb). Both are permanent: retrying cannot help.
export class DatasetFormatError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "DatasetFormatError";
  }
}

/** A dataset file that would expand past a limit; `setting` is the environment variable that raises it. */
export class DatasetLimitError extends DatasetFormatError {
  constructor(file: string, what: string, readonly setting: string, readonly limit: number) {
    super(file, `${what} exceeds the limit of ${limit} (${setting})`);
    this.name = "DatasetLimitError";
  }
}
