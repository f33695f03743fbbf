// tfjs-layers' BatchNormalization in training mode computes tf.moments and normalises with ~25 small broadcasting
// ops forward and backward: half of a bench-cnn training step on the onednn backend (profile: 74 of 135 ms).
// On that backend this routes the training-mode call through one native kernel each way (LabBatchNormTrain) and
// keeps tfjs-layers' own moving-average update, so weights, serialisation and inference are the layer's own.
// Everywhere else (other backends, inference, a channel axis other than the last) the layer's own call runs.
import * as tf from "@tensorflow/tfjs";
import { TRAIN_KERNEL } from "./kernels/batchnorm";
import { BACKEND } from "./kernels/util";

/** The fields of tfjs-layers' BatchNormalization this needs (they are not part of its typed API). */
interface BatchNormFields {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}
type CallFn = (this: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor;

let installed = false;

export function installFusedBatchNormTraining(): void {
  if (installed) return;
  installed = true;
  const proto = Object.getPrototypeOf(tf.layers.batchNormalization({})) as { call: CallFn };
  const layerCall = proto.call;
  proto.call = function (this: tf.layers.Layer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const bn = this as unknown as BatchNormFields;
    const lastAxis = bn.axis === -1 || bn.axis === x.rank - 1;
    if (!kwargs?.training || tf.getBackend() !== BACKEND || !lastAxis || x.dtype !== "float32" || x.rank < 2) {
      return layerCall.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const params: tf.NamedTensorMap = { x };
      if (bn.gamma) params.scale = bn.gamma.read();
      if (bn.beta) params.offset = bn.beta.read();
      const [y, mean, variance] = tf.engine().runKernel(TRAIN_KERNEL, params, { varianceEpsilon: bn.epsilon }) as tf.Tensor[];
      // the layer's own update rule: moving = moving - (moving - batch) * (1 - momentum)
      for (const [moving, batch] of [[bn.movingMean, mean], [bn.movingVariance, variance]] as const) {
        tf.tidy(() => {
          const old = moving.read();
          moving.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - bn.momentum)));
        });
      }
      return y;
    });
  };
}
