// A short run evaluated with stale BatchNorm statistics scores far below its training accuracy (13–34 % on
// Fashion-MNIST after ~30 steps); recalibrated at the end of training, it scores what its training accuracy says.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { setupBackend } from "./backend";
import { loadFashionMnist } from "./data/fashion-mnist";
import { subset } from "./data/subset";
import { evaluate } from "./evaluate";
import { buildModel } from "./models/zoo";
import { recalibrateBatchNorm } from "./recalibrate-batchnorm";
import { train, type TrainOptions } from "./train";

const data = loadFashionMnist();
const trainSplit = subset(data.train, 2_000, 1);
const testSplit = subset(data.test, 2_000, 2);
const empty = { ...testSplit, count: 0 };
// The run's default training settings (lib/schemas/pipeline.ts TrainingConfig): 1 epoch, batch 64, Adam 1e-3.
const settings: TrainOptions = { epochs: 1, batchSize: 64, learningRate: 0.001, optimizer: "adam", seed: 7, numClasses: 10 };
const bench = () => buildModel("bench-cnn", { inputShape: data.train.shape, numClasses: 10, seed: 7 });

beforeAll(async () => {
  await setupBackend(process.env.LAB_TEST_BACKEND);
});

describe("BatchNorm recalibration", () => {
  it("a 1-epoch bench-cnn run on 2,000 Fashion-MNIST images scores on test what its training accuracy suggests", async () => {
    const m = bench();
    const [epoch] = await train(m, trainSplit, empty, settings);
    const test = evaluate(m, testSplit, 10).accuracy;
    // The epoch's training accuracy averages over weights that improved from chance during the epoch; the final
    // weights on the training images (inference mode) are the like-for-like comparison.
    const onTrain = evaluate(m, trainSplit, 10).accuracy;
    console.log(`bench-cnn, 1 epoch on 2,000 images (recalibrated): epoch training accuracy ${(epoch.accuracy * 100).toFixed(1)} %, final weights on the training images ${(onTrain * 100).toFixed(1)} %, test ${(test * 100).toFixed(1)} %`);
    expect(test).toBeGreaterThan(epoch.accuracy - 0.05);
    expect(Math.abs(test - onTrain)).toBeLessThan(0.06);
    m.dispose();
  });

  it("without it the same run scores far below (the lag the recalibration removes), and recalibrating afterwards closes the gap", async () => {
    const m = bench();
    const [epoch] = await train(m, trainSplit, empty, { ...settings, recalibrationImages: 0 });
    const before = evaluate(m, testSplit, 10).accuracy;
    const tensors = tf.memory().numTensors;
    expect(recalibrateBatchNorm(m, trainSplit, { batchSize: 64, seed: 7 })).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(tensors);
    const after = evaluate(m, testSplit, 10).accuracy;
    console.log(`stale statistics: training ${(epoch.accuracy * 100).toFixed(1)} %, test ${(before * 100).toFixed(1)} % → recalibrated ${(after * 100).toFixed(1)} %`);
    expect(epoch.accuracy - before).toBeGreaterThan(0.1);
    expect(after).toBeGreaterThan(epoch.accuracy - 0.05);
    expect(after - before).toBeGreaterThan(0.15);
    m.dispose();
  });
});
