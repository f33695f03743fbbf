// The onednn backend recycles native kernels' output arrays (kernels/util.ts): recycling must happen in a training
// loop's pattern (same sizes over and over), and must never hand out an array something can still see — values
// read out with dataSync(), a Slice's view of its input, the input of a deferred gradient.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { setupBackend } from "./index";
import { poolStats } from "./kernels/util";
import { loadNative } from "./native";

const hasNative = "addon" in loadNative();
const N = 64 * 28 * 28; // above the pool's minimum size
const filled = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

/** How many elements differ (a diff of 50,000 numbers would take vitest minutes to print). */
const mismatches = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
};

/** Allocates and fills `times` pooled arrays of `n` elements (each is freed, so the next reuses it). */
function churn(n: number, times = 4) {
  const src = tf.tensor1d(filled(n, (i) => -1 - (i % 7)));
  for (let k = 0; k < times; k++) tf.tidy(() => { tf.relu(tf.neg(src)); });
  src.dispose();
}

describe.skipIf(!hasNative)("the onednn output pool", () => {
  beforeAll(async () => { await setupBackend("onednn"); });

  it("recycles the arrays of freed outputs of the same size", () => {
    const x = tf.tensor1d(filled(N, (i) => i % 5 - 2));
    const before = poolStats.reused;
    for (let k = 0; k < 10; k++) tf.relu(x).dispose();
    expect(poolStats.reused - before).toBeGreaterThanOrEqual(9);
    x.dispose();
  });

  // The worker trains a teacher, then students, then technique stages in one process: a model that trains after
  // others must get pooled arrays again, not find the pool full of the earlier models' sizes.
  it("serves a new size from the pool again after other sizes filled it to the cap", () => {
    const evicted = poolStats.evicted;
    for (let n = 1 << 18; poolStats.pooledBytes + 4 * n <= poolStats.capBytes; n += 16) churn(n, 1);
    const fresh = (1 << 19) + 8; // a size no earlier test used, larger than the ones that filled the pool
    expect(poolStats.pooledBytes + 4 * fresh, "the pool is full").toBeGreaterThan(poolStats.capBytes);
    const x = tf.tensor1d(filled(fresh, (i) => i % 5 - 2));
    const before = poolStats.reused;
    for (let k = 0; k < 5; k++) tf.relu(x).dispose();
    expect(poolStats.reused - before).toBeGreaterThanOrEqual(4);
    expect(poolStats.evicted).toBeGreaterThan(evicted);
    expect(poolStats.pooledBytes).toBeLessThanOrEqual(poolStats.capBytes);
    x.dispose();
  });

  it("drops a freed array of a size taken before everything pooled, evicting nothing for it", () => {
    const stale = tf.relu(tf.tensor1d(filled(1 << 21, () => 1))); // 8 MB, taken before all that follows
    // more than the cap of new sizes: the pool ends full of them (each evicting older ones)
    for (let n = (1 << 18) + 200_000, total = 0; total <= poolStats.capBytes; n += 16, total += 4 * n) churn(n, 1);
    expect(poolStats.pooledBytes + 4 * (1 << 21), "the pool is full").toBeGreaterThan(poolStats.capBytes);
    const evicted = poolStats.evicted, pooled = poolStats.pooledBytes;
    stale.dispose();
    expect(poolStats.evicted - evicted, "arrays evicted for a stale one").toBe(0);
    expect(poolStats.pooledBytes).toBe(pooled);
  });

  it("never recycles an array read out with dataSync()", () => {
    const x = tf.tensor1d(filled(N, (i) => i % 5 - 2));
    const y = tf.relu(x);
    const read = y.dataSync() as Float32Array;
    const copy = read.slice();
    y.dispose();
    churn(N);
    expect(mismatches(read, copy)).toBe(0);
    x.dispose();
  });

  it("never recycles an array a cpu kernel's output aliases (Slice returns a view)", () => {
    const x = tf.tensor2d(filled(2 * N, (i) => (i % 9) - 4), [2, N]);
    const y = tf.relu(x);
    const row = tf.slice(y, [0, 0], [1, N]); // contiguous: a subarray of y's array on the cpu kernels
    const expected = tf.tidy(() => tf.relu(tf.slice(x, [0, 0], [1, N])).dataSync().slice());
    y.dispose();
    churn(2 * N);
    expect(mismatches(row.dataSync(), expected)).toBe(0);
    tf.dispose([x, row]);
  });

  it("keeps a deferred input gradient's inputs until it is computed", () => {
    const filter = tf.tensor4d(filled(3 * 3 * 8 * 8, (i) => Math.sin(i)), [3, 3, 8, 8]);
    const shape: [number, number, number, number] = [16, 28, 28, 8];
    const dyOf = () => tf.relu(tf.tensor4d(filled(16 * 28 * 28 * 8, (i) => Math.cos(i * 0.37)), shape));
    // the first call of a shape runs at once; later ones are deferred until read
    tf.tidy(() => tf.conv2dTranspose(dyOf(), filter, shape, 1, "same").dataSync());
    const dy = dyOf();
    const expected = tf.tidy(() => tf.conv2dTranspose(dy, filter, shape, 1, "same").dataSync().slice());
    const dx = tf.conv2dTranspose(dy, filter, shape, 1, "same"); // deferred: holds dy's array
    dy.dispose();
    churn(16 * 28 * 28 * 8); // would overwrite dy's array if it had gone back to the pool
    expect(mismatches(dx.dataSync(), expected)).toBe(0);
    tf.dispose([dx, filter]);
  });
});
