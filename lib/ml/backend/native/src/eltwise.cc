// The long tail that dominates a tfjs training step once convolutions are native: element-wise unary and
// broadcasting binary ops, and sum/mean reductions. tfjs's cpu kernels do these in JS with per-element index
// arithmetic and transposes (a Sum over axes [0,1,2] of a 64x28x28x32 tensor took ~100 ms); here they are single
// passes over memory on all cores. The TS side (kernels/eltwise.ts) collapses shapes so these loops only see
// "outer x inner" problems.
#include <omp.h>

#include <cmath>
#include <stdexcept>

#include "common.h"

namespace lab {
namespace {

// Below this many elements a parallel region costs more than it saves.
constexpr int64_t kParallel = 1 << 15;

enum Unary { kSquare, kSqrt, kRsqrt, kNeg, kURelu, kURelu6, kExp, kLog, kReciprocal, kStep, kClip, kULeaky, kAbs,
             kUSigmoid };

template <typename F>
void map(const float* x, float* y, int64_t n, F f) {
#pragma omp parallel for simd if (n > kParallel) schedule(static)
  for (int64_t i = 0; i < n; i++) y[i] = f(x[i]);
}

// unary(op, x, y, alpha, beta)
napi_value unary(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    const int op = static_cast<int>(a.num(0));
    size_t n, m;
    const float* x = a.f32(1, &n);
    float* y = a.f32(2, &m);
    if (m != n) throw std::runtime_error("unary: size mismatch");
    const float p = static_cast<float>(a.num(3)), q = static_cast<float>(a.num(4));
    const int64_t len = static_cast<int64_t>(n);
    switch (op) {
      case kSquare: map(x, y, len, [](float v) { return v * v; }); break;
      case kSqrt: map(x, y, len, [](float v) { return std::sqrt(v); }); break;
      case kRsqrt: map(x, y, len, [](float v) { return 1.f / std::sqrt(v); }); break;
      case kNeg: map(x, y, len, [](float v) { return -v; }); break;
      case kURelu: map(x, y, len, [](float v) { return v < 0.f ? 0.f : v; }); break;
      case kURelu6: map(x, y, len, [](float v) { return v < 0.f ? 0.f : (v > 6.f ? 6.f : v); }); break;
      case kExp: map(x, y, len, [](float v) { return std::exp(v); }); break;
      case kLog: map(x, y, len, [](float v) { return std::log(v); }); break;
      case kReciprocal: map(x, y, len, [](float v) { return 1.f / v; }); break;
      case kStep: map(x, y, len, [p](float v) { return std::isnan(v) ? v : (v > 0.f ? 1.f : p); }); break;
      case kClip: map(x, y, len, [p, q](float v) { return std::isnan(v) ? v : (v < p ? p : (v > q ? q : v)); }); break;
      case kULeaky: map(x, y, len, [p](float v) { return v < 0.f ? p * v : v; }); break;
      case kAbs: map(x, y, len, [](float v) { return std::fabs(v); }); break;
      case kUSigmoid: map(x, y, len, [](float v) { return 1.f / (1.f + std::exp(-v)); }); break;
      default: throw std::runtime_error("unary: unknown op");
    }
    return undefined(a.env);
  });
}

enum Binary { kAdd, kSub, kMul, kDiv, kSqDiff, kCopyA, kReluGrad, kRelu6Grad, kSquareGrad, kClipGrad, kAddRelu };

// out[o, i] = f(a[o*as0 + i*as1], b[o*bs0 + i*bs1]) over a collapsed [outer, inner] problem; with more dims the
// TS side passes up to 4 collapsed dims (see kernels/eltwise.ts).
template <typename F>
void broadcast(const float* a, const float* b, float* out, const std::vector<int64_t>& shape,
               const std::vector<int64_t>& sa, const std::vector<int64_t>& sb, F f) {
  const int r = static_cast<int>(shape.size());
  const int64_t inner = shape[r - 1], ia = sa[r - 1], ib = sb[r - 1];
  int64_t outer = 1;
  for (int d = 0; d < r - 1; d++) outer *= shape[d];
#pragma omp parallel for if (outer * inner > kParallel) schedule(static)
  for (int64_t o = 0; o < outer; o++) {
    int64_t offA = 0, offB = 0, rem = o;
    for (int d = r - 2; d >= 0; d--) {
      const int64_t c = rem % shape[d];
      rem /= shape[d];
      offA += c * sa[d];
      offB += c * sb[d];
    }
    const float* pa = a + offA;
    const float* pb = b + offB;
    float* po = out + o * inner;
    if (ia == 1 && ib == 1) {
#pragma omp simd
      for (int64_t i = 0; i < inner; i++) po[i] = f(pa[i], pb[i]);
    } else if (ia == 1 && ib == 0) {
      const float vb = *pb;
#pragma omp simd
      for (int64_t i = 0; i < inner; i++) po[i] = f(pa[i], vb);
    } else if (ia == 0 && ib == 1) {
      const float va = *pa;
#pragma omp simd
      for (int64_t i = 0; i < inner; i++) po[i] = f(va, pb[i]);
    } else {
      for (int64_t i = 0; i < inner; i++) po[i] = f(pa[i * ia], pb[i * ib]);
    }
  }
}

// binary(op, shape, a, aStrides, b, bStrides, out[, p, q])  (p, q: the bounds of kClipGrad)
napi_value binary(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& args) {
    const int op = static_cast<int>(args.num(0));
    const auto shape = args.ints(1), sa = args.ints(3), sb = args.ints(5);
    if (shape.empty() || sa.size() != shape.size() || sb.size() != shape.size())
      throw std::runtime_error("binary: bad shape");
    const float* a = args.f32(2);
    const float* b = args.f32(4);
    float* out = args.f32(6);
    switch (op) {
      case kAdd: broadcast(a, b, out, shape, sa, sb, [](float x, float y) { return x + y; }); break;
      case kSub: broadcast(a, b, out, shape, sa, sb, [](float x, float y) { return x - y; }); break;
      case kMul: broadcast(a, b, out, shape, sa, sb, [](float x, float y) { return x * y; }); break;
      case kDiv: broadcast(a, b, out, shape, sa, sb, [](float x, float y) { return x / y; }); break;
      case kSqDiff: broadcast(a, b, out, shape, sa, sb, [](float x, float y) { return (x - y) * (x - y); }); break;
      case kCopyA: broadcast(a, b, out, shape, sa, sb, [](float x, float) { return x; }); break;
      // activation gradients in one pass (tfjs: dy * step(x), i.e. a Step and a Multiply): a = dy, b = x
      case kReluGrad: broadcast(a, b, out, shape, sa, sb, [](float g, float x) { return x > 0.f ? g : 0.f; }); break;
      case kSquareGrad: broadcast(a, b, out, shape, sa, sb, [](float g, float x) { return g * (x * 2.f); }); break;
      case kRelu6Grad:
        broadcast(a, b, out, shape, sa, sb, [](float g, float x) { return x > 0.f && x <= 6.f ? g : 0.f; });
        break;
      case kClipGrad: {  // tfjs-core: dy where min <= x <= max, else 0
        const float lo = static_cast<float>(args.num(7)), hi = static_cast<float>(args.num(8));
        broadcast(a, b, out, shape, sa, sb, [lo, hi](float g, float x) { return x >= lo && x <= hi ? g : 0.f; });
        break;
      }
      // a residual sum and the ReLU after it in one pass (ResNet); NaN passes as tfjs's Relu passes it. Its
      // gradient is kReluGrad on the output: y > 0 exactly where a + b > 0.
      case kAddRelu:
        broadcast(a, b, out, shape, sa, sb, [](float x, float y) { const float s = x + y; return s < 0.f ? 0.f : s; });
        break;
      default: throw std::runtime_error("binary: unknown op");
    }
    return undefined(args.env);
  });
}

// reduce(x, A, R, B, out, scale): out[a, b] = scale * sum_r x[a, r, b], accumulated in double.
napi_value reduce(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& args) {
    const float* x = args.f32(0);
    const int64_t A = args.i64(1), R = args.i64(2), B = args.i64(3);
    float* out = args.f32(4);
    const double scale = args.num(5);
    const int threads = (A * R * B > kParallel) ? omp_get_max_threads() : 1;
    if (A >= threads * 4 || threads == 1) {  // enough independent outputs: split over A
#pragma omp parallel for if (threads > 1) schedule(static)
      for (int64_t i = 0; i < A; i++) {
        std::vector<double> acc(B, 0.0);
        for (int64_t r = 0; r < R; r++) {
          const float* p = x + (i * R + r) * B;
          for (int64_t j = 0; j < B; j++) acc[j] += p[j];
        }
        for (int64_t j = 0; j < B; j++) out[i * B + j] = static_cast<float>(acc[j] * scale);
      }
    } else {  // few outputs (e.g. per-channel sums over N*H*W): split R, combine per-thread partial sums
      std::vector<double> partial(static_cast<size_t>(threads) * A * B, 0.0);
#pragma omp parallel num_threads(threads)
      {
        double* acc = partial.data() + static_cast<size_t>(omp_get_thread_num()) * A * B;
#pragma omp for schedule(static)
        for (int64_t r = 0; r < R; r++)
          for (int64_t i = 0; i < A; i++) {
            const float* p = x + (i * R + r) * B;
            double* q = acc + i * B;
            for (int64_t j = 0; j < B; j++) q[j] += p[j];
          }
      }
      for (int64_t k = 0; k < A * B; k++) {
        double s = 0;
        for (int t = 0; t < threads; t++) s += partial[static_cast<size_t>(t) * A * B + k];
        out[k] = static_cast<float>(s * scale);
      }
    }
    return undefined(args.env);
  });
}

// adamUpdate(value, grad, m, v, newValue, newM, newV, lr, beta1, beta2, eps, 1 - beta1^t, 1 - beta2^t): one pass
// per variable instead of tfjs's ~14 kernels, with tfjs's formula and float32 rounding order:
//   m' = b1 m + (1-b1) g;  v' = b2 v + (1-b2) g^2;  value' = value - lr * (m'/c1) / (sqrt(v'/c2) + eps)
napi_value adamUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    size_t n;
    const float* value = a.f32(0, &n);
    const float *g = a.f32(1), *m = a.f32(2), *v = a.f32(3);
    float *nvalue = a.f32(4), *nm = a.f32(5), *nv = a.f32(6);
    const float lr = static_cast<float>(a.num(7)), b1 = static_cast<float>(a.num(8)),
                b2 = static_cast<float>(a.num(9)), eps = static_cast<float>(a.num(10)),
                c1 = static_cast<float>(a.num(11)), c2 = static_cast<float>(a.num(12));
    const float ob1 = 1.f - b1, ob2 = 1.f - b2;  // tfjs computes these in double, then rounds
    const int64_t len = static_cast<int64_t>(n);
#pragma omp parallel for simd if (len > kParallel) schedule(static)
    for (int64_t i = 0; i < len; i++) {
      const float mi = m[i] * b1 + g[i] * ob1;
      const float vi = v[i] * b2 + (g[i] * g[i]) * ob2;
      nm[i] = mi;
      nv[i] = vi;
      nvalue[i] = ((mi / c1) / (std::sqrt(vi / c2) + eps)) * -lr + value[i];
    }
    return undefined(a.env);
  });
}

}  // namespace

void registerEltwise(napi_env env, napi_value exports) {
  defineFunction(env, exports, "unary", unary);
  defineFunction(env, exports, "binary", binary);
  defineFunction(env, exports, "reduce", reduce);
  defineFunction(env, exports, "adamUpdate", adamUpdate);
}

}  // namespace lab
