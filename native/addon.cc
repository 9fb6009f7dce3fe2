// Entry point of the `neural` addon, and the CPU half of it: open a compiled
// shared object, call one of its functions on a worker thread, and close it.
//
// The generated C functions all share one signature,
//   int symbol(void **buffers, const double *scalars),
// so the addon needs no knowledge of what they compute.
#include <dlfcn.h>

#include <cfenv>

#include "common.h"

namespace neural {
namespace {

std::string CloseLibrary(void* handle) {
  dlerror();
  if (dlclose(handle) == 0) return "";
  const char* why = dlerror();
  return std::string("dlclose failed") + (why ? std::string(": ") + why : std::string("."));
}

HandleTable<void*> libraries("library", "unloaded", CloseLibrary);

// loadLibrary(path: string): number
Napi::Value LoadLibrary(const Napi::CallbackInfo& info) {
  RequireArgs(info, 1, "loadLibrary");
  std::string path = ArgString(info, 0, "loadLibrary");
  dlerror();
  // A library linked with -ffast-math runs a constructor that turns on
  // flush-to-zero for the thread that loads it (here, JavaScript's main
  // thread): every later computation in the process would lose subnormals.
  // Keep the floating-point environment as it was.
  std::fenv_t before;
  std::fegetenv(&before);
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  std::fesetenv(&before);
  if (handle == nullptr) {
    const char* why = dlerror();
    throw Napi::Error::New(info.Env(), std::string("loadLibrary: ") + (why ? why : "dlopen failed"));
  }
  return Napi::Number::New(info.Env(), libraries.Add(handle));
}

// unloadLibrary(handle: number): void
// Closes a library opened by loadLibrary (dlclose). The handle is reported as
// unloaded from then on; a runC still in progress keeps the library open
// until it returns.
Napi::Value UnloadLibrary(const Napi::CallbackInfo& info) {
  RequireArgs(info, 1, "unloadLibrary");
  double handle = ArgNumber(info, 0, "unloadLibrary");
  libraries.Free(info.Env(), handle, "unloadLibrary");
  return info.Env().Undefined();
}

// hasSymbol(handle: number, symbol: string): boolean
// Whether a library opened by loadLibrary exports `symbol`, so that a library
// without the expected entry point can be rebuilt instead of failing each run.
Napi::Value HasSymbol(const Napi::CallbackInfo& info) {
  RequireArgs(info, 2, "hasSymbol");
  double handle = ArgNumber(info, 0, "hasSymbol");
  std::string symbol = ArgString(info, 1, "hasSymbol");
  void* library = libraries.Get(info.Env(), handle, "hasSymbol");
  dlerror();
  void* address = dlsym(library, symbol.c_str());
  dlerror();
  return Napi::Boolean::New(info.Env(), address != nullptr);
}

// alignmentOf(array: TypedArray): number
// Where the array's first element lies within a 64-byte cache line (0: at its
// start), so that JavaScript can place arrays for vector loads and stores.
Napi::Value AlignmentOf(const Napi::CallbackInfo& info) {
  RequireArgs(info, 1, "alignmentOf");
  if (!info[0].IsTypedArray()) {
    throw Napi::TypeError::New(info.Env(), "alignmentOf: the argument must be a typed array.");
  }
  const auto address = reinterpret_cast<uintptr_t>(TypedArrayData(info[0].As<Napi::TypedArray>()));
  return Napi::Number::New(info.Env(), static_cast<double>(address % 64));
}

using CFunction = int (*)(void** buffers, const double* scalars);

// Calls a generated C function off the main thread. The typed arrays stay
// referenced, and the library leased, until the worker is destroyed (back on
// the main thread), so neither the garbage collector nor unloadLibrary can
// free what the call uses.
class RunCWorker : public PromiseWorker {
 public:
  RunCWorker(Napi::Env env, CFunction fn, double library)
      : PromiseWorker(env, "neural.runC"), fn_(fn), lease_(&libraries, library) {}

  void AddBuffer(const Napi::TypedArray& array) {
    buffers_.push_back(TypedArrayData(array));
    keep_.push_back(Napi::Persistent(static_cast<Napi::Object>(array)));
  }
  void SetScalars(const double* data, size_t count) { scalars_.assign(data, data + count); }

 protected:
  void Execute() override { result_ = fn_(buffers_.data(), scalars_.data()); }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, result_); }

 private:
  CFunction fn_;
  Lease<void*> lease_;
  std::vector<void*> buffers_;
  std::vector<double> scalars_;  // a copy: the callee sees them as const
  std::vector<Napi::ObjectReference> keep_;
  int result_ = 0;
};

// runC(handle: number, symbol: string, buffers: TypedArray[], scalars: Float64Array): Promise<number>
Napi::Value RunC(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 4, "runC");
  double handle = ArgNumber(info, 0, "runC");
  std::string symbol = ArgString(info, 1, "runC");
  if (!info[2].IsArray()) ThrowType(env, "runC", 2, "an array of typed arrays");
  Napi::Array buffers = info[2].As<Napi::Array>();
  Napi::TypedArray scalars = ArgTypedArray(info, 3, "runC");
  if (scalars.TypedArrayType() != napi_float64_array) ThrowType(env, "runC", 3, "a Float64Array");

  void* library = libraries.Get(env, handle, "runC");
  dlerror();
  void* address = dlsym(library, symbol.c_str());
  if (address == nullptr) {
    const char* why = dlerror();
    throw Napi::Error::New(
        env, "runC: symbol '" + symbol + "' not found" + (why ? std::string(": ") + why : std::string(".")));
  }

  auto* worker = new RunCWorker(env, reinterpret_cast<CFunction>(address), handle);
  try {
    for (uint32_t i = 0; i < buffers.Length(); i++) {
      Napi::Value item = buffers[i];
      if (!item.IsTypedArray()) {
        throw Napi::TypeError::New(env, "runC: buffers[" + std::to_string(i) + "] must be a typed array.");
      }
      worker->AddBuffer(item.As<Napi::TypedArray>());
    }
    worker->SetScalars(reinterpret_cast<const double*>(TypedArrayData(scalars)), scalars.ElementLength());
  } catch (...) {
    delete worker;  // never queued, so it is ours to free
    throw;
  }
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace
}  // namespace neural

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("loadLibrary", Napi::Function::New(env, neural::LoadLibrary, "loadLibrary"));
  exports.Set("unloadLibrary", Napi::Function::New(env, neural::UnloadLibrary, "unloadLibrary"));
  exports.Set("hasSymbol", Napi::Function::New(env, neural::HasSymbol, "hasSymbol"));
  exports.Set("runC", Napi::Function::New(env, neural::RunC, "runC"));
  exports.Set("alignmentOf", Napi::Function::New(env, neural::AlignmentOf, "alignmentOf"));
  neural::InitCuda(env, exports);
  return exports;
}

NODE_API_MODULE(neural, Init)
