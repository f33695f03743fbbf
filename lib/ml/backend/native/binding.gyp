# The oneDNN addon (Debian: libdnnl-dev). Built by build.mjs with npm's bundled node-gyp against the local Node
# headers (nodedir=/usr), so nothing is downloaded.
{
  "targets": [{
    "target_name": "lab_onednn",
    "sources": ["src/module.cc", "src/conv.cc", "src/matmul.cc", "src/batchnorm.cc", "src/pool.cc", "src/eltwise.cc"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
    "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-march=x86-64-v2", "-fopenmp", "-Wall", "-Wno-unused-parameter"],
    "ldflags": ["-fopenmp"],
    "libraries": ["-ldnnl"],
    "defines": ["NAPI_VERSION=8"]
  }]
}
