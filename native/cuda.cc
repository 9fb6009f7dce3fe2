// The CUDA half of the addon: the driver API (libcuda.so.1) and NVRTC, both
// opened with dlopen on first use, so the addon loads where neither exists.
// Everything runs in the primary context of device 0. CUDA failures become
// JS errors reading "<call>: <CUDA error name>".
#include <dlfcn.h>

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "common.h"
#include "cuda_api.h"

namespace neural {
namespace {

using namespace cu;
using namespace nvrtc;

template <typename F>
bool Resolve(void* library, const char* symbol, F* out) {
  *out = reinterpret_cast<F>(dlsym(library, symbol));
  return *out != nullptr;
}

// The text of the last dlopen failure.
std::string DlError() {
  const char* text = dlerror();
  return text ? text : "dlopen failed";
}

// ---------------------------------------------------------------------------
// The driver, opened once.

struct Driver {
  bool tried = false;
  bool ok = false;
  std::string reason;  // why it is unusable, when !ok
  int driverVersion = 0;
  CUdevice device = 0;
  CUcontext context = nullptr;
  std::string deviceName;
  int major = 0;
  int minor = 0;

  PFN_cuInit cuInit = nullptr;
  PFN_cuDriverGetVersion cuDriverGetVersion = nullptr;
  PFN_cuGetErrorName cuGetErrorName = nullptr;
  PFN_cuDeviceGetCount cuDeviceGetCount = nullptr;
  PFN_cuDeviceGet cuDeviceGet = nullptr;
  PFN_cuDeviceGetName cuDeviceGetName = nullptr;
  PFN_cuDeviceGetAttribute cuDeviceGetAttribute = nullptr;
  PFN_cuDevicePrimaryCtxRetain cuDevicePrimaryCtxRetain = nullptr;
  PFN_cuCtxSetCurrent cuCtxSetCurrent = nullptr;
  PFN_cuCtxSynchronize cuCtxSynchronize = nullptr;
  PFN_cuMemAlloc cuMemAlloc = nullptr;
  PFN_cuMemFree cuMemFree = nullptr;
  PFN_cuMemcpyHtoD cuMemcpyHtoD = nullptr;
  PFN_cuMemcpyDtoH cuMemcpyDtoH = nullptr;
  PFN_cuMemsetD8 cuMemsetD8 = nullptr;
  PFN_cuMemGetInfo cuMemGetInfo = nullptr;
  PFN_cuModuleLoadDataEx cuModuleLoadDataEx = nullptr;
  PFN_cuModuleUnload cuModuleUnload = nullptr;
  PFN_cuModuleGetFunction cuModuleGetFunction = nullptr;
  PFN_cuLaunchKernel cuLaunchKernel = nullptr;
};

std::mutex driverMutex;
Driver driver;  // written once under driverMutex, read-only afterwards

std::string ErrorName(CUresult result) {
  const char* name = nullptr;
  if (driver.cuGetErrorName != nullptr && driver.cuGetErrorName(result, &name) == CUDA_SUCCESS && name != nullptr) {
    return name;
  }
  return "CUDA error " + std::to_string(result);
}

std::string CallError(const char* call, CUresult result) { return std::string(call) + ": " + ErrorName(result); }

// Fills `d` or sets d.reason. Runs once, under driverMutex.
void OpenDriverLocked(Driver& d) {
  dlerror();
  void* library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    std::string why = DlError();
    d.reason = "no libcuda.so.1 (no NVIDIA driver)";
    if (why.find("cannot open shared object file") == std::string::npos) d.reason += ": " + why;
    return;
  }
  const char* missing = nullptr;
  auto need = [&](const char* symbol, auto* out) {
    if (missing == nullptr && !Resolve(library, symbol, out)) missing = symbol;
  };
  need("cuInit", &d.cuInit);
  need("cuDriverGetVersion", &d.cuDriverGetVersion);
  need("cuGetErrorName", &d.cuGetErrorName);
  need("cuDeviceGetCount", &d.cuDeviceGetCount);
  need("cuDeviceGet", &d.cuDeviceGet);
  need("cuDeviceGetName", &d.cuDeviceGetName);
  need("cuDeviceGetAttribute", &d.cuDeviceGetAttribute);
  need("cuDevicePrimaryCtxRetain", &d.cuDevicePrimaryCtxRetain);
  need("cuCtxSetCurrent", &d.cuCtxSetCurrent);
  need("cuCtxSynchronize", &d.cuCtxSynchronize);
  need("cuMemAlloc_v2", &d.cuMemAlloc);
  need("cuMemFree_v2", &d.cuMemFree);
  need("cuMemcpyHtoD_v2", &d.cuMemcpyHtoD);
  need("cuMemcpyDtoH_v2", &d.cuMemcpyDtoH);
  need("cuMemsetD8_v2", &d.cuMemsetD8);
  need("cuMemGetInfo_v2", &d.cuMemGetInfo);
  need("cuModuleLoadDataEx", &d.cuModuleLoadDataEx);
  need("cuModuleUnload", &d.cuModuleUnload);
  need("cuModuleGetFunction", &d.cuModuleGetFunction);
  need("cuLaunchKernel", &d.cuLaunchKernel);
  if (missing != nullptr) {
    d.reason = std::string("libcuda.so.1 has no ") + missing + " (the NVIDIA driver is too old)";
    return;
  }

  // Works before cuInit; a driver that cannot tell leaves it unknown (0).
  if (d.cuDriverGetVersion(&d.driverVersion) != CUDA_SUCCESS) d.driverVersion = 0;
  CUresult r = d.cuInit(0);
  if (r != CUDA_SUCCESS) {
    d.reason = "cuInit failed: " + ErrorName(r);
    return;
  }
  int count = 0;
  if ((r = d.cuDeviceGetCount(&count)) != CUDA_SUCCESS) {
    d.reason = "cuDeviceGetCount failed: " + ErrorName(r);
    return;
  }
  if (count == 0) {
    d.reason = "no CUDA device";
    return;
  }
  if ((r = d.cuDeviceGet(&d.device, 0)) != CUDA_SUCCESS) {
    d.reason = "cuDeviceGet failed: " + ErrorName(r);
    return;
  }
  char name[256] = {0};
  if (d.cuDeviceGetName(name, sizeof name - 1, d.device) == CUDA_SUCCESS) d.deviceName = name;
  if ((r = d.cuDeviceGetAttribute(&d.major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d.device)) != CUDA_SUCCESS ||
      (r = d.cuDeviceGetAttribute(&d.minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d.device)) != CUDA_SUCCESS) {
    d.reason = "cuDeviceGetAttribute failed: " + ErrorName(r);
    return;
  }
  if ((r = d.cuDevicePrimaryCtxRetain(&d.context, d.device)) != CUDA_SUCCESS) {
    d.reason = "cuDevicePrimaryCtxRetain failed: " + ErrorName(r);
    return;
  }
  d.ok = true;
}

// The driver, opened on the first call from any thread.
const Driver& OpenDriver() {
  std::lock_guard<std::mutex> lock(driverMutex);
  if (!driver.tried) {
    driver.tried = true;
    OpenDriverLocked(driver);
  }
  return driver;
}

void Check(const Napi::Env& env, const char* call, CUresult result) {
  if (result != CUDA_SUCCESS) throw Napi::Error::New(env, CallError(call, result));
}

// The driver with the primary context current on the calling (main) thread.
const Driver& RequireDriver(const Napi::Env& env, const char* fn) {
  const Driver& d = OpenDriver();
  if (!d.ok) throw Napi::Error::New(env, std::string(fn) + ": CUDA is unavailable: " + d.reason);
  Check(env, "cuCtxSetCurrent", d.cuCtxSetCurrent(d.context));
  return d;
}

// ---------------------------------------------------------------------------
// NVRTC, opened once.

struct Nvrtc {
  bool tried = false;
  bool ok = false;
  std::string path;    // the file actually opened
  std::string reason;  // why none is usable, when !ok

  PFN_nvrtcGetErrorString nvrtcGetErrorString = nullptr;
  PFN_nvrtcVersion nvrtcVersion = nullptr;
  PFN_nvrtcCreateProgram nvrtcCreateProgram = nullptr;
  PFN_nvrtcDestroyProgram nvrtcDestroyProgram = nullptr;
  PFN_nvrtcCompileProgram nvrtcCompileProgram = nullptr;
  PFN_nvrtcGetPTXSize nvrtcGetPTXSize = nullptr;
  PFN_nvrtcGetPTX nvrtcGetPTX = nullptr;
  PFN_nvrtcGetProgramLogSize nvrtcGetProgramLogSize = nullptr;
  PFN_nvrtcGetProgramLog nvrtcGetProgramLog = nullptr;
};

std::mutex nvrtcMutex;
Nvrtc nvrtcLib;  // written once under nvrtcMutex, read-only afterwards

// Compiles `source` to PTX. Returns NVRTC_SUCCESS or the failing result, with
// `*failed` naming the call that failed. The log is kept either way.
nvrtcResult CompileProgram(const Nvrtc& n, const std::string& source, const std::string& name,
                           const std::vector<std::string>& options, std::string* ptx, std::string* log,
                           const char** failed) {
  nvrtcProgram program = nullptr;
  nvrtcResult r = n.nvrtcCreateProgram(&program, source.c_str(), name.c_str(), 0, nullptr, nullptr);
  if (r != NVRTC_SUCCESS) {
    *failed = "nvrtcCreateProgram";
    return r;
  }
  std::vector<const char*> argv;
  for (const std::string& option : options) argv.push_back(option.c_str());
  r = n.nvrtcCompileProgram(program, static_cast<int>(argv.size()), argv.data());
  *failed = "nvrtcCompileProgram";

  size_t size = 0;
  if (n.nvrtcGetProgramLogSize(program, &size) == NVRTC_SUCCESS && size > 1) {
    std::string text(size, '\0');
    if (n.nvrtcGetProgramLog(program, &text[0]) == NVRTC_SUCCESS) log->assign(text.c_str());
  }
  if (r == NVRTC_SUCCESS) {
    *failed = "nvrtcGetPTX";
    if ((r = n.nvrtcGetPTXSize(program, &size)) == NVRTC_SUCCESS) {
      std::string text(size, '\0');
      if ((r = n.nvrtcGetPTX(program, &text[0])) == NVRTC_SUCCESS) ptx->assign(text.c_str());
    }
  }
  n.nvrtcDestroyProgram(&program);
  return r;
}

// Tries one candidate library; on failure explains why in `*why` and closes it.
// With `probe`, it must also compile a trivial kernel (a stub cannot): that
// takes a while, so only worker threads probe.
bool TryNvrtc(const std::string& candidate, Nvrtc& n, std::string* why, bool probe) {
  dlerror();
  void* library = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    std::string text = DlError();
    *why = text.find("cannot open shared object file") != std::string::npos ? candidate + " not found" : text;
    return false;
  }
  const char* missing = nullptr;
  auto need = [&](const char* symbol, auto* out) {
    if (missing == nullptr && !Resolve(library, symbol, out)) missing = symbol;
  };
  need("nvrtcGetErrorString", &n.nvrtcGetErrorString);
  need("nvrtcVersion", &n.nvrtcVersion);
  need("nvrtcCreateProgram", &n.nvrtcCreateProgram);
  need("nvrtcDestroyProgram", &n.nvrtcDestroyProgram);
  need("nvrtcCompileProgram", &n.nvrtcCompileProgram);
  need("nvrtcGetPTXSize", &n.nvrtcGetPTXSize);
  need("nvrtcGetPTX", &n.nvrtcGetPTX);
  need("nvrtcGetProgramLogSize", &n.nvrtcGetProgramLogSize);
  need("nvrtcGetProgramLog", &n.nvrtcGetProgramLog);
  if (missing != nullptr) {
    *why = candidate + " has no " + missing;
    dlclose(library);
    return false;
  }

  // The path the loader actually chose, which a bare soname does not say.
  Dl_info where;
  n.path = candidate;
  if (dladdr(reinterpret_cast<void*>(n.nvrtcVersion), &where) != 0 && where.dli_fname != nullptr) {
    n.path = where.dli_fname;
  }
  if (n.path.find("/stubs/") != std::string::npos) {
    *why = n.path + " is a link-time stub";
    dlclose(library);
    return false;
  }
  if (!probe) return true;
  // A stub also loads and resolves every symbol; only compiling tells it apart.
  std::string ptx, log;
  const char* failed = nullptr;
  nvrtcResult r =
      CompileProgram(n, "extern \"C\" __global__ void neural_probe() {}\n", "probe.cu", {}, &ptx, &log, &failed);
  if (r != NVRTC_SUCCESS || ptx.empty()) {
    *why =
        n.path + " cannot compile a trivial kernel (" + failed + ": " + n.nvrtcGetErrorString(r) + "); is it a stub?";
    dlclose(library);
    return false;
  }
  return true;
}

// The candidate libraries: $NEURAL_NVRTC first, then the sonames of CUDA 13,
// 12 and 11.2, then the unversioned name.
std::vector<std::string> NvrtcCandidates() {
  std::vector<std::string> candidates;
  const char* chosen = std::getenv("NEURAL_NVRTC");
  if (chosen != nullptr && chosen[0] != '\0') candidates.push_back(chosen);
  for (const char* soname : {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"}) {
    candidates.push_back(soname);
  }
  return candidates;
}

// The first candidate that loads and resolves every symbol, or why none does.
// With `probe`, each must also compile a trivial kernel.
void FindNvrtcLocked(Nvrtc& n, bool probe) {
  n.tried = true;
  std::string reasons;
  for (const std::string& candidate : NvrtcCandidates()) {
    Nvrtc attempt;
    std::string why;
    if (TryNvrtc(candidate, attempt, &why, probe)) {
      attempt.tried = true;
      attempt.ok = true;
      n = attempt;
      return;
    }
    reasons += (reasons.empty() ? "" : "; ") + why;
  }
  n.reason = "no usable NVRTC library (" + reasons + ")";
}

std::mutex nvrtcFoundMutex;
Nvrtc nvrtcFound;  // written once under nvrtcFoundMutex, read-only afterwards

// NVRTC as found without compiling anything: quick enough for the main
// thread (cudaInfo), which never probes.
const Nvrtc& FindNvrtc() {
  std::lock_guard<std::mutex> lock(nvrtcFoundMutex);
  if (!nvrtcFound.tried) FindNvrtcLocked(nvrtcFound, false);
  return nvrtcFound;
}

// NVRTC checked by compiling a trivial kernel, on the first compile: called
// on worker threads only.
const Nvrtc& OpenNvrtc() {
  std::lock_guard<std::mutex> lock(nvrtcMutex);
  if (!nvrtcLib.tried) FindNvrtcLocked(nvrtcLib, true);
  return nvrtcLib;
}

// ---------------------------------------------------------------------------
// Handles and values.

// Unloads a module; cuModuleUnload acts on the calling thread's current
// context, so the primary context is made current first (on the main thread).
std::string CloseModule(CUmodule module) {
  CUresult r = driver.cuCtxSetCurrent(driver.context);
  if (r != CUDA_SUCCESS) return CallError("cuCtxSetCurrent", r);
  r = driver.cuModuleUnload(module);
  return r == CUDA_SUCCESS ? std::string() : CallError("cuModuleUnload", r);
}

HandleTable<CUmodule> modules("CUDA module", "unloaded", CloseModule);

// A kernel and the handle of the module it belongs to: the kernel is usable
// while that module is loaded.
struct Kernel {
  CUfunction function = nullptr;
  double module = 0;
};

std::string ForgetKernel(Kernel) { return std::string(); }  // freed with its module

HandleTable<Kernel> functions("CUDA function", "released", ForgetKernel);

// The kernel of a function handle whose module is still loaded.
Kernel GetKernel(const Napi::Env& env, double handle, const char* fn) {
  Kernel kernel = functions.Get(env, handle, fn);
  if (!modules.IsLive(kernel.module)) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", handle);
    throw Napi::Error::New(env, std::string(fn) + ": the module of CUDA function handle " + text + " was unloaded.");
  }
  return kernel;
}

// Device pointers that a copy or launch in progress uses, with a count:
// cudaFree refuses them. Main thread only.
std::unordered_map<uint64_t, int> busyPointers;

// The device pointers one worker uses, marked busy from Add until the worker
// is destroyed (both on the main thread).
class BusyPointers {
 public:
  BusyPointers() = default;
  BusyPointers(const BusyPointers&) = delete;
  BusyPointers& operator=(const BusyPointers&) = delete;
  ~BusyPointers() {
    for (uint64_t pointer : pointers_) {
      auto found = busyPointers.find(pointer);
      if (found != busyPointers.end() && --found->second == 0) busyPointers.erase(found);
    }
  }

  void Add(uint64_t pointer) {
    if (pointer == 0) return;
    pointers_.push_back(pointer);
    busyPointers[pointer]++;
  }

 private:
  std::vector<uint64_t> pointers_;
};

// Throws a TypeError saying what `what` (e.g. "copies[2].ptr") must be.
[[noreturn]] void ThrowValue(const Napi::Env& env, const char* fn, const std::string& what, const char* expected) {
  throw Napi::TypeError::New(env, std::string(fn) + ": " + what + " must be " + expected + ".");
}

// A non-negative integer up to 2^53 (a byte count, an offset).
size_t SizeValue(const Napi::Env& env, const Napi::Value& value, const char* fn, const std::string& what) {
  const char* expected = "a non-negative integer";
  if (!value.IsNumber()) ThrowValue(env, fn, what, expected);
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= 0 && number <= 9007199254740992.0) || number != static_cast<double>(static_cast<uint64_t>(number))) {
    ThrowValue(env, fn, what, expected);
  }
  return static_cast<size_t>(number);
}

// A device pointer, passed as a bigint.
uint64_t PointerValue(const Napi::Env& env, const Napi::Value& value, const char* fn, const std::string& what) {
  const char* expected = "a bigint device pointer";
  if (!value.IsBigInt()) ThrowValue(env, fn, what, expected);
  bool lossless = true;
  uint64_t pointer = value.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) ThrowValue(env, fn, what, expected);
  return pointer;
}

// An integer in [low, high], passed as a number.
double IntegerValue(const Napi::Env& env, const Napi::Value& value, const char* fn, const std::string& what, double low,
                    double high, const char* expected) {
  if (!value.IsNumber()) ThrowValue(env, fn, what, expected);
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= low && number <= high) || number != static_cast<double>(static_cast<int64_t>(number))) {
    ThrowValue(env, fn, what, expected);
  }
  return number;
}

// Three launch dimensions from an array of numbers.
void DimsValue(const Napi::Env& env, const Napi::Value& value, const char* fn, const std::string& what,
               unsigned int dims[3]) {
  const char* expected = "an array of three integers in [0, 2^32)";
  if (!value.IsArray()) ThrowValue(env, fn, what, expected);
  Napi::Array list = value.As<Napi::Array>();
  if (list.Length() != 3) ThrowValue(env, fn, what, expected);
  for (uint32_t k = 0; k < 3; k++) {
    dims[k] = static_cast<unsigned int>(IntegerValue(env, list.Get(k), fn, what, 0, UINT_MAX, expected));
  }
}

// ---------------------------------------------------------------------------
// Exports.

// cudaInfo(): never throws. NVRTC is looked for only where the driver works,
// and without compiling anything (the first nvrtcCompile checks it compiles).
Napi::Value CudaInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  const Driver& d = OpenDriver();
  result.Set("ok", Napi::Boolean::New(env, d.ok));
  if (!d.ok) result.Set("reason", d.reason);
  if (d.driverVersion != 0) result.Set("driverVersion", d.driverVersion);
  if (!d.ok) return result;

  result.Set("device", d.deviceName);
  Napi::Array cc = Napi::Array::New(env, 2);
  cc.Set(0u, d.major);
  cc.Set(1u, d.minor);
  result.Set("computeCapability", cc);
  size_t free = 0, total = 0;
  CUresult r = d.cuCtxSetCurrent(d.context);
  if (r != CUDA_SUCCESS) {
    result.Set("memoryReason", CallError("cuCtxSetCurrent", r));
  } else if ((r = d.cuMemGetInfo(&free, &total)) != CUDA_SUCCESS) {
    result.Set("memoryReason", CallError("cuMemGetInfo", r));
  } else {
    Napi::Object memory = Napi::Object::New(env);
    memory.Set("free", static_cast<double>(free));
    memory.Set("total", static_cast<double>(total));
    result.Set("memory", memory);
  }
  const Nvrtc& n = FindNvrtc();
  if (n.ok) {
    result.Set("nvrtc", n.path);
  } else {
    result.Set("nvrtcReason", n.reason);
  }
  return result;
}

class NvrtcWorker : public PromiseWorker {
 public:
  NvrtcWorker(Napi::Env env, std::string source, std::string name, std::vector<std::string> options)
      : PromiseWorker(env, "neural.nvrtcCompile"),
        source_(std::move(source)),
        name_(std::move(name)),
        options_(std::move(options)) {}

 protected:
  void Execute() override {
    const Nvrtc& n = OpenNvrtc();
    if (!n.ok) {
      SetError("nvrtcCompile: NVRTC is unavailable: " + n.reason);
      return;
    }
    const char* failed = nullptr;
    nvrtcResult r = CompileProgram(n, source_, name_, options_, &ptx_, &log_, &failed);
    if (r != NVRTC_SUCCESS) {
      SetError(std::string(failed) + ": " + n.nvrtcGetErrorString(r) + (log_.empty() ? "" : "\n" + log_));
    }
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object result = Napi::Object::New(env);
    result.Set("ptx", ptx_);
    result.Set("log", log_);
    return result;
  }

 private:
  std::string source_, name_;
  std::vector<std::string> options_;
  std::string ptx_, log_;
};

// nvrtcCompile(source: string, name: string, options: string[]): Promise<{ ptx, log }>
// The first call also checks, on the worker thread, that the NVRTC library
// compiles (a stub does not), trying the next candidate when it does not.
Napi::Value NvrtcCompile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 3, "nvrtcCompile");
  std::string source = ArgString(info, 0, "nvrtcCompile");
  std::string name = ArgString(info, 1, "nvrtcCompile");
  if (!info[2].IsArray()) ThrowType(env, "nvrtcCompile", 2, "an array of strings");
  Napi::Array list = info[2].As<Napi::Array>();
  std::vector<std::string> options;
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value item = list[i];
    if (!item.IsString()) {
      throw Napi::TypeError::New(env, "nvrtcCompile: options[" + std::to_string(i) + "] must be a string.");
    }
    options.push_back(item.As<Napi::String>().Utf8Value());
  }
  auto* worker = new NvrtcWorker(env, std::move(source), std::move(name), std::move(options));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// Loads PTX on a worker thread (the driver compiles it for the device, which
// takes a while for large kernels); the handle is made back on the main thread.
class LoadModuleWorker : public PromiseWorker {
 public:
  LoadModuleWorker(Napi::Env env, std::string ptx)
      : PromiseWorker(env, "neural.cudaLoadModule"), ptx_(std::move(ptx)) {}

  ~LoadModuleWorker() override {
    if (module_ != nullptr) CloseModule(module_);  // loaded but never handed out
  }

 protected:
  void Execute() override {
    CUresult r = driver.cuCtxSetCurrent(driver.context);
    if (r != CUDA_SUCCESS) return SetError(CallError("cuCtxSetCurrent", r));
    char log[8192] = {0};
    CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void* values[] = {log, reinterpret_cast<void*>(static_cast<uintptr_t>(sizeof log - 1))};
    CUmodule module = nullptr;
    r = driver.cuModuleLoadDataEx(&module, ptx_.c_str(), 2, options, values);
    if (r != CUDA_SUCCESS) {
      return SetError(CallError("cuModuleLoadDataEx", r) + (log[0] ? std::string("\n") + log : ""));
    }
    module_ = module;
  }

  Napi::Value Result(Napi::Env env) override {
    CUmodule module = module_;
    module_ = nullptr;
    return Napi::Number::New(env, modules.Add(module));
  }

 private:
  std::string ptx_;
  CUmodule module_ = nullptr;
};

// cudaLoadModule(ptx: string): Promise<number>. The driver's JIT log is added to errors.
Napi::Value CudaLoadModule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 1, "cudaLoadModule");
  std::string ptx = ArgString(info, 0, "cudaLoadModule");
  RequireDriver(env, "cudaLoadModule");
  auto* worker = new LoadModuleWorker(env, std::move(ptx));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// cudaUnloadModule(module: number): void. The handle, and the function
// handles of its kernels, are reported as unloaded from then on; a launch in
// progress keeps the module loaded until it completes.
Napi::Value CudaUnloadModule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 1, "cudaUnloadModule");
  double handle = ArgNumber(info, 0, "cudaUnloadModule");
  modules.Get(env, handle, "cudaUnloadModule");  // unknown or unloaded: say so before anything else
  RequireDriver(env, "cudaUnloadModule");
  modules.Free(env, handle, "cudaUnloadModule");
  return env.Undefined();
}

// cudaGetFunction(module: number, name: string): number
Napi::Value CudaGetFunction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 2, "cudaGetFunction");
  double handle = ArgNumber(info, 0, "cudaGetFunction");
  std::string name = ArgString(info, 1, "cudaGetFunction");
  CUmodule module = modules.Get(env, handle, "cudaGetFunction");
  const Driver& d = RequireDriver(env, "cudaGetFunction");
  Kernel kernel;
  kernel.module = handle;
  CUresult r = d.cuModuleGetFunction(&kernel.function, module, name.c_str());
  if (r != CUDA_SUCCESS) throw Napi::Error::New(env, CallError("cuModuleGetFunction", r) + " ('" + name + "')");
  return Napi::Number::New(env, functions.Add(kernel));
}

// cudaMalloc(bytes: number): bigint
Napi::Value CudaMalloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 1, "cudaMalloc");
  size_t bytes = SizeValue(env, info[0], "cudaMalloc", "argument 1");
  const Driver& d = RequireDriver(env, "cudaMalloc");
  CUdeviceptr pointer = 0;
  Check(env, "cuMemAlloc", d.cuMemAlloc(&pointer, bytes));
  return Napi::BigInt::New(env, static_cast<uint64_t>(pointer));
}

// cudaFree(ptr: bigint): void. Refuses a pointer that a copy or launch in
// progress uses.
Napi::Value CudaFree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 1, "cudaFree");
  CUdeviceptr pointer = ArgBigInt(info, 0, "cudaFree");
  if (busyPointers.count(pointer) != 0) {
    throw Napi::Error::New(env,
                           "cudaFree: the memory is in use by a copy or launch in progress; free it once that "
                           "has settled.");
  }
  const Driver& d = RequireDriver(env, "cudaFree");
  Check(env, "cuMemFree", d.cuMemFree(pointer));
  return env.Undefined();
}

// One transfer of a cudaCopy call.
struct Copy {
  enum Direction { kHostToDevice, kDeviceToHost, kZero } direction;
  CUdeviceptr device;  // the pointer plus the byte offset
  uint8_t* host;       // null for kZero
  size_t bytes;
};

// Runs a list of copies in order on a worker thread, then waits for the
// device. Host arrays stay referenced until the worker is destroyed.
class CopyWorker : public PromiseWorker {
 public:
  explicit CopyWorker(Napi::Env env) : PromiseWorker(env, "neural.cudaCopy") {}

  void Add(const Copy& copy, uint64_t pointer, const Napi::Value& keep) {
    copies_.push_back(copy);
    busy_.Add(pointer);
    if (keep.IsObject()) keep_.push_back(Napi::Persistent(keep.As<Napi::Object>()));
  }

 protected:
  void Execute() override {
    CUresult r = driver.cuCtxSetCurrent(driver.context);
    if (r != CUDA_SUCCESS) return SetError(CallError("cuCtxSetCurrent", r));
    std::string failure;
    for (size_t i = 0; i < copies_.size() && failure.empty(); i++) {
      const Copy& copy = copies_[i];
      if (copy.bytes == 0) continue;
      const char* call = nullptr;
      if (copy.direction == Copy::kHostToDevice) {
        call = "cuMemcpyHtoD";
        r = driver.cuMemcpyHtoD(copy.device, copy.host, copy.bytes);
      } else if (copy.direction == Copy::kDeviceToHost) {
        call = "cuMemcpyDtoH";
        r = driver.cuMemcpyDtoH(copy.host, copy.device, copy.bytes);
      } else {
        call = "cuMemsetD8";
        r = driver.cuMemsetD8(copy.device, 0, copy.bytes);
      }
      if (r != CUDA_SUCCESS) {
        failure = CallError(call, r);
        if (copies_.size() > 1) {
          failure += " (copy " + std::to_string(i + 1) + " of " + std::to_string(copies_.size()) + ")";
        }
      }
    }
    // A memset may still be running; the caller may read or free at once.
    r = driver.cuCtxSynchronize();
    if (r != CUDA_SUCCESS) {
      failure += (failure.empty() ? "" : "; then ") + CallError("cuCtxSynchronize", r);
    }
    if (!failure.empty()) SetError(failure);
  }

 private:
  std::vector<Copy> copies_;
  BusyPointers busy_;
  std::vector<Napi::ObjectReference> keep_;
};

// cudaCopy(copies: { direction: 'htod' | 'dtoh' | 'zero', ptr: bigint,
//   offset?: number, host?: TypedArray, bytes?: number }[]): Promise<void>
// htod copies all of `host` to ptr + offset, dtoh fills all of `host` from
// there, zero sets `bytes` bytes there to zero; in order, on a worker thread.
Napi::Value CudaCopy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "cudaCopy";
  RequireArgs(info, 1, fn);
  if (!info[0].IsArray()) ThrowType(env, fn, 0, "an array of copies");
  Napi::Array list = info[0].As<Napi::Array>();
  auto* worker = new CopyWorker(env);
  try {
    for (uint32_t i = 0; i < list.Length(); i++) {
      const std::string what = "copies[" + std::to_string(i) + "]";
      Napi::Value item = list.Get(i);
      if (!item.IsObject()) ThrowValue(env, fn, what, "an object");
      Napi::Object object = item.As<Napi::Object>();
      Napi::Value direction = object.Get("direction");
      std::string name = direction.IsString() ? direction.As<Napi::String>().Utf8Value() : "";
      Copy copy{Copy::kZero, 0, nullptr, 0};
      if (name == "htod") {
        copy.direction = Copy::kHostToDevice;
      } else if (name == "dtoh") {
        copy.direction = Copy::kDeviceToHost;
      } else if (name != "zero") {
        ThrowValue(env, fn, what + ".direction", "'htod', 'dtoh' or 'zero'");
      }
      uint64_t pointer = PointerValue(env, object.Get("ptr"), fn, what + ".ptr");
      Napi::Value offsetValue = object.Get("offset");
      size_t offset = offsetValue.IsUndefined() ? 0 : SizeValue(env, offsetValue, fn, what + ".offset");
      if (offset > UINT64_MAX - pointer) ThrowValue(env, fn, what + ".offset", "an offset inside the address space");
      copy.device = pointer + offset;
      Napi::Value keep = env.Undefined();
      if (copy.direction == Copy::kZero) {
        copy.bytes = SizeValue(env, object.Get("bytes"), fn, what + ".bytes");
      } else {
        Napi::Value host = object.Get("host");
        if (!host.IsTypedArray()) ThrowValue(env, fn, what + ".host", "a typed array");
        Napi::TypedArray array = host.As<Napi::TypedArray>();
        copy.host = TypedArrayData(array);
        copy.bytes = array.ByteLength();
        keep = host;
      }
      worker->Add(copy, pointer, keep);
    }
    RequireDriver(env, fn);
  } catch (...) {
    delete worker;  // never queued, so it is ours to free
    throw;
  }
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// One kernel of a cudaLaunch call, its arguments packed.
struct KernelLaunch {
  CUfunction function = nullptr;
  double module = 0;
  unsigned int grid[3] = {1, 1, 1};
  unsigned int block[3] = {1, 1, 1};
  unsigned int sharedBytes = 0;
  std::vector<uint64_t> slots;     // one 8-byte slot per argument, value at its start
  std::vector<uint64_t> pointers;  // the device pointers among the arguments
  long stepArg = -1;               // the argument that receives the step index, or -1
  char stepType = 0;               // its type, 'i' or 'l'
};

// Packs kernel arguments by their type letters (p device pointer, d double,
// f float, i int32, l int64) into 8-byte slots.
void PackArgs(const Napi::Env& env, const char* fn, const std::string& what, const std::string& types,
              const Napi::Array& args, KernelLaunch* kernel) {
  if (args.Length() != types.size()) {
    throw Napi::TypeError::New(env, std::string(fn) + ": " + what + " has " + std::to_string(types.size()) +
                                        " argument types but " + std::to_string(args.Length()) + " arguments.");
  }
  kernel->slots.assign(types.size(), 0);
  for (uint32_t i = 0; i < types.size(); i++) {
    Napi::Value arg = args.Get(i);
    const char type = types[i];
    const std::string name = what + ".args[" + std::to_string(i) + "] (type '" + type + "')";
    void* slot = &kernel->slots[i];
    if (type == 'p') {
      uint64_t value = PointerValue(env, arg, fn, name);
      kernel->pointers.push_back(value);
      std::memcpy(slot, &value, sizeof value);
    } else if (type == 'l') {
      int64_t value = 0;
      if (arg.IsBigInt()) {
        bool lossless = true;
        value = arg.As<Napi::BigInt>().Int64Value(&lossless);
        if (!lossless) ThrowValue(env, fn, name, "a 64-bit integer");
      } else if (arg.IsNumber()) {
        double number = arg.As<Napi::Number>().DoubleValue();
        if (!(number >= -9223372036854775808.0 && number < 9223372036854775808.0)) {
          ThrowValue(env, fn, name, "a 64-bit integer");
        }
        value = static_cast<int64_t>(number);
      } else {
        ThrowValue(env, fn, name, "a bigint or number");
      }
      std::memcpy(slot, &value, sizeof value);
    } else if (type == 'i' || type == 'f' || type == 'd') {
      if (!arg.IsNumber()) ThrowValue(env, fn, name, "a number");
      double number = arg.As<Napi::Number>().DoubleValue();
      if (type == 'd') {
        std::memcpy(slot, &number, sizeof number);
      } else if (type == 'f') {
        float value = static_cast<float>(number);
        std::memcpy(slot, &value, sizeof value);
      } else {
        if (!(number >= INT32_MIN && number <= INT32_MAX)) ThrowValue(env, fn, name, "a 32-bit integer");
        int32_t value = static_cast<int32_t>(number);
        std::memcpy(slot, &value, sizeof value);
      }
    } else {
      throw Napi::TypeError::New(
          env, std::string(fn) + ": " + what + " has unknown argument type '" + type + "' (use p, d, f, i or l).");
    }
  }
}

// Launches a list of kernels once per step, for k in [k0, k0 + steps), all
// on the default stream in order, then waits once for the device; on a
// worker thread. The modules stay loaded and the device pointers are marked
// in use until the worker is destroyed.
class LaunchWorker : public PromiseWorker {
 public:
  LaunchWorker(Napi::Env env, std::vector<KernelLaunch> kernels, int64_t k0, uint64_t steps)
      : PromiseWorker(env, "neural.cudaLaunch"), kernels_(std::move(kernels)), k0_(k0), steps_(steps) {
    for (const KernelLaunch& kernel : kernels_) {
      leases_.emplace_back(&modules, kernel.module);
      for (uint64_t pointer : kernel.pointers) busy_.Add(pointer);
    }
  }

 protected:
  void Execute() override {
    // A context is current per thread; libuv's pool threads start with none.
    CUresult r = driver.cuCtxSetCurrent(driver.context);
    if (r != CUDA_SUCCESS) return SetError(CallError("cuCtxSetCurrent", r));
    // cuLaunchKernel reads each argument through a pointer to it, and copies
    // the values at the call, so a slot may change before the next launch.
    std::vector<std::vector<void*>> params(kernels_.size());
    for (size_t j = 0; j < kernels_.size(); j++) {
      for (uint64_t& slot : kernels_[j].slots) params[j].push_back(&slot);
    }
    const bool several = steps_ > 1 || kernels_.size() > 1;
    std::string failure;
    for (uint64_t s = 0; s < steps_ && failure.empty(); s++) {
      const int64_t k = k0_ + static_cast<int64_t>(s);
      for (size_t j = 0; j < kernels_.size(); j++) {
        KernelLaunch& kernel = kernels_[j];
        if (kernel.stepArg >= 0) {
          uint64_t& slot = kernel.slots[static_cast<size_t>(kernel.stepArg)];
          slot = 0;
          if (kernel.stepType == 'i') {
            const int32_t value = static_cast<int32_t>(k);
            std::memcpy(&slot, &value, sizeof value);
          } else {
            std::memcpy(&slot, &k, sizeof k);
          }
        }
        r = driver.cuLaunchKernel(kernel.function, kernel.grid[0], kernel.grid[1], kernel.grid[2], kernel.block[0],
                                  kernel.block[1], kernel.block[2], kernel.sharedBytes, nullptr,
                                  params[j].empty() ? nullptr : params[j].data(), nullptr);
        if (r != CUDA_SUCCESS) {
          failure = CallError("cuLaunchKernel", r);
          if (several) failure += " (kernel " + std::to_string(j) + " at step " + std::to_string(k) + ")";
          break;
        }
      }
    }
    // Wait for everything queued, after a failed launch too: the caller may
    // free the buffers as soon as this settles.
    r = driver.cuCtxSynchronize();
    if (r != CUDA_SUCCESS) {
      failure += (failure.empty() ? "" : "; then ") + CallError("cuCtxSynchronize", r);
    }
    if (!failure.empty()) SetError(failure);
  }

 private:
  std::vector<KernelLaunch> kernels_;
  int64_t k0_;
  uint64_t steps_;
  std::vector<Lease<CUmodule>> leases_;
  BusyPointers busy_;
};

// cudaLaunch(kernels: { fn: number, grid: number[3], block: number[3],
//   sharedBytes?: number, types: string, args: (bigint | number)[],
//   stepArg?: number }[], k0: number, steps: number): Promise<void>
// Launches the kernels in order once per step k in [k0, k0 + steps), with
// args[stepArg] (type i or l) set to k, and waits once at the end. One kernel
// and one step is a single launch.
Napi::Value CudaLaunch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "cudaLaunch";
  RequireArgs(info, 3, fn);
  if (!info[0].IsArray()) ThrowType(env, fn, 0, "an array of kernel launches");
  const double k0 =
      IntegerValue(env, info[1], fn, "argument 2", -9007199254740992.0, 9007199254740992.0, "an integer step index");
  const double steps = IntegerValue(env, info[2], fn, "argument 3", 0, 4294967295.0, "an integer in [0, 2^32)");
  const double last = k0 + steps - 1;
  if (steps > 0 && !(last <= 9007199254740992.0)) ThrowValue(env, fn, "argument 2", "a step index below 2^53 - steps");

  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<KernelLaunch> kernels(list.Length());
  for (uint32_t j = 0; j < list.Length(); j++) {
    const std::string what = "kernels[" + std::to_string(j) + "]";
    Napi::Value item = list.Get(j);
    if (!item.IsObject()) ThrowValue(env, fn, what, "an object");
    Napi::Object object = item.As<Napi::Object>();
    KernelLaunch& kernel = kernels[j];
    Napi::Value handle = object.Get("fn");
    if (!handle.IsNumber()) ThrowValue(env, fn, what + ".fn", "a function handle");
    DimsValue(env, object.Get("grid"), fn, what + ".grid", kernel.grid);
    DimsValue(env, object.Get("block"), fn, what + ".block", kernel.block);
    Napi::Value shared = object.Get("sharedBytes");
    if (!shared.IsUndefined()) {
      kernel.sharedBytes = static_cast<unsigned int>(
          IntegerValue(env, shared, fn, what + ".sharedBytes", 0, UINT_MAX, "a byte count in [0, 2^32)"));
    }
    Napi::Value types = object.Get("types");
    if (!types.IsString()) ThrowValue(env, fn, what + ".types", "a string");
    const std::string letters = types.As<Napi::String>().Utf8Value();
    Napi::Value args = object.Get("args");
    if (!args.IsArray()) ThrowValue(env, fn, what + ".args", "an array of kernel arguments");
    PackArgs(env, fn, what, letters, args.As<Napi::Array>(), &kernel);
    Napi::Value stepArg = object.Get("stepArg");
    if (!stepArg.IsUndefined()) {
      const char* expected = "the index of an argument of type 'i' or 'l'";
      const double index = IntegerValue(env, stepArg, fn, what + ".stepArg", 0, 4294967295.0, expected);
      if (index >= letters.size()) ThrowValue(env, fn, what + ".stepArg", expected);
      kernel.stepArg = static_cast<long>(index);
      kernel.stepType = letters[kernel.stepArg];
      if (kernel.stepType != 'i' && kernel.stepType != 'l') ThrowValue(env, fn, what + ".stepArg", expected);
      if (kernel.stepType == 'i' && steps > 0 && !(k0 >= INT32_MIN && last <= INT32_MAX)) {
        ThrowValue(env, fn, what + ".stepArg", "an argument of type 'l' for step indices beyond 32 bits");
      }
    }
    const Kernel found = GetKernel(env, handle.As<Napi::Number>().DoubleValue(), fn);
    kernel.function = found.function;
    kernel.module = found.module;
  }

  RequireDriver(env, fn);
  auto* worker = new LaunchWorker(env, std::move(kernels), static_cast<int64_t>(k0), static_cast<uint64_t>(steps));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void InitCuda(Napi::Env env, Napi::Object exports) {
  exports.Set("cudaInfo", Napi::Function::New(env, CudaInfo, "cudaInfo"));
  exports.Set("nvrtcCompile", Napi::Function::New(env, NvrtcCompile, "nvrtcCompile"));
  exports.Set("cudaLoadModule", Napi::Function::New(env, CudaLoadModule, "cudaLoadModule"));
  exports.Set("cudaUnloadModule", Napi::Function::New(env, CudaUnloadModule, "cudaUnloadModule"));
  exports.Set("cudaGetFunction", Napi::Function::New(env, CudaGetFunction, "cudaGetFunction"));
  exports.Set("cudaMalloc", Napi::Function::New(env, CudaMalloc, "cudaMalloc"));
  exports.Set("cudaFree", Napi::Function::New(env, CudaFree, "cudaFree"));
  exports.Set("cudaCopy", Napi::Function::New(env, CudaCopy, "cudaCopy"));
  exports.Set("cudaLaunch", Napi::Function::New(env, CudaLaunch, "cudaLaunch"));
}

}  // namespace neural
