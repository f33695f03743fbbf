// Convolutions (dense and grouped/depthwise): forward with bias and a fused activation, backward data and backward
// weights. tfjs keeps activations NHWC and filters HWIO ([kh, kw, in, out]; depthwise [kh, kw, c, multiplier]);
// activations stay NHWC wherever oneDNN has a JIT implementation for it (oneDNN 2.6 on AVX-512: brgconv and jit
// for every zoo convolution, dense, 1x1 and depthwise), filters are "any" (a small reorder of the weights).
// Before, activations were "any" too (nChw16c) and Staged reordered every activation and gradient in and out:
// those reorders took as long as the convolutions themselves in a ResNet-20 step (oneDNN verbose, 2026-12).
// Where only the reference or gemm implementation accepts NHWC, the primitive falls back to blocked + reorders.
#include <stdexcept>
#include <string>

#include "common.h"

namespace lab {
namespace {

using dnnl::algorithm;
using dnnl::prop_kind;

// Shape of one convolution, as passed from TS (Int32Array, see onednn/conv.ts).
struct Shape {
  int64_t n, ic, ih, iw, oc, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, groups;
  explicit Shape(const std::vector<int64_t>& p) {
    if (p.size() != 18) throw std::runtime_error("conv: expected 18 shape values");
    n = p[0]; ic = p[1]; ih = p[2]; iw = p[3]; oc = p[4]; oh = p[5]; ow = p[6]; kh = p[7]; kw = p[8];
    sh = p[9]; sw = p[10]; dh = p[11]; dw = p[12]; pt = p[13]; pl = p[14]; pb = p[15]; pr = p[16]; groups = p[17];
  }
  dims src() const { return {n, ic, ih, iw}; }
  dims dst() const { return {n, oc, oh, ow}; }
  dims strides() const { return {sh, sw}; }
  dims dilates() const { return {dh - 1, dw - 1}; }  // oneDNN counts the holes, tfjs the step
  dims padL() const { return {pt, pl}; }
  dims padR() const { return {pb, pr}; }
  dims weights() const {
    return groups == 1 ? dims{oc, ic, kh, kw} : dims{groups, oc / groups, ic / groups, kh, kw};
  }
  // The tfjs filter in oneDNN's logical order, described by strides over the HWIO (or HW,C,M) array.
  memory::desc userWeights() const {
    if (groups == 1) return memory::desc(weights(), f32, dims{1, oc, kw * ic * oc, ic * oc});
    // depthwise: [kh, kw, c, m] with g = c, o = m and one input channel per group
    if (ic != groups) throw std::runtime_error("conv: grouped convolution only as depthwise (groups == in channels)");
    const int64_t m = oc / groups;
    return memory::desc(weights(), f32, dims{m, 1, 1, kw * ic * m, ic * m});
  }
  memory::desc any(const dims& d) const { return memory::desc(d, f32, tag::any); }
  // Activations in tfjs's own NHWC, or "any" (oneDNN's blocked choice, reordered at the boundary).
  memory::desc act(const dims& d, bool nhwc) const { return memory::desc(d, f32, nhwc ? tag::nhwc : tag::any); }
};

// A JIT implementation (jit:, brgconv:, jit_1x1:, …), not oneDNN's reference or im2col+gemm fallbacks.
bool optimized(const char* impl) {
  const std::string s(impl);
  return s.find("ref") == std::string::npos && s.find("gemm") == std::string::npos;
}

// The forward primitive description is also the "hint" the backward primitives need.
dnnl::convolution_forward::primitive_desc forwardPd(const Shape& s, bool bias, const dnnl::primitive_attr& attr, bool nhwc) {
  dnnl::convolution_forward::desc d(prop_kind::forward_training, algorithm::convolution_direct, s.act(s.src(), nhwc),
                                    s.any(s.weights()),
                                    bias ? memory::desc({s.oc}, f32, tag::x) : memory::desc(),
                                    s.act(s.dst(), nhwc), s.strides(), s.dilates(), s.padL(), s.padR());
  return dnnl::convolution_forward::primitive_desc(d, attr, engine());
}

// Each primitive is first tried on NHWC activations (tfjs's own layout: no reorder in or out); where oneDNN has
// no optimized NHWC implementation for the case it gets "any" (blocked) and Staged reorders at the boundary.
template <typename Pd, typename Make>
Pd preferNhwc(Make make) {
  try {
    Pd pd = make(true);
    if (optimized(pd.impl_info_str())) return pd;
  } catch (const dnnl::error&) { /* no NHWC implementation at all */ }
  return make(false);
}

struct Forward : Cached {
  dnnl::convolution_forward prim;
  Staged src, wei, dst;
  Forward(const Shape& s, bool bias, int act, float alpha) {
    auto attr = activationAttr(act, alpha);
    auto pd = preferNhwc<dnnl::convolution_forward::primitive_desc>([&](bool nhwc) { return forwardPd(s, bias, attr, nhwc); });
    prim = dnnl::convolution_forward(pd);
    src = Staged(memory::desc(s.src(), f32, tag::nhwc), pd.src_desc());
    wei = Staged(s.userWeights(), pd.weights_desc());
    dst = Staged(memory::desc(s.dst(), f32, tag::nhwc), pd.dst_desc());
  }
};

struct BackwardData : Cached {
  dnnl::convolution_backward_data prim;
  Staged ddst, wei, dsrc;
  explicit BackwardData(const Shape& s) {
    auto pd = preferNhwc<dnnl::convolution_backward_data::primitive_desc>([&](bool nhwc) {
      auto hint = forwardPd(s, false, {}, nhwc);
      dnnl::convolution_backward_data::desc d(algorithm::convolution_direct, s.act(s.src(), nhwc), s.any(s.weights()),
                                              s.act(s.dst(), nhwc), s.strides(), s.dilates(), s.padL(), s.padR());
      return dnnl::convolution_backward_data::primitive_desc(d, engine(), hint);
    });
    prim = dnnl::convolution_backward_data(pd);
    ddst = Staged(memory::desc(s.dst(), f32, tag::nhwc), pd.diff_dst_desc());
    wei = Staged(s.userWeights(), pd.weights_desc());
    dsrc = Staged(memory::desc(s.src(), f32, tag::nhwc), pd.diff_src_desc());
  }
};

struct BackwardWeights : Cached {
  dnnl::convolution_backward_weights prim;
  Staged src, ddst, dwei;
  explicit BackwardWeights(const Shape& s) {
    auto pd = preferNhwc<dnnl::convolution_backward_weights::primitive_desc>([&](bool nhwc) {
      auto hint = forwardPd(s, false, {}, nhwc);
      dnnl::convolution_backward_weights::desc d(algorithm::convolution_direct, s.act(s.src(), nhwc),
                                                 s.any(s.weights()), s.act(s.dst(), nhwc), s.strides(), s.dilates(),
                                                 s.padL(), s.padR());
      return dnnl::convolution_backward_weights::primitive_desc(d, engine(), hint);
    });
    prim = dnnl::convolution_backward_weights(pd);
    src = Staged(memory::desc(s.src(), f32, tag::nhwc), pd.src_desc());
    ddst = Staged(memory::desc(s.dst(), f32, tag::nhwc), pd.diff_dst_desc());
    dwei = Staged(s.userWeights(), pd.diff_weights_desc());
  }
};

// conv2dForward(shape, x, filter, bias | null, y, activation, alpha)
napi_value forward(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    auto p = a.ints(0);
    Shape s(p);
    const bool bias = !a.isNull(3);
    const int act = static_cast<int>(a.num(5));
    const float alpha = static_cast<float>(a.num(6));
    p.push_back(bias);
    p.push_back(act);
    p.push_back(static_cast<int64_t>(alpha * 1e6));
    auto& c = cached<Forward>(key("conv.fwd", p), [&] { return std::make_unique<Forward>(s, bias, act, alpha); });
    std::unordered_map<int, memory> m{{DNNL_ARG_SRC, c.src.in(a.f32(1))}, {DNNL_ARG_WEIGHTS, c.wei.in(a.f32(2))},
                                      {DNNL_ARG_DST, c.dst.out(a.f32(4))}};
    if (bias) m[DNNL_ARG_BIAS] = memory(memory::desc({s.oc}, f32, tag::x), engine(), a.f32(3));
    c.prim.execute(stream(), m);
    c.dst.out_done();
    stream().wait();
    return undefined(a.env);
  });
}

// conv2dBackwardData(shape, dy, filter, dx)
napi_value backwardData(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    auto p = a.ints(0);
    Shape s(p);
    auto& c = cached<BackwardData>(key("conv.bwd_data", p), [&] { return std::make_unique<BackwardData>(s); });
    c.prim.execute(stream(), {{DNNL_ARG_DIFF_DST, c.ddst.in(a.f32(1))},
                              {DNNL_ARG_WEIGHTS, c.wei.in(a.f32(2))},
                              {DNNL_ARG_DIFF_SRC, c.dsrc.out(a.f32(3))}});
    c.dsrc.out_done();
    stream().wait();
    return undefined(a.env);
  });
}

// conv2dBackwardWeights(shape, x, dy, dfilter)
napi_value backwardWeights(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    auto p = a.ints(0);
    Shape s(p);
    auto& c =
        cached<BackwardWeights>(key("conv.bwd_weights", p), [&] { return std::make_unique<BackwardWeights>(s); });
    c.prim.execute(stream(), {{DNNL_ARG_SRC, c.src.in(a.f32(1))},
                              {DNNL_ARG_DIFF_DST, c.ddst.in(a.f32(2))},
                              {DNNL_ARG_DIFF_WEIGHTS, c.dwei.out(a.f32(3))}});
    c.dwei.out_done();
    stream().wait();
    return undefined(a.env);
  });
}

}  // namespace

void registerConv(napi_env env, napi_value exports) {
  defineFunction(env, exports, "conv2dForward", forward);
  defineFunction(env, exports, "conv2dBackwardData", backwardData);
  defineFunction(env, exports, "conv2dBackwardWeights", backwardWeights);
}

}  // namespace lab
