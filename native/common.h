// Helpers shared by the addon's source files: argument checks, the table that
// turns native pointers into small integer handles (and the leases that keep
// them open while a worker thread uses them), and a Promise-returning
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
[[noreturn]] inline void ThrowType(const Napi::Env& env, const char* fn, size_t index, const char* expected) {
  throw Napi::TypeError::New(
      env, std::string(fn) + ": argument " + std::to_string(index + 1) + " must be " + expected + ".");
}

// Throws unless the call has at least `count` arguments.
inline void RequireArgs(const Napi::CallbackInfo& info, size_t count, const char* fn) {
  if (info.Length() < count) {
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": expected " + std::to_string(count) +
                                               " arguments, got " + std::to_string(info.Length()) + ".");
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
// handle, so a wrong number is reported instead of being dereferenced. A
// handle is never reused: freeing one leaves a tombstone, so a freed handle is
// reported as freed. An item that a worker thread is using (a lease, below)
// is closed only when the last lease ends. Only the main thread touches a
// table; workers take and return leases in their constructor and destructor,
// which run on the main thread.
template <typename T>
class HandleTable {
 public:
  // Releases an item; returns an empty string, or why it failed.
  using Closer = std::string (*)(T item);

  // `kind` names the handles in errors ("library"); `freed` says what
  // freeing did ("unloaded").
  HandleTable(const char* kind, const char* freed, Closer close) : kind_(kind), freed_(freed), close_(close) {}

  double Add(T item) {
    entries_.push_back(Entry{item, true, false, 0});
    return static_cast<double>(entries_.size());
  }

  // The item of a live handle; throws for a malformed, unknown or freed one.
  T Get(const Napi::Env& env, double handle, const char* fn) { return At(env, handle, fn).item; }

  // Whether `handle` names an item that was not freed.
  bool IsLive(double handle) const {
    const size_t index = Index(handle);
    return index < entries_.size() && entries_[index].live;
  }

  // Marks the handle freed, so that later uses report it, and closes its item
  // now, or when the last lease on it ends. Throws for a malformed, unknown
  // or already freed handle, and when closing fails (the handle is freed all
  // the same).
  void Free(const Napi::Env& env, double handle, const char* fn) {
    Entry& entry = At(env, handle, fn);
    entry.live = false;
    if (entry.leases > 0) {
      entry.closePending = true;
      return;
    }
    std::string why = CloseEntry(entry);
    if (!why.empty()) throw Napi::Error::New(env, std::string(fn) + ": " + why);
  }

  // Keeps the item of a live handle open until Release.
  void Acquire(double handle) { entries_[Index(handle)].leases++; }

  // Ends a lease; closes the item if it was freed meanwhile and this was the
  // last lease. A failure to close is not reported: nobody is waiting.
  void Release(double handle) {
    Entry& entry = entries_[Index(handle)];
    if (--entry.leases == 0 && entry.closePending) CloseEntry(entry);
  }

 private:
  struct Entry {
    T item;
    bool live;
    bool closePending;
    int leases;
  };

  // The vector index of a well-formed handle, or SIZE_MAX.
  static size_t Index(double handle) {
    if (!(handle >= 1 && handle <= 9007199254740992.0) || handle != static_cast<double>(static_cast<size_t>(handle))) {
      return SIZE_MAX;
    }
    return static_cast<size_t>(handle) - 1;
  }

  Entry& At(const Napi::Env& env, double handle, const char* fn) {
    const size_t index = Index(handle);
    char text[32];
    std::snprintf(text, sizeof text, "%g", handle);
    if (index >= entries_.size()) {
      throw Napi::Error::New(env, std::string(fn) + ": " + text + " is not a " + kind_ + " handle.");
    }
    if (!entries_[index].live) {
      throw Napi::Error::New(env, std::string(fn) + ": " + kind_ + " handle " + text + " was " + freed_ + ".");
    }
    return entries_[index];
  }

  std::string CloseEntry(Entry& entry) {
    entry.closePending = false;
    T item = entry.item;
    entry.item = T();
    return close_(item);
  }

  const char* kind_;
  const char* freed_;
  Closer close_;
  std::vector<Entry> entries_;
};

// Holds a handle's item open while a worker uses it (see HandleTable).
// Created and destroyed on the main thread.
template <typename T>
class Lease {
 public:
  Lease(HandleTable<T>* table, double handle) : table_(table), handle_(handle) { table_->Acquire(handle_); }
  ~Lease() {
    if (table_ != nullptr) table_->Release(handle_);
  }
  Lease(Lease&& other) noexcept : table_(other.table_), handle_(other.handle_) { other.table_ = nullptr; }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease& operator=(Lease&&) = delete;

 private:
  HandleTable<T>* table_;
  double handle_;
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
