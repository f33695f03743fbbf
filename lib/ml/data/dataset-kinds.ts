// The kinds of dataset, with no imports: the loaders switch on them, and the datasets API (whose zod schemas
// the browser form imports) accepts the kinds that come as files.

/** Kinds a user registers or uploads files of. */
export const FILE_DATASET_KINDS = ["fashion-mnist", "idx", "cifar10-bin", "image-folder"] as const;
export type FileDatasetKind = (typeof FILE_DATASET_KINDS)[number];

/** Every kind a Dataset row can have: the file kinds and "synthetic" (generated from a seed, never uploaded). */
export const DATASET_KINDS = [...FILE_DATASET_KINDS, "synthetic"] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];
