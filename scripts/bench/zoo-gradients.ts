// Writes one batch, MobileNetV2-0.5's initial weights and its gradients on onednn and on cpu to a JSON file, for
// scripts/bench/torch_gradcheck.py to compare both with a float64 computation of the same network (how the
// 1e-4 gradient check in lib/ml/backend/zoo-training.test.ts was examined). The batch is the test's: test-util's
// rand() from its seed, skipping `--skip N` batches of 8 (the test's MobileNetV2 skips 1).
// Usage: npx tsx scripts/bench/zoo-gradients.ts --skip 1 --out /tmp/mobilenet-gradients.json
import fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/ml/backend/index";
import { rand, runOn } from "../../lib/ml/backend/test-util";
import { useTrainingFastPaths } from "../../lib/ml/backend/training-fast-paths";
import { buildModel } from "../../lib/ml/models/zoo";

const option = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };
const BATCH = 8, SIDE = 28, CLASSES = 10;
const skip = Number(option("skip") ?? 1);
const out = option("out") ?? "/tmp/mobilenet-gradients.json";

/** The test's randomSplit: uint8 pixels from rand(), labels i % 10. */
const batchOfImages = () => Uint8Array.from({ length: BATCH * SIDE * SIDE }, () => Math.floor((rand() + 1) * 127.9));
for (let i = 0; i < skip; i++) batchOfImages();
const images = batchOfImages();
const labels = Array.from({ length: BATCH }, (_, i) => i % CLASSES);

/** The test's gradients(): training-mode loss through the fast paths train() installs (none on cpu). */
const gradients = () => {
  const model = buildModel("mobilenet-v2", { inputShape: [SIDE, SIDE, 1], numClasses: CLASSES, seed: 5 });
  const undo = useTrainingFastPaths(model, { fuseActivations: true });
  const x = tf.tensor4d(Float32Array.from(images, (v) => v / 255), [BATCH, SIDE, SIDE, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), CLASSES);
  const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
  const result = model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]);
  undo();
  model.dispose();
  return result;
};

async function main() {
  await setupBackend("onednn");
  const model = buildModel("mobilenet-v2", { inputShape: [SIDE, SIDE, 1], numClasses: CLASSES, seed: 5 });
  const weights = model.trainableWeights.map((w) => ({ name: w.name, shape: w.shape, values: Array.from(w.read().dataSync()) }));
  model.dispose();
  const onednn = (await runOn("onednn", gradients)).map((g) => Array.from(g));
  const cpu = (await runOn("cpu", gradients)).map((g) => Array.from(g));
  fs.writeFileSync(out, JSON.stringify({ images: Array.from(images), labels, weights, onednn, cpu }));
  console.error(`wrote ${out}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
