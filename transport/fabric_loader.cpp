// Loads libfabric on first use instead of at process start.
//
// Linking libfabric.so pulls in its PSM providers, whose library constructors sleep about
// 0.2 s in every process that starts, even a local job that never touches the network. The
// transport calls only five exported libfabric functions (everything else goes through the
// ops tables of the objects they return), so this file defines those five and forwards them
// to the library opened with dlopen() the first time one is called.
#include <dlfcn.h>
#include <rdma/fabric.h>
#include <rdma/fi_errno.h>

#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>

namespace {

struct Fabric {
  decltype(&::fi_getinfo) getinfo = nullptr;
  decltype(&::fi_freeinfo) freeinfo = nullptr;
  decltype(&::fi_dupinfo) dupinfo = nullptr;
  decltype(&::fi_fabric) fabric = nullptr;
  decltype(&::fi_strerror) strerror = nullptr;
};

const Fabric& fabric() {
  static Fabric f;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = dlopen("libfabric.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* why = dlerror();
      throw std::runtime_error(std::string("cannot load libfabric (libfabric.so.1): ") + (why ? why : "unknown error") +
                               "; install the libfabric1 package");
    }
    auto sym = [lib](const char* name) {
      void* p = dlsym(lib, name);
      if (!p) throw std::runtime_error(std::string("libfabric.so.1 lacks ") + name);
      return p;
    };
    f.getinfo = reinterpret_cast<decltype(f.getinfo)>(sym("fi_getinfo"));
    f.freeinfo = reinterpret_cast<decltype(f.freeinfo)>(sym("fi_freeinfo"));
    f.dupinfo = reinterpret_cast<decltype(f.dupinfo)>(sym("fi_dupinfo"));
    f.fabric = reinterpret_cast<decltype(f.fabric)>(sym("fi_fabric"));
    f.strerror = reinterpret_cast<decltype(f.strerror)>(sym("fi_strerror"));
  });
  return f;
}

}  // namespace

extern "C" {

int fi_getinfo(uint32_t version, const char* node, const char* service, uint64_t flags, const struct fi_info* hints,
               struct fi_info** info) {
  return fabric().getinfo(version, node, service, flags, hints, info);
}

void fi_freeinfo(struct fi_info* info) { fabric().freeinfo(info); }

struct fi_info* fi_dupinfo(const struct fi_info* info) { return fabric().dupinfo(info); }

int fi_fabric(struct fi_fabric_attr* attr, struct fid_fabric** fab, void* context) {
  return fabric().fabric(attr, fab, context);
}

const char* fi_strerror(int errnum) {
  try {
    return fabric().strerror(errnum);
  } catch (...) {
    return "libfabric is not available";
  }
}

}  // extern "C"
