import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { distill, distillationLoss } from "./distill";
import { DistillParams } from "./distill.schema";
import { liveTensors, testContext, tinyModel, weightTensors, testBackend } from "./test-util";

beforeAll(async () => {
  await testBackend();
});

describe("distillation loss", () => {
  it("equals α·T²·KL(p_T‖q_T) + (1−α)·CE computed by hand", () => {
    const s = [[1, 2, 0.5], [0, -1, 3]];
    const t = [[2, 0, 1], [1, 1, 4]];
    const y = [1, 2];
    const T = 3;
    const alpha = 0.6;
    const softmax = (v: number[], temp: number) => {
      const e = v.map((x) => Math.exp(x / temp));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / z);
    };
    let kl = 0;
    let ce = 0;
    for (let i = 0; i < 2; i++) {
      const p = softmax(t[i], T);
      const q = softmax(s[i], T);
      kl += p.reduce((a, pj, j) => a + pj * Math.log(pj / q[j]), 0) / 2;
      ce += -Math.log(softmax(s[i], 1)[y[i]]) / 2;
    }
    const expected = alpha * T * T * kl + (1 - alpha) * ce;
    const loss = distillationLoss(tf.tensor2d(s), tf.tensor2d(t), tf.tensor1d(y, "int32"), { temperature: T, alpha, numClasses: 3 });
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    loss.dispose();
  });
});

describe("distill", () => {
  it("trains a new student from the teacher without leaking tensors or touching the input", async () => {
    const teacher = tinyModel("bench-cnn", 1);
    const { ctx, epochs } = testContext(teacher);
    const before = liveTensors();
    const teacherWeights = teacher.getWeights().map((w) => w.dataSync().slice());
    const result = await distill.apply(teacher, DistillParams.parse({ student: "small-cnn", epochs: 2 }), ctx);
    expect(result.model).not.toBe(teacher);
    expect(result.model.name).toBe("small-cnn");
    expect(liveTensors() - before).toBe(weightTensors(result.model));
    expect(epochs).toHaveLength(2);
    expect(epochs[1].loss).toBeLessThan(epochs[0].loss);
    teacher.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(teacherWeights[i]));
    result.model.dispose();
    teacher.dispose();
  });
});
