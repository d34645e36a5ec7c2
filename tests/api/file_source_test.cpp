// Split points of the file source (api/sources/file.hpp over api/line_reader.hpp): whatever the
// number of replicas, every line of the file is read exactly once. Expected lines come from
// std::getline with a trailing '\r' dropped.
#include <random>
#include <string>
#include <vector>

#include <renoir/api/line_reader.hpp>

#include "test_util.hpp"

namespace renoir::test {
namespace {

struct Case {
  std::string name;
  std::string content;
};

std::string random_lines(std::uint32_t seed, int lines, int max_len, const std::string& eol, bool final_eol) {
  std::mt19937 rng(seed);
  std::string s;
  for (int i = 0; i < lines; ++i) {
    const int len = static_cast<int>(rng() % static_cast<std::uint32_t>(max_len + 1));
    for (int k = 0; k < len; ++k) s.push_back(static_cast<char>('a' + rng() % 26));
    if (i + 1 < lines || final_eol) s += eol;
  }
  return s;
}

std::vector<Case> cases() {
  std::vector<Case> c;
  c.push_back({"empty", ""});
  c.push_back({"one_byte", "a"});
  c.push_back({"one_newline", "\n"});
  c.push_back({"one_cr", "\r"});
  c.push_back({"two_bytes", "ab"});
  c.push_back({"two_bytes_line", "a\n"});
  c.push_back({"two_newlines", "\n\n"});
  c.push_back({"crlf_only", "\r\n"});
  c.push_back({"newline_then_byte", "\nb"});
  c.push_back({"smaller_than_replicas", "ab\ncd\n"});
  c.push_back({"tiny_no_final_newline", "x\ny\nz"});
  c.push_back({"empty_lines", "\n\nfirst\n\n\nsecond\n\n"});
  c.push_back({"only_empty_lines", std::string(37, '\n')});
  c.push_back({"crlf", "alpha\r\nbeta\r\n\r\ngamma\r\ndelta"});
  c.push_back({"crlf_final", "one\r\ntwo\r\nthree\r\n"});
  c.push_back({"mixed_eol", "a\r\nb\nc\r\n\nd\r"});
  c.push_back({"inner_cr_kept", "a\rb\nc\r\rd\n"});
  c.push_back({"random_short", random_lines(1, 500, 12, "\n", true)});
  c.push_back({"random_short_no_final", random_lines(2, 499, 12, "\n", false)});
  c.push_back({"random_crlf", random_lines(3, 300, 40, "\r\n", true)});
  c.push_back({"random_long_lines", random_lines(4, 40, 3000, "\n", false)});
  std::string long_line(2 * 1024 * 1024 + 12345, 'L');
  for (std::size_t i = 0; i < long_line.size(); i += 4099) long_line[i] = static_cast<char>('a' + i % 26);
  c.push_back({"single_long_line", long_line});
  c.push_back({"single_long_line_newline", long_line + "\n"});
  c.push_back({"long_line_between_short", "head\nx\n" + long_line + "\r\nafter\n\ntail"});
  c.push_back({"two_long_lines", long_line + "\n" + std::string(long_line.rbegin(), long_line.rend())});
  return c;
}

class FileSplit : public ::testing::TestWithParam<std::size_t> {};

INSTANTIATE_TEST_SUITE_P(Replicas, FileSplit, ::testing::Range(std::size_t{1}, std::size_t{9}),
                         [](const auto& info) { return cat("local", info.param); });

// Through the engine: stream_file at local(n), every case in one job.
TEST_P(FileSplit, StreamFileReadsEveryLineOnce) {
  TempDir dir;
  auto all = cases();
  StreamContext ctx(RuntimeConfig::local(GetParam()));
  std::vector<StreamOutput<std::vector<std::string>>> outs;
  for (auto& c : all) outs.push_back(ctx.stream_file(dir.write(c.name, c.content)).collect_vec());
  ctx.execute_blocking();
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto got = take(outs[i]);
    auto expected = lines_of(all[i].content);
    EXPECT_EQ(got.size(), expected.size()) << all[i].name;
    EXPECT_TRUE(multiset(got) == multiset(expected)) << all[i].name;
  }
}

// The reader alone, for every part of a cut into n: the parts, concatenated in order, give
// exactly the lines of the file, in order.
TEST_P(FileSplit, LineReaderPartsConcatenateToTheFile) {
  TempDir dir;
  for (auto& c : cases()) {
    const std::string path = dir.write(c.name, c.content);
    for (std::size_t parts : {GetParam(), GetParam() + 8, GetParam() * 13}) {
      std::vector<std::string> got;
      for (std::size_t part = 0; part < parts; ++part) {
        detail::LineReader reader(path, part, parts);
        std::string_view line;
        while (reader.next(line)) got.emplace_back(line);
      }
      EXPECT_EQ(got, lines_of(c.content)) << c.name << " cut into " << parts;
    }
  }
}

// Every cut point of a small file: one reader per byte (parts == size) and all others.
TEST(FileSplitExhaustive, EveryCutOfASmallFile) {
  TempDir dir;
  const std::string content = "ab\n\ncde\r\nf\n\r\ngh";
  const std::string path = dir.write("small.txt", content);
  for (std::size_t parts = 1; parts <= content.size() + 3; ++parts) {
    std::vector<std::string> got;
    for (std::size_t part = 0; part < parts; ++part) {
      detail::LineReader reader(path, part, parts);
      std::string_view line;
      while (reader.next(line)) got.emplace_back(line);
    }
    EXPECT_EQ(got, lines_of(content)) << parts << " parts";
  }
}

TEST(FileSplitExhaustive, LineOffsetsPointAtLineStarts) {
  TempDir dir;
  const std::string content = "one\n\ntwo\r\nthree";
  const std::string path = dir.write("offsets.txt", content);
  detail::LineReader reader(path, 0, 1);
  std::string_view line;
  std::vector<std::uint64_t> offsets;
  while (reader.next(line)) offsets.push_back(reader.line_offset());
  EXPECT_EQ(offsets, (std::vector<std::uint64_t>{0, 4, 5, 10}));
  EXPECT_EQ(detail::LineReader::line_number(path, 0), 1u);
  EXPECT_EQ(detail::LineReader::line_number(path, 4), 2u);
  EXPECT_EQ(detail::LineReader::line_number(path, 5), 3u);
  EXPECT_EQ(detail::LineReader::line_number(path, 10), 4u);
}

}  // namespace
}  // namespace renoir::test
