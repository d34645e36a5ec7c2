// Renoir's sink spellings (api/sinks/collect.hpp, write_csv.hpp): collect_vec_all,
// collect_all<Container>, write_csv(path_of_replica, append) and write_csv_one(path, append).
#include <filesystem>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(RenoirSinks);

TEST_P(RenoirSinks, CollectAllVariantsGiveEverythingOnHostZero) {
  auto ctx = context();
  auto vec_all = ctx.stream_par_iter(0, 3000).collect_vec_all();
  auto set_all = ctx.stream_par_iter(0, 3000).map([](int x) { return x % 100; }).collect_all<std::set<int>>();
  auto uset_all = ctx.stream_par_iter(0, 50).collect_all<std::unordered_set<int>>();
  auto plain = ctx.stream_par_iter(0, 10).collect_all();  // the old spelling: a vector
  ctx.execute_blocking();
  // Simulated hosts share this process: every host's replica fills the same slot with the
  // whole stream; which host's copy is kept does not matter, each holds everything.
  EXPECT_EQ(sorted(take(vec_all)), iota(3000));
  std::set<int> expected_set;
  for (int x = 0; x < 100; ++x) expected_set.insert(x);
  EXPECT_EQ(take(set_all), expected_set);
  auto u = take(uset_all);
  const auto fifty = iota(50);
  EXPECT_EQ(u.size(), 50u);
  EXPECT_EQ(std::set<int>(u.begin(), u.end()), std::set<int>(fifty.begin(), fifty.end()));
  static_assert(std::is_same_v<decltype(plain), StreamOutput<std::vector<int>>>);
  EXPECT_EQ(sorted(take(plain)), iota(10));
}

// One file per replica of the writing block; the union of their rows is the input.
TEST_P(RenoirSinks, WriteCsvPerReplicaWritesOneFilePerReplica) {
  TempDir dir;
  constexpr int kN = 20000;
  {
    auto ctx = context();
    ctx.stream_par_iter(0, kN)
        .map([](int x) { return std::pair<int, std::string>(x, cat("v", x)); })
        .write_csv([&dir](std::size_t i) { return dir.file(cat("part-", i, ".csv")); }, false);
    ctx.execute_blocking();
  }
  std::vector<std::string> rows;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.file(""))) {
    ++files;
    for (auto& line : lines_of(read_file(entry.path().string()))) rows.push_back(line);
  }
  EXPECT_EQ(files, n());
  for (std::size_t i = 0; i < n(); ++i) EXPECT_TRUE(std::filesystem::exists(dir.file(cat("part-", i, ".csv")))) << i;
  std::vector<std::string> expected;
  for (int x = 0; x < kN; ++x) expected.push_back(cat(x, ",v", x));
  EXPECT_EQ(sorted(rows), sorted(expected));
}

// Every replica creates its file even without items; append adds after what is there,
// otherwise the file is truncated.
TEST_P(RenoirSinks, WriteCsvPerReplicaAppendsOrTruncates) {
  TempDir dir;
  auto path_of = [&dir](std::size_t i) { return dir.file(cat("r", i, ".csv")); };
  auto run = [&](int from, int to, bool append) {
    auto ctx = context();
    ctx.stream_par_iter(from, to).write_csv(path_of, append);
    ctx.execute_blocking();
  };
  auto all_rows = [&] {
    std::vector<std::string> rows;
    for (std::size_t i = 0; i < n(); ++i)
      for (auto& line : lines_of(read_file(path_of(i)))) rows.push_back(line);
    return sorted(rows);
  };
  auto numbers = [](int from, int to) {
    std::vector<std::string> v;
    for (int x = from; x < to; ++x) v.push_back(std::to_string(x));
    return v;
  };
  run(0, 0, false);  // no items: still one (empty) file per replica
  for (std::size_t i = 0; i < n(); ++i) EXPECT_TRUE(std::filesystem::exists(path_of(i))) << i;
  EXPECT_TRUE(all_rows().empty());
  run(0, 100, false);
  run(100, 250, true);
  auto both = numbers(0, 250);
  EXPECT_EQ(all_rows(), sorted(both));
  run(1000, 1010, false);
  EXPECT_EQ(all_rows(), sorted(numbers(1000, 1010)));
}

TEST_P(RenoirSinks, WriteCsvOneWritesOneFileAndCanAppend) {
  TempDir dir;
  const std::string path = dir.file("one.csv");
  auto run = [&](int from, int to, bool append) {
    auto ctx = context();
    ctx.stream_par_iter(from, to).write_csv_one(path, append);
    ctx.execute_blocking();
  };
  run(0, 500, false);
  run(500, 800, true);
  std::vector<std::string> expected;
  for (int x = 0; x < 800; ++x) expected.push_back(std::to_string(x));
  EXPECT_EQ(sorted(lines_of(read_file(path))), sorted(expected));
  {
    auto ctx = context();
    ctx.stream_par_iter(0, 3).write_csv(path);  // the old spelling: one file, truncated
    ctx.execute_blocking();
  }
  EXPECT_EQ(sorted(lines_of(read_file(path))), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("")), std::filesystem::directory_iterator()), 1);
}

TEST_P(RenoirSinks, WriteCsvToAnUnwritablePathNamesIt) {
  auto ctx = context();
  ctx.stream_par_iter(0, 10).write_csv([](std::size_t i) { return cat("/nonexistent-dir/part", i, ".csv"); }, false);
  try {
    ctx.execute_blocking();
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/part"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace renoir::test
