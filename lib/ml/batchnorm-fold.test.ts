import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { foldBatchNorm } from "../compress/model-graph";
import { planGraph } from "../onnx/export";
import { miscOps, randomImages, randomizeWeights } from "../onnx/test-models";
import { batchNormFolds } from "./batchnorm-fold";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const L = tf.layers;
const sym = (t: unknown) => t as tf.SymbolicTensor;

/** Two BatchNorms that fold (after a separable conv, after the logits) and two that must not. */
function foldCases(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 3] });
  const sep = sym(L.separableConv2d({ filters: 4, kernelSize: 3, padding: "same", depthMultiplier: 2, name: "sep" }).apply(x));
  const sepBn = sym(L.batchNormalization({ name: "sep_bn" }).apply(sep));
  const relu = sym(L.conv2d({ filters: 4, kernelSize: 1, activation: "relu", name: "relu_conv" }).apply(sepBn));
  const afterRelu = sym(L.batchNormalization({ name: "relu_bn" }).apply(relu)); // the activation comes first
  const read2 = sym(L.conv2d({ filters: 4, kernelSize: 1, name: "read_twice" }).apply(afterRelu));
  const read2Bn = sym(L.batchNormalization({ name: "read_twice_bn" }).apply(read2)); // the add reads the conv too
  const sum = sym(L.add().apply([read2, read2Bn]));
  const logits = sym(L.dense({ units: 3, name: "logits" }).apply(sym(L.globalAveragePooling2d({}).apply(sum))));
  return tf.model({ inputs: x, outputs: sym(L.batchNormalization({ name: "logits_bn" }).apply(logits)) });
}

const foldedByExport = (m: tf.LayersModel) => planGraph(m).flatMap((e) => (e.foldBn ? [e.foldBn.name] : []));

describe("batchNormFolds: the one rule", () => {
  it("folds after a linear Conv/Depthwise/Separable/Dense whose output nothing else reads", () => {
    const model = foldCases();
    expect(batchNormFolds(model).map((f) => [f.producer.name, f.bn.name])).toEqual([["sep", "sep_bn"], ["logits", "logits_bn"]]);
    expect(foldedByExport(model)).toEqual(["sep_bn", "logits_bn"]);
    const misc = miscOps();
    expect(batchNormFolds(misc).map((f) => f.producer.getClassName())).toEqual(["Dense"]); // not the one after the concat
  });

  it("foldBatchNorm folds what the exporter would, so the export of its model folds nothing more", async () => {
    const model = foldCases();
    randomizeWeights(model, 3);
    const before = tf.memory().numTensors;
    const { model: folded, folded: count } = await foldBatchNorm(model);
    expect(count).toBe(2);
    expect(folded.layers.filter((l) => l.getClassName() === "BatchNormalization").map((l) => l.name)).toEqual(["relu_bn", "read_twice_bn"]);
    expect(foldedByExport(folded)).toEqual([]);
    const x = tf.tensor4d(randomImages(4, 8, 8, 3, 5), [4, 8, 8, 3]);
    const rel = tf.tidy(() => {
      const ref = model.predict(x) as tf.Tensor;
      return tf.max(tf.abs(tf.sub(folded.predict(x) as tf.Tensor, ref))).dataSync()[0] / tf.max(tf.abs(ref)).dataSync()[0];
    });
    expect(rel).toBeLessThan(1e-4);
    x.dispose();
    expect(tf.memory().numTensors - before).toBe(folded.weights.length);
    folded.dispose();
    model.dispose();
  });
});
