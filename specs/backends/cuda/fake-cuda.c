/*
 * A stand-in for the CUDA driver (libcuda.so.1) and NVRTC, for specs of the
 * addon's CUDA paths on machines without a GPU. Device memory is host memory;
 * a launch runs its "kernel" on the calling thread before returning; modules
 * are PTX text, and kernels are found by name:
 *   add_one(double *x, int n)            x[i] += 1 for each thread i < n
 *   add_step(long long k, double *x, int n) x[i] += k
 *   spin(double *x)                      sleeps 0.2 s, then x[0] += 1
 *   no_such_*                            not found
 *   any other name                       records its first argument (a long long)
 * fake_stats(buffers, scalars) copies the counters to buffers[0] and the
 * recorded arguments to buffers[1] (through the addon's runC).
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int CUresult;

enum { SUCCESS = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, INVALID_PTX = 218, NOT_FOUND = 500 };

static atomic_long launches, syncs, loaded, unloaded, violations, recorded, compiles;
static _Atomic(void*) running_module;
static _Atomic(uintptr_t) busy_pointer;
static long long record[100000];

struct module {
  char tag[8];
};
struct function {
  int kind;
  struct module* module;
};

CUresult cuInit(unsigned flags) {
  (void)flags;
  return SUCCESS;
}
CUresult cuDriverGetVersion(int* v) {
  *v = 13000;
  return SUCCESS;
}
CUresult cuGetErrorName(CUresult e, const char** name) {
  switch (e) {
    case SUCCESS:
      *name = "CUDA_SUCCESS";
      return SUCCESS;
    case INVALID_VALUE:
      *name = "CUDA_ERROR_INVALID_VALUE";
      return SUCCESS;
    case OUT_OF_MEMORY:
      *name = "CUDA_ERROR_OUT_OF_MEMORY";
      return SUCCESS;
    case INVALID_PTX:
      *name = "CUDA_ERROR_INVALID_PTX";
      return SUCCESS;
    case NOT_FOUND:
      *name = "CUDA_ERROR_NOT_FOUND";
      return SUCCESS;
    default:
      return INVALID_VALUE;
  }
}
CUresult cuDeviceGetCount(int* n) {
  *n = 1;
  return SUCCESS;
}
CUresult cuDeviceGet(int* d, int i) {
  *d = i;
  return SUCCESS;
}
CUresult cuDeviceGetName(char* name, int length, int d) {
  (void)d;
  strncpy(name, "Fake GPU", (size_t)length);
  return SUCCESS;
}
CUresult cuDeviceGetAttribute(int* v, int attribute, int d) {
  (void)d;
  *v = attribute == 75 ? 9 : 0;
  return SUCCESS;
}
CUresult cuDevicePrimaryCtxRetain(void** c, int d) {
  (void)d;
  static int context;
  *c = &context;
  return SUCCESS;
}
CUresult cuCtxSetCurrent(void* c) { return c ? SUCCESS : INVALID_VALUE; }
CUresult cuCtxSynchronize(void) {
  atomic_fetch_add(&syncs, 1);
  return SUCCESS;
}
CUresult cuMemAlloc_v2(unsigned long long* p, size_t bytes) {
  if (bytes == 0) return INVALID_VALUE;
  if (bytes > ((size_t)1 << 36)) return OUT_OF_MEMORY;
  void* memory = calloc(1, bytes);
  if (!memory) return OUT_OF_MEMORY;
  *p = (uintptr_t)memory;
  return SUCCESS;
}
CUresult cuMemFree_v2(unsigned long long p) {
  if ((uintptr_t)p == atomic_load(&busy_pointer)) atomic_fetch_add(&violations, 1);
  free((void*)(uintptr_t)p);
  return SUCCESS;
}
CUresult cuMemcpyHtoD_v2(unsigned long long d, const void* h, size_t n) {
  memcpy((void*)(uintptr_t)d, h, n);
  return SUCCESS;
}
CUresult cuMemcpyDtoH_v2(void* h, unsigned long long d, size_t n) {
  memcpy(h, (void*)(uintptr_t)d, n);
  return SUCCESS;
}
CUresult cuMemsetD8_v2(unsigned long long d, unsigned char v, size_t n) {
  memset((void*)(uintptr_t)d, v, n);
  return SUCCESS;
}
CUresult cuMemGetInfo_v2(size_t* free_bytes, size_t* total) {
  *free_bytes = (size_t)1 << 34;
  *total = (size_t)1 << 35;
  return SUCCESS;
}
CUresult cuModuleLoadDataEx(void** m, const void* image, unsigned count, int* options, void** values) {
  if (strncmp((const char*)image, "bad", 3) == 0) {
    for (unsigned i = 0; i < count; i++) {
      if (options[i] == 5) strcpy((char*)values[i], "fake: the PTX is bad");
    }
    return INVALID_PTX;
  }
  *m = calloc(1, sizeof(struct module));
  atomic_fetch_add(&loaded, 1);
  return SUCCESS;
}
CUresult cuModuleUnload(void* m) {
  if (m == atomic_load(&running_module)) atomic_fetch_add(&violations, 1);
  atomic_fetch_add(&unloaded, 1);
  free(m);
  return SUCCESS;
}
CUresult cuModuleGetFunction(void** f, void* m, const char* name) {
  if (strncmp(name, "no_such_", 8) == 0) return NOT_FOUND;
  struct function* fn = calloc(1, sizeof *fn);
  fn->kind = strcmp(name, "add_one") == 0 ? 1 : strcmp(name, "add_step") == 0 ? 2 : strcmp(name, "spin") == 0 ? 3 : 0;
  fn->module = m;
  *f = fn;
  return SUCCESS;
}
CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void* stream, void** params, void** extra) {
  (void)stream;
  (void)extra;
  if (shared > 48 * 1024 || gx * gy * gz == 0 || bx * by * bz == 0) return INVALID_VALUE;
  struct function* fn = f;
  long threads = (long)gx * gy * gz * bx * by * bz;
  atomic_fetch_add(&launches, 1);
  if (fn->kind == 1) {
    double* x = *(double**)params[0];
    int n = *(int*)params[1];
    for (long i = 0; i < threads && i < n; i++) x[i] += 1;
  } else if (fn->kind == 2) {
    long long k = *(long long*)params[0];
    double* x = *(double**)params[1];
    int n = *(int*)params[2];
    for (long i = 0; i < threads && i < n; i++) x[i] += (double)k;
  } else if (fn->kind == 3) {
    double* x = *(double**)params[0];
    atomic_store(&running_module, fn->module);
    atomic_store(&busy_pointer, (uintptr_t)x);
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    x[0] += 1;
    atomic_store(&busy_pointer, 0);
    atomic_store(&running_module, NULL);
  } else {
    long at = atomic_fetch_add(&recorded, 1);
    if (at < 100000) record[at] = *(long long*)params[0];
  }
  return SUCCESS;
}

int fake_stats(void** buffers, const double* scalars) {
  double* counters = buffers[0];
  double* values = buffers[1];
  long n = (long)scalars[0];
  counters[0] = (double)launches;
  counters[1] = (double)syncs;
  counters[2] = (double)loaded;
  counters[3] = (double)unloaded;
  counters[4] = (double)violations;
  counters[5] = (double)recorded;
  counters[6] = (double)compiles;
  for (long i = 0; i < n && i < recorded && i < 100000; i++) values[i] = (double)record[i];
  return 0;
}

/* NVRTC: the "PTX" is the source; a source containing "oops" does not compile. */
typedef int nvrtcResult;
struct program {
  char* source;
  int failed;
};

const char* nvrtcGetErrorString(nvrtcResult r) { return r == 0 ? "NVRTC_SUCCESS" : "NVRTC_ERROR_COMPILATION"; }
nvrtcResult nvrtcVersion(int* major, int* minor) {
  *major = 13;
  *minor = 0;
  return 0;
}
nvrtcResult nvrtcCreateProgram(struct program** p, const char* source, const char* name, int count,
                               const char* const* headers, const char* const* names) {
  (void)name;
  (void)count;
  (void)headers;
  (void)names;
  *p = calloc(1, sizeof **p);
  (*p)->source = strdup(source);
  return 0;
}
nvrtcResult nvrtcDestroyProgram(struct program** p) {
  free((*p)->source);
  free(*p);
  *p = NULL;
  return 0;
}
nvrtcResult nvrtcCompileProgram(struct program* p, int count, const char* const* options) {
  (void)count;
  (void)options;
  atomic_fetch_add(&compiles, 1);
  /* With NEURAL_FAKE_STUB set, nothing compiles, as with a stub library. */
  p->failed = strstr(p->source, "oops") != NULL || getenv("NEURAL_FAKE_STUB") != NULL;
  return p->failed ? 6 : 0;
}
nvrtcResult nvrtcGetPTXSize(struct program* p, size_t* size) {
  *size = strlen(p->source) + 1;
  return 0;
}
nvrtcResult nvrtcGetPTX(struct program* p, char* ptx) {
  strcpy(ptx, p->source);
  return 0;
}
nvrtcResult nvrtcGetProgramLogSize(struct program* p, size_t* size) {
  *size = p->failed ? 32 : 1;
  return 0;
}
nvrtcResult nvrtcGetProgramLog(struct program* p, char* log) {
  strcpy(log, p->failed ? "fake.cu: error: oops" : "");
  return 0;
}
