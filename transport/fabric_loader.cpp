// Loads libfabric on first use instead of at process start.
//
// Linking libfabric.so pulls in its PSM providers, whose library constructors sleep about
// 0.2 s in every process that starts, even a local job that never touches the network. The
// transport calls only six exported libfabric functions (everything else goes through the
// ops tables of the objects they return), so this file defines those six and forwards them
// to the library opened with dlopen() the first time one is called.
//
// libpsm2 (a dependency of Debian's libfabric) installs, from its library constructor, handlers
// for SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGINT and SIGTERM that write "<prog>.80s-<pid>,<host>.btr"
// into the working directory and exit(1): a crash would litter the user's directory and no
// longer look like a crash to the launcher, and Ctrl-C would skip our own handlers (libpsm_infinipath
// does the same for SIGSEGV). Their switches HFI_NO_BACKTRACE and IPATH_NO_BACKTRACE (read only by
// those constructors) are set before dlopen() unless the user set them, and any handler the load
// changed anyway is put back.
#include <dlfcn.h>
#include <rdma/fabric.h>
#include <rdma/fi_errno.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iterator>
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
  decltype(&::fi_open) open = nullptr;
};

const Fabric& fabric() {
  static Fabric f;
  static std::once_flag once;
  std::call_once(once, [] {
    setenv("HFI_NO_BACKTRACE", "1", 0);    // libpsm2
    setenv("IPATH_NO_BACKTRACE", "1", 0);  // libpsm_infinipath
    constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGINT, SIGTERM, SIGFPE};
    struct sigaction before[std::size(kSignals)];
    for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], nullptr, &before[i]);
    void* lib = dlopen("libfabric.so.1", RTLD_NOW | RTLD_LOCAL);
    for (std::size_t i = 0; i < std::size(kSignals); ++i) {
      struct sigaction now {};
      sigaction(kSignals[i], nullptr, &now);
      if (now.sa_handler != before[i].sa_handler) sigaction(kSignals[i], &before[i], nullptr);
    }
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
    f.open = reinterpret_cast<decltype(f.open)>(sym("fi_open"));
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

int fi_open(uint32_t version, const char* name, void* attr, size_t attr_len, uint64_t flags, struct fid** fid,
            void* context) {
  return fabric().open(version, name, attr, attr_len, flags, fid, context);
}

const char* fi_strerror(int errnum) {
  try {
    return fabric().strerror(errnum);
  } catch (...) {
    return "libfabric is not available";
  }
}

}  // extern "C"
