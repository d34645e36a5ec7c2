// Must not compile: sorted_by with a C-style comparator returning int; the build must fail with
// renoir's one-line message (tests/api/CMakeLists.txt checks it), not libstdc++'s.
#include <renoir/renoir.hpp>

int main() {
  auto ctx = renoir::StreamContext(renoir::RuntimeConfig::local(1));
  auto out = ctx.stream_par_iter(0, 10).sorted_by([](const int& a, const int& b) { return a - b; }).collect_vec();
  ctx.execute_blocking();
}
