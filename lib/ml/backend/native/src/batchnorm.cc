// Batch normalisation over the last (channel) axis of an NHWC tensor.
//   - inference form (tfjs FusedBatchNorm, given the mean and variance) and its gradient, which produces dx, dmean,
//     dvariance, dscale and doffset in two passes (tfjs-core builds them from ~15 broadcasting ops including Tile);
//   - training form: batch statistics, normalisation and the full gradient through the statistics, two passes
//     each way. tfjs-layers computes the same through tf.moments and ~25 small ops, half of a bench-cnn step.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>

#include "common.h"

namespace lab {
namespace {

// A per-channel parameter: its array (length C, or 1 to broadcast) or null (default value).
struct PerChannel {
  const float* p = nullptr;
  int64_t stride = 0;
  float fallback;
  PerChannel(Args& a, size_t i, int64_t C, float dflt) : fallback(dflt) {
    if (a.isNull(i)) return;
    size_t n;
    p = a.f32(i, &n);
    if (static_cast<int64_t>(n) == C) stride = 1;
    else if (n != 1) throw std::runtime_error("batchnorm: parameter must have C or 1 elements");
  }
  float operator[](int64_t c) const { return p ? p[c * stride] : fallback; }
};

// The activation a training BatchNorm may carry (a BN whose only consumer is a ReLU): 0 none, 1 relu, 2 relu6.
// Fusing saves the ReLU's full pass forward and its gradient's full pass backward (oneDNN's fuse_norm_relu idea).
enum BnActivation { kNone = 0, kRelu = 1, kRelu6 = 2 };
inline float activate(float v, int act) {
  if (act == kNone) return v;
  v = std::max(v, 0.f);
  return act == kRelu6 ? std::min(v, 6.f) : v;
}
// dy where the activation passes (read from its output y: relu where y > 0, relu6 where 0 < y < 6), else 0.
// Specialised per activation and branch-free, so the loops vectorise: a per-element branch on random signs
// mispredicted half the time and made the fused gradient 15x slower than the plain one (measured).
template <int Act>
inline float masked(float dy, float y) {
  if constexpr (Act == kRelu) return y > 0.f ? dy : 0.f;
  else if constexpr (Act == kRelu6) return ((y > 0.f) & (y < 6.f)) ? dy : 0.f;
  else return dy;
}

// y = act((x - mean) / sqrt(variance + eps) * scale + offset) per channel, in one pass as y = act(x * mul + add).
template <typename Mean, typename Var>
void normalize(const float* x, float* y, int64_t rows, int64_t C, const Mean& mean, const Var& var,
               const PerChannel& scale, const PerChannel& offset, double eps, int act = kNone) {
  std::vector<float> mul(C), add(C);
  for (int64_t c = 0; c < C; c++) {
    const double k = scale[c] / std::sqrt(static_cast<double>(var[c]) + eps);
    mul[c] = static_cast<float>(k);
    add[c] = static_cast<float>(offset[c] - mean[c] * k);
  }
#pragma omp parallel for if (rows * C > 32768) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    const float* px = x + r * C;
    float* py = y + r * C;
    if (act == kNone) {
#pragma omp simd
      for (int64_t c = 0; c < C; c++) py[c] = px[c] * mul[c] + add[c];
    } else {
#pragma omp simd
      for (int64_t c = 0; c < C; c++) py[c] = activate(px[c] * mul[c] + add[c], act);
    }
  }
}

// Per-channel sums over the rows of a [rows, C] array, one accumulator set per thread (C is small, rows large).
// f(row pointer offset, c) gives the two values to add; the result is {sum a, sum b} in double. Each block of
// kBlock rows is summed in float over a SIMD loop across channels (the double accumulation per element did not
// vectorize and made the statistics pass cost more than the convolution before it), then added in double.
constexpr int64_t kBlock = 32;
template <typename F>
void channelSums(int64_t rows, int64_t C, std::vector<double>& s1, std::vector<double>& s2, F f) {
  const int threads = rows * C > 32768 ? omp_get_max_threads() : 1;
  std::vector<double> acc(static_cast<size_t>(threads) * 2 * C, 0.0);
#pragma omp parallel num_threads(threads)
  {
    double* a = acc.data() + static_cast<size_t>(omp_get_thread_num()) * 2 * C;
    double* b = a + C;
    std::vector<float> blockA(C), blockB(C);
    float* ba = blockA.data();
    float* bb = blockB.data();
#pragma omp for schedule(static)
    for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
      std::fill(ba, ba + C, 0.f);
      std::fill(bb, bb + C, 0.f);
      const int64_t r1 = std::min(rows, r0 + kBlock);
      for (int64_t r = r0; r < r1; r++) {
        const int64_t o = r * C;
#pragma omp simd
        for (int64_t c = 0; c < C; c++) {
          float u, v;
          f(o + c, c, u, v);
          ba[c] += u;
          bb[c] += v;
        }
      }
      for (int64_t c = 0; c < C; c++) {
        a[c] += ba[c];
        b[c] += bb[c];
      }
    }
  }
  s1.assign(C, 0.0);
  s2.assign(C, 0.0);
  for (int t = 0; t < threads; t++)
    for (int64_t c = 0; c < C; c++) {
      s1[c] += acc[static_cast<size_t>(t) * 2 * C + c];
      s2[c] += acc[static_cast<size_t>(t) * 2 * C + C + c];
    }
}

// batchNormForward(x, C, mean, variance, scale|null, offset|null, eps, y)
napi_value forward(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    size_t n;
    const float* x = a.f32(0, &n);
    const int64_t C = a.i64(1);
    PerChannel mean(a, 2, C, 0.f), var(a, 3, C, 1.f), scale(a, 4, C, 1.f), offset(a, 5, C, 0.f);
    const double eps = a.num(6);
    normalize(x, a.f32(7), static_cast<int64_t>(n) / C, C, mean, var, scale, offset, eps);
    return undefined(a.env);
  });
}

// What both gradients start from: their first arguments (x, dy, C, mean, variance, scale|null, eps) and the
// per-channel sums over the rows of dy and dy * (x - mean).
struct GradSums {
  const float* x;
  const float* dy;
  int64_t C, rows;
  std::vector<float> mean;
  std::vector<double> r, scale, sdy, sdyx;  // r = 1/sqrt(variance + eps)
  // Training grads may pass the fused activation's output y and code: dy is then masked by the activation's
  // derivative (read from y) wherever it is used.
  const float* y = nullptr;
  int act = kNone;
  explicit GradSums(Args& a, size_t activationArg = 0) {
    size_t n;
    x = a.f32(0, &n);
    dy = a.f32(1);
    C = a.i64(2);
    rows = static_cast<int64_t>(n) / C;
    PerChannel m(a, 3, C, 0.f), var(a, 4, C, 1.f), sc(a, 5, C, 1.f);
    const double eps = a.num(6);
    mean.resize(C);
    r.resize(C);
    scale.resize(C);
    for (int64_t c = 0; c < C; c++) {
      mean[c] = m[c];
      r[c] = 1.0 / std::sqrt(static_cast<double>(var[c]) + eps);
      scale[c] = sc[c];
    }
    if (activationArg && !a.isNull(activationArg)) {
      act = static_cast<int>(a.i64(activationArg));
      if (act != kNone) y = a.f32(activationArg + 1);
    }
    const float *px = x, *pdy = dy, *py = y, *pm = mean.data();
    auto sums = [&](auto act) {
      constexpr int A = decltype(act)::value;
      channelSums(rows, C, sdy, sdyx, [=](int64_t i, int64_t c, float& u, float& v) {
        u = masked<A>(pdy[i], A == kNone ? 0.f : py[i]);
        v = u * (px[i] - pm[c]);
      });
    };
    if (!y) sums(std::integral_constant<int, kNone>{});
    else if (act == kRelu) sums(std::integral_constant<int, kRelu>{});
    else sums(std::integral_constant<int, kRelu6>{});
  }
};

// batchNormGrad(x, dy, C, mean, variance, scale|null, eps, dx, dmean, dvariance, dscale, doffset)
//   r = 1/sqrt(var + eps); dx = dy*scale*r; doffset = sum dy; dscale = r * sum dy*(x-mean);
//   dmean = -scale*r*sum dy; dvariance = -0.5*scale*r^3 * sum dy*(x-mean)  (sums over all but the channel axis)
napi_value grad(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    const GradSums g(a);
    const int64_t C = g.C;
    float *dx = a.f32(7), *dmean = a.f32(8), *dvar = a.f32(9), *dscale = a.f32(10), *doffset = a.f32(11);
    std::vector<float> k(C);
    for (int64_t c = 0; c < C; c++) {
      const double r = g.r[c], s = g.scale[c];
      k[c] = static_cast<float>(s * r);
      doffset[c] = static_cast<float>(g.sdy[c]);
      dscale[c] = static_cast<float>(g.sdyx[c] * r);
      dmean[c] = static_cast<float>(-s * r * g.sdy[c]);
      dvar[c] = static_cast<float>(-0.5 * s * r * r * r * g.sdyx[c]);
    }
#pragma omp parallel for if (g.rows * C > 32768) schedule(static)
    for (int64_t r = 0; r < g.rows; r++) {
#pragma omp simd
      for (int64_t c = 0; c < C; c++) dx[r * C + c] = g.dy[r * C + c] * k[c];
    }
    return undefined(a.env);
  });
}

// batchNormTrainForward(x, C, scale|null, offset|null, eps, y, mean, variance[, activation])
//   mean and (biased) variance over all but the channel axis; y = act((x - mean) / sqrt(variance + eps) * scale + offset)
napi_value trainForward(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    size_t n;
    const float* x = a.f32(0, &n);
    const int64_t C = a.i64(1);
    PerChannel scale(a, 2, C, 1.f), offset(a, 3, C, 0.f);
    const double eps = a.num(4);
    float *y = a.f32(5), *mean = a.f32(6), *var = a.f32(7);
    const int64_t rows = static_cast<int64_t>(n) / C;
    if (rows == 0) throw std::runtime_error("batchnorm: empty batch");
    // Shifted sums (by the first row) keep E[x^2] - E[x]^2 accurate when |mean| >> std.
    std::vector<float> shift(x, x + C);
    std::vector<double> s1, s2;
    channelSums(rows, C, s1, s2, [&](int64_t i, int64_t c, float& u, float& v) {
      u = x[i] - shift[c];
      v = u * u;
    });
    for (int64_t c = 0; c < C; c++) {
      const double d = s1[c] / rows;
      mean[c] = static_cast<float>(shift[c] + d);
      var[c] = static_cast<float>(std::max(0.0, s2[c] / rows - d * d));
    }
    normalize(x, y, rows, C, mean, var, scale, offset, eps, a.isNull(8) ? kNone : static_cast<int>(a.i64(8)));
    return undefined(a.env);
  });
}

// batchNormTrainGrad(x, dy, C, mean, variance, scale|null, eps, dx, dscale, doffset[, activation, y])
//   (with an activation, dy is first multiplied by its derivative at the forward output y)
//   with r = 1/sqrt(var + eps), xhat = (x - mean) r and N rows:
//   doffset = sum dy; dscale = sum dy xhat; dx = scale r (dy - doffset/N - xhat dscale/N)
napi_value trainGrad(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    const GradSums g(a, 10);
    const int64_t C = g.C, rows = g.rows;
    float *dx = a.f32(7), *dscale = a.f32(8), *doffset = a.f32(9);
    // dx = dy * k + (x - mean) * q + b, per channel
    std::vector<float> k(C), q(C), b(C);
    for (int64_t c = 0; c < C; c++) {
      const double r = g.r[c], s = g.scale[c];
      doffset[c] = static_cast<float>(g.sdy[c]);
      dscale[c] = static_cast<float>(g.sdyx[c] * r);
      k[c] = static_cast<float>(s * r);
      q[c] = static_cast<float>(-s * r * r * r * g.sdyx[c] / rows);
      b[c] = static_cast<float>(-s * r * g.sdy[c] / rows);
    }
    const float *pk = k.data(), *pq = q.data(), *pb = b.data(), *pm = g.mean.data();
    auto dxPass = [&](auto act) {
      constexpr int A = decltype(act)::value;
#pragma omp parallel for if (rows * C > 32768) schedule(static)
      for (int64_t r = 0; r < rows; r++) {
        const float* px = g.x + r * C;
        const float* pdy = g.dy + r * C;
        const float* py = A == kNone ? nullptr : g.y + r * C;
        float* pdx = dx + r * C;
#pragma omp simd
        for (int64_t c = 0; c < C; c++)
          pdx[c] = masked<A>(pdy[c], A == kNone ? 0.f : py[c]) * pk[c] + (px[c] - pm[c]) * pq[c] + pb[c];
      }
    };
    if (!g.y) dxPass(std::integral_constant<int, kNone>{});
    else if (g.act == kRelu) dxPass(std::integral_constant<int, kRelu>{});
    else dxPass(std::integral_constant<int, kRelu6>{});
    return undefined(a.env);
  });
}

}  // namespace

void registerBatchnorm(napi_env env, napi_value exports) {
  defineFunction(env, exports, "batchNormForward", forward);
  defineFunction(env, exports, "batchNormGrad", grad);
  defineFunction(env, exports, "batchNormTrainForward", trainForward);
  defineFunction(env, exports, "batchNormTrainGrad", trainGrad);
}

}  // namespace lab
