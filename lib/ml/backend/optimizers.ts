// Optimizers for training on any backend. `adam()` is tf.train.adam with the same state, serialisation ("Adam")
// and results, whose update on the onednn backend is one fused native kernel per variable.
import * as tf from "@tensorflow/tfjs";
import { ADAM_KERNEL } from "./kernels/optimizer";

// AdamOptimizer's state (private in its typings, public at run time); we keep exactly the same state so that
// getWeights/setWeights and checkpoints do not depend on which path ran.
interface AdamState {
  accBeta1: tf.Variable; accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  learningRate: number; beta1: number; beta2: number; epsilon: number;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0]): void {
    if (tf.getBackend() !== "onednn") return super.applyGradients(variableGradients);
    const s = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      const attrs = {
        learningRate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon,
        // tfjs computes 1 - accBeta as a float32 tensor op: same rounding here
        oneMinusAccBeta1: Math.fround(1 - s.accBeta1.dataSync()[0]),
        oneMinusAccBeta2: Math.fround(1 - s.accBeta2.dataSync()[0]),
      };
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const grad = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (grad == null) return;
        const m = s.accumulatedFirstMoment[i].variable, v = s.accumulatedSecondMoment[i].variable;
        const [newValue, newM, newV] = tf.engine().runKernel(ADAM_KERNEL, { value, grad, m, v },
          attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    this.incrementIterations();
  }
}

/** Drop-in for tf.train.adam (same defaults). */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): tf.AdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
