// Shared plumbing for the kernels: Node-API argument access, the oneDNN engine/stream, a primitive cache keyed by
// shape, and "staged" tensors that move data between tfjs's plain NHWC arrays and oneDNN's preferred (blocked)
// layouts. Every kernel reads and writes the tfjs typed arrays in place: no copies on the JS side.
#pragma once
#include <node_api.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace lab {

using dnnl::memory;
using dims = memory::dims;
using tag = memory::format_tag;
constexpr auto f32 = memory::data_type::f32;

dnnl::engine& engine();
dnnl::stream& stream();

// The arguments of one JS call, with typed accessors. Kernels throw std::runtime_error on bad arguments.
class Args {
 public:
  Args(napi_env env, napi_callback_info info);
  napi_env env;
  size_t count() const { return argc_; }
  bool isNull(size_t i) const;
  double num(size_t i) const;
  int64_t i64(size_t i) const { return static_cast<int64_t>(num(i)); }
  // A Float32Array (or Int32Array for ints()) argument; the pointer is the tensor's own storage.
  float* f32(size_t i, size_t* length = nullptr) const;
  std::vector<int64_t> ints(size_t i) const;  // an Int32Array or plain array of numbers

 private:
  size_t argc_ = 16;
  napi_value argv_[16];
};

// Wraps a kernel body: converts C++ and oneDNN exceptions into JS exceptions (the TS side then falls back to
// the cpu kernel).
napi_value guarded(napi_env env, napi_callback_info info, const std::function<napi_value(Args&)>& body);
napi_value undefined(napi_env env);

// Primitive cache: building a oneDNN primitive (JIT code generation) costs 0.1-10 ms, executing one for
// bench-cnn sizes 0.05-3 ms, so every primitive and its staging buffers live here, keyed by kernel + shape.
struct Cached {
  virtual ~Cached() = default;
};
Cached* cacheFind(const std::string& key);
Cached* cacheInsert(const std::string& key, std::unique_ptr<Cached> value);
size_t cacheSize();
std::string key(const char* kind, const std::vector<int64_t>& values);

template <typename T>
T& cached(const std::string& k, const std::function<std::unique_ptr<T>()>& make) {
  if (auto* hit = cacheFind(k)) return *static_cast<T*>(hit);
  return *static_cast<T*>(cacheInsert(k, make()));
}

// A tensor as the user (tfjs) holds it and as a primitive wants it. When the layouts match, the primitive works
// on the user's buffer directly; otherwise an owned buffer in the primitive's layout plus a reorder.
class Staged {
 public:
  Staged() = default;
  Staged(const memory::desc& user, const memory::desc& prim);
  // Input: point at the user's data and reorder it into the primitive's layout if needed.
  memory& in(void* data);
  // Output: the memory the primitive writes; call out_done() after executing to reorder back to the user.
  memory& out(void* data);
  void out_done();

 private:
  memory user_, prim_;
  bool same_ = true;
  dnnl::reorder to_prim_, to_user_;
};

// Activation codes shared with the TS side (fused conv/matmul post-ops and the eltwise kernels).
enum Act { kLinear = 0, kRelu = 1, kRelu6 = 2, kLeakyRelu = 3, kElu = 4, kSigmoid = 5 };
dnnl::primitive_attr activationAttr(int act, float alpha);

// Module registration of each kernel family (one .cc each).
void registerConv(napi_env env, napi_value exports);
void registerMatmul(napi_env env, napi_value exports);
void registerBatchnorm(napi_env env, napi_value exports);
void registerPool(napi_env env, napi_value exports);
void registerEltwise(napi_env env, napi_value exports);
void defineFunction(napi_env env, napi_value exports, const char* name, napi_callback cb);

}  // namespace lab
