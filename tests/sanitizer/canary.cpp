// Deliberately wrong programs: a sanitized build must catch each of them, or the sanitizer run
// is not sanitizing anything (tests/sanitizer/CMakeLists.txt checks the report text).
#include <cstdio>
#include <string_view>
#include <thread>

namespace {

int use_after_free() {
  int* p = new int[4]{1, 2, 3, 4};
  delete[] p;
  volatile int* q = p;
  return q[1];  // ASan: heap-use-after-free
}

int leak() {
  static void* volatile sink;  // through a volatile, so the allocation is not optimized away
  sink = new char[123];
  sink = nullptr;  // LSan at exit: 123 bytes leaked
  return sink == nullptr ? 0 : 1;
}

int overflow() {
  volatile int big = 2147483647;
  return big + 1;  // UBSan: signed integer overflow
}

int bad_bool() {
  alignas(bool) unsigned char byte = 110;  // what a decoder gets from a malformed message
  return *reinterpret_cast<volatile bool*>(&byte) ? 1 : 2;  // UBSan: load of value 110 ... 'bool'
}

int race() {
  static int shared = 0;
  std::thread t([] { shared = 1; });
  shared = 2;  // TSan: data race with the thread's write
  t.join();
  return shared;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sanitizer_canary use-after-free|leak|overflow|bad-bool|race\n");
    return 2;
  }
  const std::string_view what = argv[1];
  int r = 0;
  if (what == "use-after-free") r = use_after_free();
  else if (what == "leak") r = leak();
  else if (what == "overflow") r = overflow();
  else if (what == "bad-bool") r = bad_bool();
  else if (what == "race") r = race();
  else return 2;
  std::printf("survived %s (%d)\n", argv[1], r);  // a halting sanitizer never gets here
  return 0;
}
