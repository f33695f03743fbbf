// Faster training-mode calls for two tfjs-layers layers, installed with the onednn backend. Each replaces the
// layer's call only where the result is the same; weights, configs, serialisation and the ONNX export are the
// layers' own, so models built or loaded anywhere keep working.
//   - BatchNormalization: tf.moments plus ~25 small broadcasting ops forward and backward were half of a bench-cnn
//     step (74 of 135 ms). On onednn, training mode runs one native kernel each way (LabBatchNormTrain) and keeps
//     the layer's moving-average update; other backends, inference and a non-last channel axis keep the original.
//   - ReLU with maxValue 6 (MobileNetV2's activation): a Relu then a ClipByValue, four full passes per training step
//     where tf.relu6 takes two (a quarter of a MobileNetV2 step). Same values and gradients (0 < x <= 6 passes).
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
type Call = (this: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor;
const single = (inputs: tf.Tensor | tf.Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);

/** Replaces `call` on the prototype of the layer class `sample` is an instance of. */
function override(sample: tf.layers.Layer, make: (original: Call) => Call): void {
  const proto = Object.getPrototypeOf(sample) as { call: Call };
  proto.call = make(proto.call);
}

function batchNormTraining(this: tf.layers.Layer, x: tf.Tensor): tf.Tensor {
  const bn = this as unknown as BatchNormFields;
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
}

let installed = false;

export function installLayerFastPaths(): void {
  if (installed) return;
  installed = true;
  override(tf.layers.batchNormalization({}), (original) => function (inputs, kwargs) {
    const x = single(inputs), axis = (this as unknown as BatchNormFields).axis;
    const fused = kwargs?.training && tf.getBackend() === BACKEND && x.dtype === "float32" && x.rank >= 2 &&
      (axis === -1 || axis === x.rank - 1);
    return fused ? batchNormTraining.call(this, x) : original.call(this, inputs, kwargs);
  });
  override(tf.layers.reLU({}), (original) => function (inputs, kwargs) {
    const relu6 = (this as unknown as { maxValue?: number | null }).maxValue === 6;
    return relu6 ? tf.relu6(single(inputs)) : original.call(this, inputs, kwargs);
  });
}
