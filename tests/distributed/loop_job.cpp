// Loops for the distributed tests: iterate with exchanges in its body, a nested replay and a
// join inside a loop, printed so that --remote can be compared with --local and the expected values.
#include <cstdint>
#include <iostream>
#include <string>
#include <utility>

#include <renoir/renoir.hpp>

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  if (args.size() != 2) {
    std::cerr << "usage: " << args[0] << " (--local N | --remote CONFIG) ITEMS\n";
    return 2;
  }
  config.spawn_remote_workers();
  const int n = std::stoi(args[1]);
  try {
    renoir::StreamContext ctx(config);
    // 6 rounds of x -> (x * 7 + 3) % n through a shuffle and a group_by, counted in the state.
    auto [state, items] = ctx.stream_par_iter(0, n).iterate(
        6, std::int64_t{0},
        [n](auto s) {
          return s.shuffle()
              .map([n](int x) { return static_cast<int>((static_cast<std::int64_t>(x) * 7 + 3) % n); })
              .group_by([](int x) { return x % 16; })
              .unkey()
              .map([](const std::pair<int, int>& kv) { return kv.second; });
        },
        [](std::int64_t& d, const int& x) { d += x; }, [](std::int64_t& s, std::int64_t d) { s += d; },
        [](std::int64_t&) { return true; });
    auto sum = items.fold(std::int64_t{0}, [](std::int64_t& a, int x) { a += x; }).collect_vec();
    auto st = state.collect_vec();
    // An outer replay of 3 rounds whose body is an inner replay of 2 rounds plus a join.
    auto nested = ctx.stream_par_iter(0, 200)
                      .replay(
                          3, std::int64_t{0},
                          [](auto s, renoir::IterationState<std::int64_t> outer) {
                            auto parts = s.map([outer](int x) { return std::int64_t{x} + outer.get() % 5; }).split(2);
                            auto joined = parts[0]
                                              .join(parts[1], [](std::int64_t x) { return x % 10; },
                                                    [](std::int64_t y) { return (y + 1) % 10; })
                                              .unkey()
                                              .map([](const auto& kv) { return kv.second.first - kv.second.second; });
                            return joined.replay(
                                2, std::int64_t{0}, [](std::int64_t& d, std::int64_t x) { d += x * x; },
                                [](std::int64_t& a, std::int64_t d) { a += d; }, [](std::int64_t&) { return true; });
                          },
                          [](std::int64_t& d, std::int64_t x) { d += x; }, [](std::int64_t& a, std::int64_t d) { a += d; },
                          [](std::int64_t&) { return true; })
                      .collect_vec();
    ctx.execute_blocking();
    auto a = sum.get(), b = st.get(), c = nested.get();
    if (!a) return 0;  // not host 0
    std::cout << "iterate_sum " << (a->empty() ? 0 : a->at(0)) << "\niterate_state " << b->at(0) << "\nnested "
              << c->at(0) << "\n";
  } catch (const std::exception& e) {
    std::cerr << args[0] << ": error: " << e.what() << '\n';
    return 1;
  }
}
