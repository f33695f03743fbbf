// Max and average pooling, forward and backward. tfjs's MaxPoolGrad gets (dy, x, y) but oneDNN's backward needs
// the forward's workspace (argmax positions), so the backward re-runs the forward in training mode first; it is
// cheap next to the convolutions. Plain NHWC: oneDNN pooling takes its source layout as given. Average pooling
// excludes padding from the count in the forward (as tfjs does) and includes it in the backward (as tfjs does).
#include <stdexcept>

#include "common.h"

namespace lab {
namespace {

using dnnl::algorithm;

struct Shape {
  int64_t n, c, ih, iw, oh, ow, kh, kw, sh, sw, pt, pl, pb, pr;
  explicit Shape(const std::vector<int64_t>& p) {
    if (p.size() != 14) throw std::runtime_error("pool: expected 14 shape values");
    n = p[0]; c = p[1]; ih = p[2]; iw = p[3]; oh = p[4]; ow = p[5]; kh = p[6]; kw = p[7]; sh = p[8]; sw = p[9];
    pt = p[10]; pl = p[11]; pb = p[12]; pr = p[13];
  }
  memory::desc src(tag t = tag::nhwc) const { return memory::desc({n, c, ih, iw}, f32, t); }
  memory::desc dst(tag t = tag::nhwc) const { return memory::desc({n, c, oh, ow}, f32, t); }
  dnnl::pooling_forward::desc fwd(algorithm alg, dnnl::prop_kind prop) const {
    return dnnl::pooling_forward::desc(prop, alg, src(), dst(), {sh, sw}, {kh, kw}, {pt, pl}, {pb, pr});
  }
};

struct Forward : Cached {
  dnnl::pooling_forward prim;
  Staged src, dst;
  memory workspace;
  Forward(const Shape& s, algorithm alg, bool training) {
    const bool max = alg == algorithm::pooling_max;
    dnnl::pooling_forward::primitive_desc pd(
        s.fwd(alg, training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference), engine());
    prim = dnnl::pooling_forward(pd);
    src = Staged(s.src(), pd.src_desc());
    dst = Staged(s.dst(), pd.dst_desc());
    if (training && max) workspace = memory(pd.workspace_desc(), engine());
    hint = pd;
  }
  dnnl::pooling_forward::primitive_desc hint;
};

struct Backward : Cached {
  Forward fwd;
  dnnl::pooling_backward prim;
  Staged ddst, dsrc;
  // tfjs's AvgPoolGrad divides by the whole window even where it overlaps the padding (its forward does not):
  // match the reference.
  static algorithm backwardAlg(bool max) { return max ? algorithm::pooling_max : algorithm::pooling_avg_include_padding; }
  Backward(const Shape& s, bool max) : fwd(s, backwardAlg(max), true) {
    dnnl::pooling_backward::desc d(backwardAlg(max),
                                   s.src(), s.dst(), {s.sh, s.sw}, {s.kh, s.kw}, {s.pt, s.pl},
                                   {s.pb, s.pr});
    dnnl::pooling_backward::primitive_desc pd(d, engine(), fwd.hint);
    prim = dnnl::pooling_backward(pd);
    ddst = Staged(s.dst(), pd.diff_dst_desc());
    dsrc = Staged(s.src(), pd.diff_src_desc());
  }
};

// poolForward(max, shape, x, y)
napi_value forward(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    const bool max = a.num(0) != 0;
    auto p = a.ints(1);
    Shape s(p);
    p.push_back(max);
    auto& f = cached<Forward>(key("pool.fwd", p), [&] { return std::make_unique<Forward>(s, max ? algorithm::pooling_max : algorithm::pooling_avg_exclude_padding, false); });
    f.prim.execute(stream(), {{DNNL_ARG_SRC, f.src.in(a.f32(2))}, {DNNL_ARG_DST, f.dst.out(a.f32(3))}});
    f.dst.out_done();
    stream().wait();
    return undefined(a.env);
  });
}

// poolBackward(max, shape, x, dy, dx)
napi_value backward(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    const bool max = a.num(0) != 0;
    auto p = a.ints(1);
    Shape s(p);
    p.push_back(max);
    auto& b = cached<Backward>(key("pool.bwd", p), [&] { return std::make_unique<Backward>(s, max); });
    std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, b.ddst.in(a.f32(3))},
                                         {DNNL_ARG_DIFF_SRC, b.dsrc.out(a.f32(4))}};
    if (max) {
      // the argmax positions: forward again, into the cached scratch dst
      std::vector<float> scratch;  // dst values are not needed, only the workspace
      scratch.resize(static_cast<size_t>(s.n * s.c * s.oh * s.ow));
      b.fwd.prim.execute(stream(), {{DNNL_ARG_SRC, b.fwd.src.in(a.f32(2))},
                                    {DNNL_ARG_DST, b.fwd.dst.out(scratch.data())},
                                    {DNNL_ARG_WORKSPACE, b.fwd.workspace}});
      args[DNNL_ARG_WORKSPACE] = b.fwd.workspace;
    }
    b.prim.execute(stream(), args);
    b.dsrc.out_done();
    stream().wait();
    return undefined(a.env);
  });
}

}  // namespace

void registerPool(napi_env env, napi_value exports) {
  defineFunction(env, exports, "poolForward", forward);
  defineFunction(env, exports, "poolBackward", backward);
}

}  // namespace lab
