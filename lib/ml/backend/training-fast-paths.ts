// Native training paths for the layers of one model, chosen explicitly where a model is trained (train.ts installs
// them for the loop's duration and undoes them after) — never by patching tfjs-layers' prototypes for the whole
// process (issue #21). Each replaces a layer instance's `call` only where the result is the same; weights,
// configs, serialisation and the ONNX export stay the layers' own.
//   - BatchNormalization in training mode on onednn: one native kernel each way (LabBatchNormTrain) instead of
//     tf.moments and ~25 small broadcasting ops (half of a bench-cnn step), keeping the layer's moving-average update.
//   - BatchNormalization whose only consumer is a ReLU/ReLU6 layer (fuseActivations): the activation runs inside
//     the BatchNorm kernel's output pass, and its derivative inside the gradient's pass — the ReLU layer then
//     passes the fused output on. Saves two full passes over the activation per layer and step (Relu and its
//     gradient were ~15 % of a ResNet-20 step). Off where something observes the BatchNorm output in between
//     (QAT's fake-quant hooks).
//   - A residual Add of two inputs whose only consumer is a plain ReLU layer (ResNet's blocks, fuseActivations):
//     one native pass y = max(a + b, 0) forward and one (dy where y > 0, to both inputs) back, instead of an Add,
//     a Relu and the Relu's gradient over a saved pre-activation sum. The ReLU layer passes the fused output on.
//   - ReLU with maxValue 6 (MobileNetV2's activation): tfjs-layers runs a Relu then a ClipByValue, four passes per
//     step where tf.relu6 takes two. Same values and gradients (0 < x <= 6 passes).
import * as tf from "@tensorflow/tfjs";
import { BN_ACTIVATIONS, TRAIN_KERNEL } from "./kernels/batchnorm";
import { ADD_RELU_KERNEL } from "./kernels/eltwise";
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
type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
type Activation = keyof typeof BN_ACTIVATIONS;
const single = (inputs: tf.Tensor | tf.Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);

export interface FastPathOptions {
  /** Fuse a ReLU/ReLU6 into the BatchNorm before it, and a ReLU into the two-input Add before it, when it is that
   *  layer's only consumer (default false). */
  fuseActivations?: boolean;
}

/** The activation of a plain ReLU layer (ReLU, ReLU6), or undefined for anything else. */
function reluKind(layer: tf.layers.Layer): Activation | undefined {
  if (layer.getClassName() !== "ReLU") return undefined;
  const maxValue = (layer as unknown as { maxValue?: number | null }).maxValue;
  return maxValue == null ? "relu" : maxValue === 6 ? "relu6" : undefined;
}

/** The ReLU layer that is the only consumer of `layer`'s output (in every graph it is used in), if there is one. */
function onlyReluConsumer(layer: tf.layers.Layer): tf.layers.Layer | undefined {
  if (layer.outboundNodes.length !== 1) return undefined;
  const next = layer.outboundNodes[0].outboundLayer as tf.layers.Layer;
  return reluKind(next) && next.inboundNodes.length === 1 ? next : undefined;
}

/** Outputs of fused BatchNorm and Add calls, which their ReLU layer passes on unchanged. */
const activated = new WeakSet<tf.Tensor>();

function batchNormTraining(bn: BatchNormFields, x: tf.Tensor, activation: Activation): tf.Tensor {
  return tf.tidy(() => {
    const params: tf.NamedTensorMap = { x, movingMean: bn.movingMean.read(), movingVariance: bn.movingVariance.read() };
    if (bn.gamma) params.scale = bn.gamma.read();
    if (bn.beta) params.offset = bn.beta.read();
    // outputs 3 and 4: the layer's own moving-average update, moving - (moving - batch) * (1 - momentum)
    const [y, , , movingMean, movingVariance] = tf.engine().runKernel(TRAIN_KERNEL, params,
      { varianceEpsilon: bn.epsilon, activation: BN_ACTIVATIONS[activation], momentum: bn.momentum }) as tf.Tensor[];
    bn.movingMean.write(movingMean);
    bn.movingVariance.write(movingVariance);
    return y;
  });
}

/** Sets `call` on one layer instance (its prototype's stays); returns the undo. */
function override(layer: tf.layers.Layer, make: (original: Call) => Call): () => void {
  const own = Object.prototype.hasOwnProperty.call(layer, "call");
  const holder = layer as unknown as { call: Call };
  const previous = holder.call;
  holder.call = make(previous.bind(layer));
  return () => {
    if (own) holder.call = previous;
    else delete (holder as { call?: Call }).call;
  };
}

/** Every layer of a model, nested models' layers included. */
function layersOf(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((l) => (l instanceof tf.LayersModel ? [l, ...layersOf(l)] : [l]));
}

/**
 * Routes `model`'s BatchNormalization and ReLU6 layers through the native training kernels (only while the onednn
 * backend is active and the layer is called in training mode); returns the function that puts them back.
 */
export function useTrainingFastPaths(model: tf.LayersModel, opts: FastPathOptions = {}): () => void {
  const undo: (() => void)[] = [];
  const layers = layersOf(model);
  const fusedInto = new Map<tf.layers.Layer, Activation>(); // BatchNorm or Add → the activation it takes over
  if (opts.fuseActivations) {
    for (const l of layers) {
      const kind = l.getClassName();
      const relu = kind === "BatchNormalization" || kind === "Add" ? onlyReluConsumer(l) : undefined;
      if (relu && (kind === "BatchNormalization" || reluKind(relu) === "relu")) fusedInto.set(l, reluKind(relu)!);
    }
  }
  for (const layer of layers) {
    if (layer.getClassName() === "BatchNormalization") {
      const bn = layer as unknown as BatchNormFields;
      const activation = fusedInto.get(layer) ?? "none";
      undo.push(override(layer, (original) => (inputs, kwargs) => {
        const x = single(inputs);
        const fast = kwargs?.training === true && tf.getBackend() === BACKEND && x.dtype === "float32" && x.rank >= 2 &&
          (bn.axis === -1 || bn.axis === x.rank - 1);
        if (!fast) return original(inputs, kwargs);
        const y = batchNormTraining(bn, x, activation);
        if (activation !== "none") activated.add(y);
        return y;
      }));
    } else if (layer.getClassName() === "Add" && fusedInto.has(layer)) {
      undo.push(override(layer, (original) => (inputs, kwargs) => {
        const [a, b] = Array.isArray(inputs) ? inputs : [inputs];
        const fast = Array.isArray(inputs) && inputs.length === 2 && tf.getBackend() === BACKEND &&
          a.dtype === "float32" && b.dtype === "float32" && tf.util.arraysEqual(a.shape, b.shape);
        if (!fast) return original(inputs, kwargs);
        const y = tf.engine().runKernel(ADD_RELU_KERNEL, { a, b }) as tf.Tensor;
        activated.add(y);
        return y;
      }));
    } else if (reluKind(layer)) {
      const relu6 = reluKind(layer) === "relu6";
      undo.push(override(layer, (original) => (inputs, kwargs) => {
        const x = single(inputs);
        if (activated.has(x)) return tf.clone(x); // the BatchNorm or Add before applied this activation already
        return relu6 ? tf.relu6(x) : original(inputs, kwargs);
      }));
    }
  }
  return () => { for (const u of undo.reverse()) u(); };
}
