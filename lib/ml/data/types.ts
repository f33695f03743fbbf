/** A labelled image split in tfjs layout: `images` is NHWC, uint8 pixels; labels are class indices. */
export interface ImageSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** [height, width, channels] */
  shape: [number, number, number];
}

export interface LoadedDataset {
  id: string;
  classes: string[];
  train: ImageSplit;
  test: ImageSplit;
}
