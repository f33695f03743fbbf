// Module init, argument plumbing, the primitive cache and layout staging shared by all kernel families.
#include <malloc.h>
#include <omp.h>

#include <stdexcept>

#include "common.h"

namespace lab {

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}
dnnl::stream& stream() {
  static dnnl::stream s(engine());
  return s;
}

Args::Args(napi_env e, napi_callback_info info) : env(e) {
  if (napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr) != napi_ok) throw std::runtime_error("bad call");
}

bool Args::isNull(size_t i) const {
  if (i >= argc_) return true;
  napi_valuetype t;
  napi_typeof(env, argv_[i], &t);
  return t == napi_null || t == napi_undefined;
}

double Args::num(size_t i) const {
  double v;
  if (i >= argc_ || napi_get_value_double(env, argv_[i], &v) != napi_ok)
    throw std::runtime_error("argument " + std::to_string(i) + " must be a number");
  return v;
}

float* Args::f32(size_t i, size_t* length) const {
  napi_typedarray_type type;
  size_t n;
  void* data;
  if (i >= argc_ || napi_get_typedarray_info(env, argv_[i], &type, &n, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array)
    throw std::runtime_error("argument " + std::to_string(i) + " must be a Float32Array");
  if (length) *length = n;
  return static_cast<float*>(data);
}

std::vector<int64_t> Args::ints(size_t i) const {
  napi_typedarray_type type;
  size_t n;
  void* data;
  if (i < argc_ && napi_get_typedarray_info(env, argv_[i], &type, &n, &data, nullptr, nullptr) == napi_ok) {
    if (type != napi_int32_array) throw std::runtime_error("argument " + std::to_string(i) + " must be Int32Array");
    auto* p = static_cast<int32_t*>(data);
    return std::vector<int64_t>(p, p + n);
  }
  bool isArray = false;
  if (i >= argc_ || napi_is_array(env, argv_[i], &isArray) != napi_ok || !isArray)
    throw std::runtime_error("argument " + std::to_string(i) + " must be an array of integers");
  uint32_t len;
  napi_get_array_length(env, argv_[i], &len);
  std::vector<int64_t> out(len);
  for (uint32_t k = 0; k < len; k++) {
    napi_value v;
    napi_get_element(env, argv_[i], k, &v);
    double d;
    napi_get_value_double(env, v, &d);
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value guarded(napi_env env, napi_callback_info info, const std::function<napi_value(Args&)>& body) {
  try {
    Args args(env, info);
    return body(args);
  } catch (const dnnl::error& e) {
    napi_throw_error(env, "ONEDNN", (std::string("oneDNN: ") + e.what()).c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, "ONEDNN", e.what());
  }
  return nullptr;
}

static std::unordered_map<std::string, std::unique_ptr<Cached>>& cache() {
  static std::unordered_map<std::string, std::unique_ptr<Cached>> c;
  return c;
}
Cached* cacheFind(const std::string& k) {
  auto it = cache().find(k);
  return it == cache().end() ? nullptr : it->second.get();
}
Cached* cacheInsert(const std::string& k, std::unique_ptr<Cached> v) {
  auto* p = v.get();
  cache()[k] = std::move(v);
  return p;
}
size_t cacheSize() { return cache().size(); }
std::string key(const char* kind, const std::vector<int64_t>& values) {
  std::string k(kind);
  for (auto v : values) k += ',' + std::to_string(v);
  return k;
}

Staged::Staged(const memory::desc& user, const memory::desc& prim)
    : user_(user, engine(), DNNL_MEMORY_NONE), same_(user == prim) {
  if (same_) {
    prim_ = user_;
  } else {
    prim_ = memory(prim, engine());  // owned buffer in the primitive's layout
    to_prim_ = dnnl::reorder(user_, prim_);
    to_user_ = dnnl::reorder(prim_, user_);
  }
}

memory& Staged::in(void* data) {
  user_.set_data_handle(data);
  if (!same_) to_prim_.execute(stream(), user_, prim_);
  return prim_;
}

memory& Staged::out(void* data) {
  user_.set_data_handle(data);
  return prim_;
}

void Staged::out_done() {
  if (!same_) to_user_.execute(stream(), prim_, user_);
}

dnnl::primitive_attr activationAttr(int act, float alpha) {
  dnnl::primitive_attr attr;
  if (act == kLinear) return attr;
  dnnl::post_ops po;
  switch (act) {
    case kRelu: po.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f); break;
    case kRelu6: po.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, 0.f, 6.f); break;
    case kLeakyRelu: po.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, alpha, 0.f); break;
    case kElu: po.append_eltwise(1.f, dnnl::algorithm::eltwise_elu, 1.f, 0.f); break;
    case kSigmoid: po.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f); break;
    default: throw std::runtime_error("unsupported activation " + std::to_string(act));
  }
  attr.set_post_ops(po);
  return attr;
}

void defineFunction(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
  napi_set_named_property(env, exports, name, fn);
}

static napi_value version(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    const auto* v = dnnl::version();
    std::string s = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
                    " (OpenMP, " + std::to_string(omp_get_max_threads()) + " threads)";
    napi_value out;
    napi_create_string_utf8(a.env, s.c_str(), s.size(), &out);
    return out;
  });
}

static napi_value cachedPrimitives(napi_env env, napi_callback_info info) {
  return guarded(env, info, [](Args& a) {
    napi_value out;
    napi_create_uint32(a.env, static_cast<uint32_t>(cacheSize()), &out);
    return out;
  });
}

// Every kernel output is a new Float32Array of up to tens of MB, freed a few kernels later. glibc serves such sizes
// with mmap/munmap, so each output page-faults in fresh zeroed pages (measured: half the process's system time,
// ~10% of a bench-cnn step). Keeping them on the heap lets freed activations be reused; trimming stays on above
// 256 MB of free heap so an idle worker still returns its memory.
static void keepLargeAllocationsOnHeap() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

static napi_value init(napi_env env, napi_value exports) {
  keepLargeAllocationsOnHeap();
  defineFunction(env, exports, "version", version);
  defineFunction(env, exports, "cachedPrimitives", cachedPrimitives);
  registerConv(env, exports);
  registerMatmul(env, exports);
  registerBatchnorm(env, exports);
  registerPool(env, exports);
  registerEltwise(env, exports);
  return exports;
}

}  // namespace lab

NAPI_MODULE(NODE_GYP_MODULE_NAME, lab::init)
