// API traps (api/traits.hpp, operators, config, context): natural code that would read a dead
// object. Views into items that then move, views into by-value parameters (refused at compile
// time), accessors called on temporaries. StreamOutput::get() is in sinks_test.cpp.
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(ApiTraps);

// Items short enough for the small-string buffer: moving one leaves no bytes where they were.
std::string short_item(int x) { return cat("k", x % 7, "-", x); }

// key_by with a key viewing into the item: the item then moves into the pair. The key used to
// be that view, reading the moved-from bytes ("\0" instead of "k3"); it is now a std::string
// built before the move, as grouping keys are.
TEST_P(ApiTraps, KeyByStringViewKeyOutlivesTheMovedItem) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 1000)
                 .map(short_item)
                 .key_by([](const std::string& s) { return std::string_view(s).substr(0, 2); })
                 .map([](const std::string& key, std::string v) { return key + "|" + v; })
                 .drop_key()
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::string> expected;
  for (int x = 0; x < 1000; ++x) expected.push_back(cat("k", x % 7, "|", short_item(x)));
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(ApiTraps, GroupByStringViewKeyIsAString) {
  auto ctx = context();
  auto grouped = ctx.stream_par_iter(0, 700).map(short_item).group_by([](const std::string& s) {
    return std::string_view(s).substr(0, 2);
  });
  static_assert(std::is_same_v<typename decltype(grouped)::key_type, std::string>);
  auto out = grouped.fold(0, [](int& n, const std::string&) { ++n; }).collect_vec();
  ctx.execute_blocking();
  auto counts = to_map(take(out));
  ASSERT_EQ(counts.size(), 7u);
  for (int k = 0; k < 7; ++k) EXPECT_EQ(counts[cat("k", k)], 100) << k;
}

// A keyed map whose value views into the key: the old pair's key used to be moved into the new
// pair, leaving the view pointing at moved-from bytes. The key is copied when the value is a view.
TEST_P(ApiTraps, KeyedMapValueViewingTheKeyStaysValid) {
  auto ctx = context();
  auto out = ctx.stream_par_iter(0, 900)
                 .key_by([](const int& x) { return cat("key", x % 9); })
                 .map([](const std::string& key, int) { return std::string_view(key).substr(3); })
                 .filter_map([](const std::string& key, std::string_view digits) -> std::optional<std::string_view> {
                   return digits == std::string_view(key).substr(3) ? std::optional(std::string_view(key)) : std::nullopt;
                 })
                 .map([](const std::string&, std::string_view v) { return std::string(v); })
                 .drop_key()
                 .collect_vec();
  ctx.execute_blocking();
  std::vector<std::string> expected;
  for (int x = 0; x < 900; ++x) expected.push_back(cat("key", x % 9));
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

// Callables that take an owning buffer by value and return a view into it are refused at
// compile time (map, filter_map, flat_map, key functions); views of items taken by reference,
// of views, or from generic lambdas are accepted.
TEST(ApiTrapsCompileTime, ViewsIntoByValueParametersAreDetected) {
  auto by_value = [](std::string s) { return std::string_view(s); };
  auto by_value_span = [](std::vector<int> v) { return std::span<const int>(v); };
  auto by_value_optional = [](const std::string s) { return std::optional<std::string_view>(s); };
  auto by_value_pair = [](std::string s) { return std::pair<std::string_view, int>(s, 1); };
  auto keyed_by_value = [](const std::string&, std::string v) { return std::string_view(v); };
  static_assert(detail::returns_view_into_by_value_param<decltype(by_value)>());
  static_assert(detail::returns_view_into_by_value_param<decltype(by_value_span)>());
  static_assert(detail::returns_view_into_by_value_param<decltype(by_value_optional)>());
  static_assert(detail::returns_view_into_by_value_param<decltype(by_value_pair)>());
  static_assert(detail::returns_view_into_by_value_param<decltype(keyed_by_value)>());
  static_assert(detail::returns_view_into_by_value_param<std::string_view (*)(std::string)>());

  auto by_ref = [](const std::string& s) { return std::string_view(s); };
  auto of_view = [](std::string_view s) { return s.substr(1); };
  auto owning = [](std::string s) { return s; };
  auto generic = [](auto s) { return s; };
  auto of_int = [](int) { return std::string_view("literal"); };
  static_assert(!detail::returns_view_into_by_value_param<decltype(by_ref)>());
  static_assert(!detail::returns_view_into_by_value_param<decltype(of_view)>());
  static_assert(!detail::returns_view_into_by_value_param<decltype(owning)>());
  static_assert(!detail::returns_view_into_by_value_param<decltype(generic)>());
  static_assert(!detail::returns_view_into_by_value_param<decltype(of_int)>());
  (void)by_value, (void)by_value_span, (void)by_value_optional, (void)by_value_pair, (void)keyed_by_value;
  (void)by_ref, (void)of_view, (void)owning, (void)generic, (void)of_int;
}

// Accessors returning references into their object give values on temporaries: a range-for
// over a temporary config's hosts, or a reference kept from a temporary context, stay valid.
TEST(ApiTrapsTemporaries, AccessorsOfTemporariesReturnValues) {
  std::size_t total = 0;
  for (std::size_t cores : RuntimeConfig::simulated({2, 1}).simulated_hosts()) total += cores;
  EXPECT_EQ(total, 3u);
  static_assert(std::is_same_v<decltype(RuntimeConfig::simulated({1}).simulated_hosts()), std::vector<std::size_t>>);
  static_assert(std::is_same_v<decltype(StreamContext(RuntimeConfig::local(1)).config()), RuntimeConfig>);
  const auto& config = StreamContext(RuntimeConfig::local(3)).config();  // lifetime-extended value
  EXPECT_EQ(config.local_parallelism(), 3u);
  const RuntimeConfig named = RuntimeConfig::simulated({1, 2});
  static_assert(std::is_same_v<decltype(named.simulated_hosts()), const std::vector<std::size_t>&>);
  EXPECT_EQ(named.simulated_hosts().size(), 2u);
}

}  // namespace
}  // namespace renoir::test
