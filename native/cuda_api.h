// The few CUDA driver API and NVRTC declarations the addon uses, written out
// here so that the addon never includes CUDA headers and never links CUDA:
// both libraries are opened with dlopen at run time. Names and layouts follow
// cuda.h and nvrtc.h (CUDA 11.2 and later); the versioned driver entry points
// (`_v2`) are the ones cuda.h maps the plain names to.
#pragma once

#include <cstddef>

namespace neural {
namespace cu {

// Enums in the real headers; they are int-sized in the C ABI.
typedef int CUresult;  // 0 is CUDA_SUCCESS
typedef int CUdevice;
typedef int CUjit_option;
typedef int CUdevice_attribute;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st* CUcontext;
typedef struct CUmod_st* CUmodule;
typedef struct CUfunc_st* CUfunction;
typedef struct CUstream_st* CUstream;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUdevice_attribute CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr CUdevice_attribute CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr CUjit_option CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;

typedef CUresult (*PFN_cuInit)(unsigned int flags);
typedef CUresult (*PFN_cuDriverGetVersion)(int* version);
typedef CUresult (*PFN_cuGetErrorName)(CUresult error, const char** name);
typedef CUresult (*PFN_cuDeviceGetCount)(int* count);
typedef CUresult (*PFN_cuDeviceGet)(CUdevice* device, int ordinal);
typedef CUresult (*PFN_cuDeviceGetName)(char* name, int length, CUdevice device);
typedef CUresult (*PFN_cuDeviceGetAttribute)(int* value, CUdevice_attribute attribute, CUdevice device);
typedef CUresult (*PFN_cuDevicePrimaryCtxRetain)(CUcontext* context, CUdevice device);
typedef CUresult (*PFN_cuCtxSetCurrent)(CUcontext context);
typedef CUresult (*PFN_cuCtxSynchronize)();
typedef CUresult (*PFN_cuMemAlloc)(CUdeviceptr* pointer, size_t bytes);
typedef CUresult (*PFN_cuMemFree)(CUdeviceptr pointer);
typedef CUresult (*PFN_cuMemcpyHtoD)(CUdeviceptr destination, const void* source, size_t bytes);
typedef CUresult (*PFN_cuMemcpyDtoH)(void* destination, CUdeviceptr source, size_t bytes);
typedef CUresult (*PFN_cuMemsetD8)(CUdeviceptr destination, unsigned char value, size_t count);
typedef CUresult (*PFN_cuMemGetInfo)(size_t* free, size_t* total);
typedef CUresult (*PFN_cuModuleLoadDataEx)(CUmodule* module, const void* image, unsigned int count,
                                           CUjit_option* options, void** values);
typedef CUresult (*PFN_cuModuleUnload)(CUmodule module);
typedef CUresult (*PFN_cuModuleGetFunction)(CUfunction* function, CUmodule module, const char* name);
typedef CUresult (*PFN_cuLaunchKernel)(CUfunction function, unsigned int gridX, unsigned int gridY, unsigned int gridZ,
                                       unsigned int blockX, unsigned int blockY, unsigned int blockZ,
                                       unsigned int sharedBytes, CUstream stream, void** params, void** extra);

}  // namespace cu

namespace nvrtc {

typedef int nvrtcResult;  // 0 is NVRTC_SUCCESS
typedef struct _nvrtcProgram* nvrtcProgram;

constexpr nvrtcResult NVRTC_SUCCESS = 0;

typedef const char* (*PFN_nvrtcGetErrorString)(nvrtcResult result);
typedef nvrtcResult (*PFN_nvrtcVersion)(int* major, int* minor);
typedef nvrtcResult (*PFN_nvrtcCreateProgram)(nvrtcProgram* program, const char* source, const char* name,
                                              int headerCount, const char* const* headers,
                                              const char* const* includeNames);
typedef nvrtcResult (*PFN_nvrtcDestroyProgram)(nvrtcProgram* program);
typedef nvrtcResult (*PFN_nvrtcCompileProgram)(nvrtcProgram program, int optionCount, const char* const* options);
typedef nvrtcResult (*PFN_nvrtcGetPTXSize)(nvrtcProgram program, size_t* size);
typedef nvrtcResult (*PFN_nvrtcGetPTX)(nvrtcProgram program, char* ptx);
typedef nvrtcResult (*PFN_nvrtcGetProgramLogSize)(nvrtcProgram program, size_t* size);
typedef nvrtcResult (*PFN_nvrtcGetProgramLog)(nvrtcProgram program, char* log);

}  // namespace nvrtc
}  // namespace neural
