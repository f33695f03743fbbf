import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { imageBatch } from "../ml/tensors";
import { TrainingCancelled } from "../ml/train";
import { teacherLogits } from "./teacher-logits";
import { data, liveTensors, testBackend, testContext, tinyModel } from "./test-util";

beforeAll(async () => {
  await testBackend();
});

describe("teacherLogits", () => {
  it("gives, for any batch of the split, what the teacher computes on those images", async () => {
    const teacher = tinyModel("bench-cnn", 2);
    const { ctx } = testContext(teacher);
    const teach = await teacherLogits(teacher, ctx, data.train);
    const indices = Uint32Array.from([200, 3, 77, 3, 255, 0]);
    const before = liveTensors();
    const [cached, direct] = tf.tidy(() => {
      const images = imageBatch(data.train, 0, indices.length, indices);
      // blank images handed to the step: the logits come from the split's examples, computed before training
      const blank = tf.zerosLike(images);
      return [teach({ logits: tf.zeros([6, 4]), labels: tf.zeros([6]), images: blank, indices }).arraySync(), (teacher.apply(images, { training: false }) as tf.Tensor).arraySync()];
    });
    expect(liveTensors()).toBe(before);
    expect(cached).toHaveLength(6);
    (direct as number[][]).forEach((row, i) => row.forEach((v, j) => expect((cached as number[][])[i][j]).toBeCloseTo(v, 4)));
    // rows follow the indices: the repeated example has the same logits, different ones differ
    expect((cached as number[][])[1]).toEqual((cached as number[][])[3]);
    expect((cached as number[][])[0]).not.toEqual((cached as number[][])[1]);
    teacher.dispose();
  });

  it("runs the teacher on each batch's own images when training augments them", async () => {
    const teacher = tinyModel("bench-cnn", 2);
    const { ctx } = testContext(teacher, { training: { epochs: 1, batchSize: 32, learningRate: 0.003, optimizer: "adam", augment: { horizontalFlip: true } } });
    const teach = await teacherLogits(teacher, ctx, data.train);
    const [fromImages, fromSplit] = tf.tidy(() => {
      const shifted = imageBatch(data.train, 0, 2, [5, 6]); // images that are not examples 0 and 1
      const batch = { logits: tf.zeros([2, 4]) as tf.Tensor2D, labels: tf.zeros([2]) as tf.Tensor1D, indices: [0, 1] };
      return [teach({ ...batch, images: shifted }).arraySync(), (teacher.apply(imageBatch(data.train, 0, 2, [5, 6]), { training: false }) as tf.Tensor).arraySync()];
    });
    expect(fromImages).toEqual(fromSplit);
    teacher.dispose();
  });

  it("stops when the run is cancelled while the logits are computed", async () => {
    const teacher = tinyModel("bench-cnn", 2);
    const cancel = new AbortController();
    cancel.abort();
    const { ctx } = testContext(teacher, { signal: cancel.signal });
    await expect(teacherLogits(teacher, ctx, data.train)).rejects.toBeInstanceOf(TrainingCancelled);
    teacher.dispose();
  });
});
