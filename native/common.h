// Helpers shared by the addon's source files: argument checks, the table that
// turns native pointers into small integer handles, and a Promise-returning
// AsyncWorker. Argument checks cover count and type only; the TypeScript
// wrappers validate values.
#pragma once

#include <napi.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace neural {

// Throws a JS TypeError naming the function and the argument.
[[noreturn]] inline void ThrowType(const Napi::Env& env, const char* fn, size_t index,
                                   const char* expected) {
  throw Napi::TypeError::New(env, std::string(fn) + ": argument " + std::to_string(index + 1) +
                                      " must be " + expected + ".");
}

// Throws unless the call has at least `count` arguments.
inline void RequireArgs(const Napi::CallbackInfo& info, size_t count, const char* fn) {
  if (info.Length() < count) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": expected " + std::to_string(count) +
                                               " arguments, got " + std::to_string(info.Length()) +
                                               ".");
  }
}

inline std::string ArgString(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (!info[i].IsString()) ThrowType(info.Env(), fn, i, "a string");
  return info[i].As<Napi::String>().Utf8Value();
}

inline double ArgNumber(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (!info[i].IsNumber()) ThrowType(info.Env(), fn, i, "a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

// A device pointer or other 64-bit quantity, passed as a BigInt.
inline uint64_t ArgBigInt(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (!info[i].IsBigInt()) ThrowType(info.Env(), fn, i, "a bigint");
  bool lossless = true;
  uint64_t value = info[i].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) ThrowType(info.Env(), fn, i, "a bigint in [0, 2^64)");
  return value;
}

inline Napi::TypedArray ArgTypedArray(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (!info[i].IsTypedArray()) ThrowType(info.Env(), fn, i, "a typed array");
  return info[i].As<Napi::TypedArray>();
}

// First byte of a typed array's view (not of its whole ArrayBuffer).
inline uint8_t* TypedArrayData(const Napi::TypedArray& array) {
  return static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
}

// Native pointers never reach JavaScript: each gets a small positive integer
// handle, so a wrong number is reported instead of being dereferenced.
// Only the main thread touches a table.
template <typename T>
class HandleTable {
 public:
  explicit HandleTable(const char* kind) : kind_(kind) {}

  double Add(T item) {
    items_.push_back(item);
    return static_cast<double>(items_.size());
  }

  T Get(const Napi::Env& env, double handle, const char* fn) const {
    if (!(handle >= 1 && handle <= static_cast<double>(items_.size())) ||
        handle != static_cast<double>(static_cast<size_t>(handle))) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", handle);
      throw Napi::Error::New(env, std::string(fn) + ": " + text + " is not a " + kind_ + " handle.");
    }
    return items_[static_cast<size_t>(handle) - 1];
  }

 private:
  const char* kind_;
  std::vector<T> items_;
};

// An AsyncWorker that settles a Promise instead of calling a callback.
// Execute() runs on a libuv worker thread and reports failure with SetError();
// Result() runs back on the main thread.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env, const char* name)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }

  void OnOK() override { deferred_.Resolve(Result(Env())); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
};

// Registers the CUDA functions on `exports` (cuda.cc).
void InitCuda(Napi::Env env, Napi::Object exports);

}  // namespace neural
