// (Batched) matrix multiplication for tfjs BatchMatMul and _FusedMatMul (dense layers and their gradients).
// Transposes are expressed as strides of the memory descriptors, so tfjs's transposeA/transposeB cost nothing
// (on wasm a transposed matmul was 11x slower than a plain one). Batch broadcasting: a batch of 1 is repeated.
#include <stdexcept>

#include "common.h"

namespace lab {
namespace {

struct Matmul : Cached {
  dnnl::matmul prim;
  memory::desc a, b, bias, c;
  Matmul(int64_t ba, int64_t bb, int64_t M, int64_t K, int64_t N, bool ta, bool tb, bool hasBias, int act,
         float alpha) {
    const int64_t B = std::max(ba, bb);
    a = memory::desc({ba, M, K}, f32, ta ? dims{M * K, 1, M} : dims{M * K, K, 1});
    b = memory::desc({bb, K, N}, f32, tb ? dims{K * N, 1, K} : dims{K * N, N, 1});
    c = memory::desc({B, M, N}, f32, tag::abc);
    if (hasBias) bias = memory::desc({1, 1, N}, f32, tag::abc);
    dnnl::matmul::desc d = hasBias ? dnnl::matmul::desc(a, b, bias, c) : dnnl::matmul::desc(a, b, c);
    prim = dnnl::matmul(dnnl::matmul::primitive_desc(d, activationAttr(act, alpha), engine()));
  }
};

// matmul([batchA, batchB, M, K, N, transposeA, transposeB], a, b, bias | null, out, activation, alpha)
napi_value matmul(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& args) {
    auto p = args.ints(0);
    if (p.size() != 7) throw std::runtime_error("matmul: expected 7 shape values");
    const bool hasBias = !args.isNull(3);
    const int act = static_cast<int>(args.num(5));
    const float alpha = static_cast<float>(args.num(6));
    if ((p[0] != p[1] && p[0] != 1 && p[1] != 1)) throw std::runtime_error("matmul: batch dims do not broadcast");
    p.push_back(hasBias);
    p.push_back(act);
    p.push_back(static_cast<int64_t>(alpha * 1e6));
    auto& m = cached<Matmul>(key("matmul", p), [&] {
      return std::make_unique<Matmul>(p[0], p[1], p[2], p[3], p[4], p[5] != 0, p[6] != 0, hasBias, act, alpha);
    });
    std::unordered_map<int, memory> a{{DNNL_ARG_SRC, memory(m.a, engine(), args.f32(1))},
                                      {DNNL_ARG_WEIGHTS, memory(m.b, engine(), args.f32(2))},
                                      {DNNL_ARG_DST, memory(m.c, engine(), args.f32(4))}};
    if (hasBias) a[DNNL_ARG_BIAS] = memory(m.bias, engine(), args.f32(3));
    m.prim.execute(stream(), a);
    stream().wait();
    return undefined(args.env);
  });
}

}  // namespace

void registerMatmul(napi_env env, napi_value exports) { defineFunction(env, exports, "matmul", matmul); }

}  // namespace lab
