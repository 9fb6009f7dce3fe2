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
  PFN_cuModuleGetFunction cuModuleGetFunction = nullptr;
  PFN_cuLaunchKernel cuLaunchKernel = nullptr;
};

std::mutex driverMutex;
Driver driver;  // written once under driverMutex, read-only afterwards

std::string ErrorName(CUresult result) {
  const char* name = nullptr;
  if (driver.cuGetErrorName != nullptr && driver.cuGetErrorName(result, &name) == CUDA_SUCCESS &&
      name != nullptr) {
    return name;
  }
  return "CUDA error " + std::to_string(result);
}

std::string CallError(const char* call, CUresult result) {
  return std::string(call) + ": " + ErrorName(result);
}

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
  need("cuModuleGetFunction", &d.cuModuleGetFunction);
  need("cuLaunchKernel", &d.cuLaunchKernel);
  if (missing != nullptr) {
    d.reason = std::string("libcuda.so.1 has no ") + missing + " (the NVIDIA driver is too old)";
    return;
  }

  d.cuDriverGetVersion(&d.driverVersion);  // works before cuInit
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
  d.cuDeviceGetAttribute(&d.major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d.device);
  d.cuDeviceGetAttribute(&d.minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d.device);
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
bool TryNvrtc(const std::string& candidate, Nvrtc& n, std::string* why) {
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
  // A stub also loads and resolves every symbol; only compiling tells it apart.
  std::string ptx, log;
  const char* failed = nullptr;
  nvrtcResult r = CompileProgram(n, "extern \"C\" __global__ void neural_probe() {}\n", "probe.cu", {},
                                 &ptx, &log, &failed);
  if (r != NVRTC_SUCCESS || ptx.empty()) {
    *why = n.path + " cannot compile a trivial kernel (" + failed + ": " + n.nvrtcGetErrorString(r) +
           "); is it a stub?";
    dlclose(library);
    return false;
  }
  return true;
}

// NVRTC, opened on the first call from any thread: $NEURAL_NVRTC first, then
// the sonames of CUDA 13, 12 and 11.2, then the unversioned name.
const Nvrtc& OpenNvrtc() {
  std::lock_guard<std::mutex> lock(nvrtcMutex);
  if (nvrtcLib.tried) return nvrtcLib;
  nvrtcLib.tried = true;
  std::vector<std::string> candidates;
  const char* chosen = std::getenv("NEURAL_NVRTC");
  if (chosen != nullptr && chosen[0] != '\0') candidates.push_back(chosen);
  for (const char* soname : {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"}) {
    candidates.push_back(soname);
  }
  std::string reasons;
  for (const std::string& candidate : candidates) {
    Nvrtc attempt;
    std::string why;
    if (TryNvrtc(candidate, attempt, &why)) {
      attempt.tried = true;
      attempt.ok = true;
      nvrtcLib = attempt;
      return nvrtcLib;
    }
    reasons += (reasons.empty() ? "" : "; ") + why;
  }
  nvrtcLib.reason = "no usable NVRTC library (" + reasons + ")";
  return nvrtcLib;
}

// ---------------------------------------------------------------------------
// Exports.

HandleTable<CUmodule> modules("CUDA module");
HandleTable<CUfunction> functions("CUDA function");

// A byte count or offset from a JS number; guards only against values the
// conversion to size_t cannot represent.
size_t ArgSize(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  double value = ArgNumber(info, i, fn);
  if (!(value >= 0 && value <= 9007199254740992.0)) ThrowType(info.Env(), fn, i, "a non-negative byte count");
  return static_cast<size_t>(value);
}

// Optional trailing byte offset (device side).
size_t ArgOffset(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (info.Length() <= i || info[i].IsUndefined()) return 0;
  return ArgSize(info, i, fn);
}

// cudaInfo(): never throws.
Napi::Value CudaInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  const Driver& d = OpenDriver();
  result.Set("ok", Napi::Boolean::New(env, d.ok));
  if (!d.ok) result.Set("reason", d.reason);
  if (d.driverVersion != 0) result.Set("driverVersion", d.driverVersion);
  if (d.ok) {
    result.Set("device", d.deviceName);
    Napi::Array cc = Napi::Array::New(env, 2);
    cc.Set(0u, d.major);
    cc.Set(1u, d.minor);
    result.Set("computeCapability", cc);
  }
  const Nvrtc& n = OpenNvrtc();
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

// cudaLoadModule(ptx: string): number. The driver's JIT log is added to errors.
Napi::Value CudaLoadModule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 1, "cudaLoadModule");
  std::string ptx = ArgString(info, 0, "cudaLoadModule");
  const Driver& d = RequireDriver(env, "cudaLoadModule");
  char log[8192] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void* values[] = {log, reinterpret_cast<void*>(static_cast<uintptr_t>(sizeof log - 1))};
  CUmodule module = nullptr;
  CUresult r = d.cuModuleLoadDataEx(&module, ptx.c_str(), 2, options, values);
  if (r != CUDA_SUCCESS) {
    throw Napi::Error::New(env, CallError("cuModuleLoadDataEx", r) + (log[0] ? std::string("\n") + log : ""));
  }
  return Napi::Number::New(env, modules.Add(module));
}

// cudaGetFunction(module: number, name: string): number
Napi::Value CudaGetFunction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 2, "cudaGetFunction");
  double handle = ArgNumber(info, 0, "cudaGetFunction");
  std::string name = ArgString(info, 1, "cudaGetFunction");
  CUmodule module = modules.Get(env, handle, "cudaGetFunction");
  const Driver& d = RequireDriver(env, "cudaGetFunction");
  CUfunction function = nullptr;
  CUresult r = d.cuModuleGetFunction(&function, module, name.c_str());
  if (r != CUDA_SUCCESS) throw Napi::Error::New(env, CallError("cuModuleGetFunction", r) + " ('" + name + "')");
  return Napi::Number::New(env, functions.Add(function));
}

// cudaMalloc(bytes: number): bigint
Napi::Value CudaMalloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 1, "cudaMalloc");
  size_t bytes = ArgSize(info, 0, "cudaMalloc");
  const Driver& d = RequireDriver(env, "cudaMalloc");
  CUdeviceptr pointer = 0;
  Check(env, "cuMemAlloc", d.cuMemAlloc(&pointer, bytes));
  return Napi::BigInt::New(env, static_cast<uint64_t>(pointer));
}

// cudaFree(ptr: bigint): void
Napi::Value CudaFree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 1, "cudaFree");
  CUdeviceptr pointer = ArgBigInt(info, 0, "cudaFree");
  const Driver& d = RequireDriver(env, "cudaFree");
  Check(env, "cuMemFree", d.cuMemFree(pointer));
  return env.Undefined();
}

// cudaMemcpyHtoD(ptr: bigint, src: TypedArray, deviceByteOffset?: number): void
Napi::Value CudaMemcpyHtoD(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 2, "cudaMemcpyHtoD");
  CUdeviceptr pointer = ArgBigInt(info, 0, "cudaMemcpyHtoD");
  Napi::TypedArray source = ArgTypedArray(info, 1, "cudaMemcpyHtoD");
  size_t offset = ArgOffset(info, 2, "cudaMemcpyHtoD");
  const Driver& d = RequireDriver(env, "cudaMemcpyHtoD");
  if (source.ByteLength() > 0) {
    Check(env, "cuMemcpyHtoD", d.cuMemcpyHtoD(pointer + offset, TypedArrayData(source), source.ByteLength()));
  }
  return env.Undefined();
}

// cudaMemcpyDtoH(dst: TypedArray, ptr: bigint, deviceByteOffset?: number): void
Napi::Value CudaMemcpyDtoH(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 2, "cudaMemcpyDtoH");
  Napi::TypedArray destination = ArgTypedArray(info, 0, "cudaMemcpyDtoH");
  CUdeviceptr pointer = ArgBigInt(info, 1, "cudaMemcpyDtoH");
  size_t offset = ArgOffset(info, 2, "cudaMemcpyDtoH");
  const Driver& d = RequireDriver(env, "cudaMemcpyDtoH");
  if (destination.ByteLength() > 0) {
    Check(env, "cuMemcpyDtoH",
          d.cuMemcpyDtoH(TypedArrayData(destination), pointer + offset, destination.ByteLength()));
  }
  return env.Undefined();
}

// cudaMemset(ptr: bigint, bytes: number): void — fills with zero bytes.
Napi::Value CudaMemset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 2, "cudaMemset");
  CUdeviceptr pointer = ArgBigInt(info, 0, "cudaMemset");
  size_t bytes = ArgSize(info, 1, "cudaMemset");
  const Driver& d = RequireDriver(env, "cudaMemset");
  if (bytes > 0) Check(env, "cuMemsetD8", d.cuMemsetD8(pointer, 0, bytes));
  return env.Undefined();
}

// cudaMemInfo(): { free: number, total: number }
Napi::Value CudaMemInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Driver& d = RequireDriver(env, "cudaMemInfo");
  size_t free = 0, total = 0;
  Check(env, "cuMemGetInfo", d.cuMemGetInfo(&free, &total));
  Napi::Object result = Napi::Object::New(env);
  result.Set("free", static_cast<double>(free));
  result.Set("total", static_cast<double>(total));
  return result;
}

// Three launch dimensions from an array of numbers.
void ArgDims(const Napi::CallbackInfo& info, size_t i, const char* fn, unsigned int dims[3]) {
  const char* expected = "an array of three integers in [0, 2^32)";
  if (!info[i].IsArray()) ThrowType(info.Env(), fn, i, expected);
  Napi::Array list = info[i].As<Napi::Array>();
  if (list.Length() != 3) ThrowType(info.Env(), fn, i, expected);
  for (uint32_t k = 0; k < 3; k++) {
    Napi::Value item = list[k];
    if (!item.IsNumber()) ThrowType(info.Env(), fn, i, expected);
    double value = item.As<Napi::Number>().DoubleValue();
    if (!(value >= 0 && value <= UINT_MAX)) ThrowType(info.Env(), fn, i, expected);
    dims[k] = static_cast<unsigned int>(value);
  }
}

// Launches a kernel and waits for it, on a worker thread.
class LaunchWorker : public PromiseWorker {
 public:
  LaunchWorker(Napi::Env env, CUcontext context, CUfunction function, const unsigned int grid[3],
               const unsigned int block[3], unsigned int sharedBytes, std::vector<uint64_t> slots)
      : PromiseWorker(env, "neural.cudaLaunch"),
        context_(context),
        function_(function),
        sharedBytes_(sharedBytes),
        slots_(std::move(slots)) {
    std::memcpy(grid_, grid, sizeof grid_);
    std::memcpy(block_, block, sizeof block_);
  }

 protected:
  void Execute() override {
    // A context is current per thread; libuv's pool threads start with none.
    CUresult r = driver.cuCtxSetCurrent(context_);
    if (r != CUDA_SUCCESS) return SetError(CallError("cuCtxSetCurrent", r));
    // cuLaunchKernel reads each argument through a pointer to it.
    std::vector<void*> params(slots_.size());
    for (size_t i = 0; i < slots_.size(); i++) params[i] = &slots_[i];
    r = driver.cuLaunchKernel(function_, grid_[0], grid_[1], grid_[2], block_[0], block_[1], block_[2],
                              sharedBytes_, nullptr, params.data(), nullptr);
    if (r != CUDA_SUCCESS) return SetError(CallError("cuLaunchKernel", r));
    r = driver.cuCtxSynchronize();
    if (r != CUDA_SUCCESS) return SetError(CallError("cuCtxSynchronize", r));
  }

 private:
  CUcontext context_;
  CUfunction function_;
  unsigned int grid_[3];
  unsigned int block_[3];
  unsigned int sharedBytes_;
  std::vector<uint64_t> slots_;  // one 8-byte slot per argument, value at its start
};

// cudaLaunch(fn: number, grid: number[3], block: number[3], sharedBytes: number,
//            types: string, args: (bigint | number)[]): Promise<void>
// types: one letter per argument: p device pointer (bigint), d double,
// f float, i int32, l int64 (bigint or number).
Napi::Value CudaLaunch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "cudaLaunch";
  RequireArgs(info, 6, fn);
  double handle = ArgNumber(info, 0, fn);
  unsigned int grid[3], block[3];
  ArgDims(info, 1, fn, grid);
  ArgDims(info, 2, fn, block);
  double shared = ArgNumber(info, 3, fn);
  if (!(shared >= 0 && shared <= UINT_MAX)) ThrowType(env, fn, 3, "a byte count in [0, 2^32)");
  std::string types = ArgString(info, 4, fn);
  if (!info[5].IsArray()) ThrowType(env, fn, 5, "an array of kernel arguments");
  Napi::Array args = info[5].As<Napi::Array>();
  if (args.Length() != types.size()) {
    throw Napi::TypeError::New(env, std::string(fn) + ": " + std::to_string(types.size()) +
                                        " argument types but " + std::to_string(args.Length()) +
                                        " arguments.");
  }

  std::vector<uint64_t> slots(types.size(), 0);
  for (uint32_t i = 0; i < types.size(); i++) {
    Napi::Value arg = args[i];
    char type = types[i];
    auto bad = [&](const char* expected) {
      throw Napi::TypeError::New(env, std::string(fn) + ": args[" + std::to_string(i) + "] (type '" + type +
                                          "') must be " + expected + ".");
    };
    void* slot = &slots[i];
    if (type == 'p') {
      if (!arg.IsBigInt()) bad("a bigint device pointer");
      bool lossless = true;
      uint64_t value = arg.As<Napi::BigInt>().Uint64Value(&lossless);
      if (!lossless) bad("a bigint device pointer");
      std::memcpy(slot, &value, sizeof value);
    } else if (type == 'l') {
      int64_t value = 0;
      if (arg.IsBigInt()) {
        bool lossless = true;
        value = arg.As<Napi::BigInt>().Int64Value(&lossless);
        if (!lossless) bad("a 64-bit integer");
      } else if (arg.IsNumber()) {
        double number = arg.As<Napi::Number>().DoubleValue();
        if (!(number >= -9223372036854775808.0 && number < 9223372036854775808.0)) bad("a 64-bit integer");
        value = static_cast<int64_t>(number);
      } else {
        bad("a bigint or number");
      }
      std::memcpy(slot, &value, sizeof value);
    } else if (type == 'i' || type == 'f' || type == 'd') {
      if (!arg.IsNumber()) bad("a number");
      double number = arg.As<Napi::Number>().DoubleValue();
      if (type == 'd') {
        std::memcpy(slot, &number, sizeof number);
      } else if (type == 'f') {
        float value = static_cast<float>(number);
        std::memcpy(slot, &value, sizeof value);
      } else {
        if (!(number >= INT32_MIN && number <= INT32_MAX)) bad("a 32-bit integer");
        int32_t value = static_cast<int32_t>(number);
        std::memcpy(slot, &value, sizeof value);
      }
    } else {
      throw Napi::TypeError::New(env, std::string(fn) + ": unknown argument type '" + type +
                                          "' (use p, d, f, i or l).");
    }
  }

  CUfunction function = functions.Get(env, handle, fn);
  const Driver& d = RequireDriver(env, fn);
  auto* worker = new LaunchWorker(env, d.context, function, grid, block, static_cast<unsigned int>(shared),
                                  std::move(slots));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void InitCuda(Napi::Env env, Napi::Object exports) {
  exports.Set("cudaInfo", Napi::Function::New(env, CudaInfo, "cudaInfo"));
  exports.Set("nvrtcCompile", Napi::Function::New(env, NvrtcCompile, "nvrtcCompile"));
  exports.Set("cudaLoadModule", Napi::Function::New(env, CudaLoadModule, "cudaLoadModule"));
  exports.Set("cudaGetFunction", Napi::Function::New(env, CudaGetFunction, "cudaGetFunction"));
  exports.Set("cudaMalloc", Napi::Function::New(env, CudaMalloc, "cudaMalloc"));
  exports.Set("cudaFree", Napi::Function::New(env, CudaFree, "cudaFree"));
  exports.Set("cudaMemcpyHtoD", Napi::Function::New(env, CudaMemcpyHtoD, "cudaMemcpyHtoD"));
  exports.Set("cudaMemcpyDtoH", Napi::Function::New(env, CudaMemcpyDtoH, "cudaMemcpyDtoH"));
  exports.Set("cudaMemset", Napi::Function::New(env, CudaMemset, "cudaMemset"));
  exports.Set("cudaMemInfo", Napi::Function::New(env, CudaMemInfo, "cudaMemInfo"));
  exports.Set("cudaLaunch", Napi::Function::New(env, CudaLaunch, "cudaLaunch"));
}

}  // namespace neural
