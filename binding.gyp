{
  # The native addon `neural`: dlopen of compiled C, and the CUDA driver and
  # NVRTC opened at run time. Nothing here links against CUDA, so the addon
  # builds and loads on machines without it. NAPI_VERSION pins the Node-API
  # level the addon may use (8: Node 12.22, 14.17, 15.12, 16 and later);
  # warnings are errors.
  "targets": [
    {
      "target_name": "neural",
      "sources": ["native/addon.cc", "native/cuda.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror"],
      "libraries": ["-ldl"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_TREAT_WARNINGS_AS_ERRORS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      }
    }
  ]
}
