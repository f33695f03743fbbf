#include "common.h"
namespace lab {
void registerPool(napi_env, napi_value) {}
}  // namespace lab
