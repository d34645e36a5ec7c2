// CSV: stream_csv<T> (api/sources/csv.hpp), write_csv (api/sinks/write_csv.hpp) and the
// codecs (api/csv.hpp), at parallelism 1, 2 and 4.
#include <charconv>
#include <optional>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

RENOIR_PAR_SUITE(Csv);

using Row = std::tuple<int, std::string, double>;

// A CSV field the way RFC 4180 writes it, done by hand for the expected output.
std::string quote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

TEST_P(Csv, TuplesWithHeader) {
  TempDir dir;
  std::vector<Row> rows;
  std::string content = "id,name,score\n";
  for (int i = 0; i < 3000; ++i) {
    rows.emplace_back(i - 100, cat("n", i % 17), i * 0.25);
    content += cat(i - 100, ",n", i % 17, ",", i * 0.25, "\n");
  }
  const std::string path = dir.write("rows.csv", content);
  auto ctx = context();
  auto out = ctx.stream_csv<Row>(path).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), sorted(rows));
}

TEST_P(Csv, PairsWithoutHeaderCrlfAndEmptyLines) {
  TempDir dir;
  std::vector<std::pair<std::string, long>> rows;
  std::string content;
  for (int i = 0; i < 2000; ++i) {
    rows.emplace_back(cat("k", i % 9), 1000000000000L + i);
    content += cat("k", i % 9, ",", 1000000000000L + i, "\r\n");
    if (i % 100 == 0) content += "\r\n";  // empty lines are skipped
  }
  const std::string path = dir.write("pairs.csv", content);
  auto ctx = context();
  auto out = ctx.stream_csv<std::pair<std::string, long>>(path, false).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), sorted(rows));
}

TEST_P(Csv, ArithmeticAndStringRows) {
  TempDir dir;
  std::string ints = "value\n", doubles, strings = "header line, with a comma\n", bools;
  std::vector<int> e_ints;
  std::vector<double> e_doubles;
  std::vector<std::string> e_strings;
  std::vector<bool> e_bools;
  for (int i = 0; i < 1500; ++i) {
    ints += std::to_string(i * 3 - 7) + "\n";
    e_ints.push_back(i * 3 - 7);
    doubles += std::to_string(i) + ".5\n";
    e_doubles.push_back(i + 0.5);
    const std::string s = i % 3 == 0 ? cat("plain", i) : i % 3 == 1 ? cat("with,comma", i) : cat("say \"hi\" ", i);
    strings += quote(s) + "\n";
    e_strings.push_back(s);
    bools += i % 2 ? "true\n" : "false\n";
    e_bools.push_back(i % 2);
  }
  auto ctx = context();
  auto a = ctx.stream_csv<int>(dir.write("ints.csv", ints)).collect_vec();
  auto b = ctx.stream_csv<double>(dir.write("doubles.csv", doubles), false).collect_vec();
  auto c = ctx.stream_csv<std::string>(dir.write("strings.csv", strings)).collect_vec();
  auto d = ctx.stream_csv<bool>(dir.write("bools.csv", bools), false).collect_count();
  auto e = ctx.stream_csv<bool>(dir.write("bools2.csv", bools), false).filter([](const bool& x) { return x; }).collect_count();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(a)), sorted(e_ints));
  EXPECT_EQ(sorted(take(b)), sorted(e_doubles));
  EXPECT_EQ(sorted(take(c)), sorted(e_strings));
  EXPECT_EQ(take(d), e_bools.size());
  EXPECT_EQ(take(e), static_cast<std::size_t>(std::count(e_bools.begin(), e_bools.end(), true)));
}

TEST_P(Csv, OptionalFields) {
  TempDir dir;
  const std::string content = "a,b\n1,\n,2\n3,4\n,\n";
  auto ctx = context();
  auto out = ctx.stream_csv<std::pair<std::optional<int>, std::optional<int>>>(dir.write("opt.csv", content)).collect_vec();
  ctx.execute_blocking();
  std::vector<std::pair<std::optional<int>, std::optional<int>>> expected{
      {1, std::nullopt}, {std::nullopt, 2}, {3, 4}, {std::nullopt, std::nullopt}};
  EXPECT_EQ(sorted(take(out)), sorted(expected));
}

TEST_P(Csv, HeaderOnlyAndEmptyFile) {
  TempDir dir;
  auto ctx = context();
  auto header_only = ctx.stream_csv<Row>(dir.write("header.csv", "id,name,score\n")).collect_vec();
  auto empty = ctx.stream_csv<Row>(dir.write("empty.csv", "")).collect_count();
  auto empty_no_header = ctx.stream_csv<int>(dir.write("empty2.csv", ""), false).collect_vec();
  ctx.execute_blocking();
  EXPECT_TRUE(take(header_only).empty());
  EXPECT_EQ(take(empty), 0u);
  EXPECT_TRUE(take(empty_no_header).empty());
}

// Without has_header the first line is data (and here it is not a number: an error on line 1).
TEST_P(Csv, HeaderIsDataWhenNotSkipped) {
  TempDir dir;
  const std::string path = dir.write("h.csv", "value\n1\n2\n");
  auto ctx = context();
  auto out = ctx.stream_csv<int>(path, false).collect_vec();
  try {
    ctx.execute_blocking();
    FAIL() << "no error for a header parsed as an int";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":1:"), std::string::npos) << e.what();
  }
}

// A malformed row far into the file: the error names the file and the row's line number.
TEST_P(Csv, MalformedRowNamesFileAndLine) {
  TempDir dir;
  struct Bad {
    std::string row;
    std::string what;
  };
  // What was expected and what was found; binary bytes escaped, long fields cut short.
  const std::string long_field(1000, '7');
  for (const Bad& bad : {Bad{"12,abc,x.5", "field 3 ('x.5') is not a valid number"},
                         Bad{"1,2", "expected 3 fields, found 2"}, Bad{"1,a,2.0,extra", "expected 3 fields, found 4"},
                         Bad{"zz,a,1.0", "field 1 ('zz') is not a valid integer"},
                         Bad{"99999999999,a,1.0", "field 1 ('99999999999') is out of range"},
                         Bad{std::string("\x01\0\xff,a,1.0", 10), "field 1 ('\\x01\\x00\\xff') is not a valid integer"},
                         Bad{long_field + ",a,1", "field 1 ('" + long_field.substr(0, 40) + "'... (1000 bytes)) is out of range"},
                         Bad{"1,\"unterminated,2.0", "unterminated quoted field"}}) {
    std::string content = "id,name,score\n";
    const int bad_line = 2345;  // 1-based, counting the header
    for (int line = 2; line <= 4000; ++line) {
      if (line == bad_line)
        content += bad.row + "\n";
      else
        content += std::to_string(line) + ",x,1.5\n";
      if (line % 500 == 0) content += "\n";  // empty lines count as lines
    }
    int expected_line = 0, count = 0;
    for (auto& l : lines_of(content)) {
      ++count;
      if (l == bad.row) expected_line = count;
    }
    ASSERT_GT(expected_line, 0);
    const std::string path = dir.write("bad.csv", content);
    auto ctx = context();
    auto out = ctx.stream_csv<Row>(path).collect_vec();
    try {
      ctx.execute_blocking();
      ADD_FAILURE() << "no error for row '" << bad.row << "'";
    } catch (const std::runtime_error& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg, cat(path, ":", expected_line, ": ", bad.what));
    }
  }
}

// Quoted fields holding separators, quotes and spaces, CRLF line ends, a quoted header.
TEST_P(Csv, QuotedFieldsCrlfAndQuotedHeader) {
  TempDir dir;
  std::string content = "id,\"name, quoted\",score\r\n";
  std::vector<Row> rows;
  for (int i = 0; i < 2000; ++i) {
    const std::string name = i % 2 ? cat("say \"hi\", ", i) : cat(" spaced ", i, " ");
    rows.emplace_back(i, name, i + 0.5);
    content += cat(i, ",", quote(name), ",", i + 0.5, "\r\n");
  }
  auto ctx = context();
  auto out = ctx.stream_csv<Row>(dir.write("quoted.csv", content)).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(out)), sorted(rows));
}

// A UTF-8 byte order mark before the first row is not part of its first field.
TEST_P(Csv, ByteOrderMarkIsSkipped) {
  TempDir dir;
  auto ctx = context();
  auto no_header = ctx.stream_csv<std::pair<int, int>>(dir.write("bom.csv", "\xEF\xBB\xBF" "1,2\n3,4\n"), false).collect_vec();
  auto header = ctx.stream_csv<std::pair<int, int>>(dir.write("bom_h.csv", "\xEF\xBB\xBF" "a,b\n5,6\n")).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(no_header)), (std::vector<std::pair<int, int>>{{1, 2}, {3, 4}}));
  EXPECT_EQ(take(header), (std::vector<std::pair<int, int>>{{5, 6}}));
}

// A quoted field cannot hold a newline (rows are lines, split across replicas by byte range):
// the line where the quote opens is an error, and so is the rest of the row on the next line
// (with several replicas, either may be the first one reported).
TEST_P(Csv, NewlineInsideQuotesIsAnErrorAtItsLine) {
  TempDir dir;
  const std::string path = dir.write("multiline.csv", "a,b,c\n1,x,2\n3,\"two\nlines\",4\n");
  auto ctx = context();
  auto out = ctx.stream_csv<Row>(path).collect_vec();
  try {
    ctx.execute_blocking();
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(msg == path + ":3: unterminated quoted field" || msg == path + ":4: expected 3 fields, found 2") << msg;
  }
}

TEST_P(Csv, WriteCsvReadBack) {
  TempDir dir;
  std::vector<std::pair<int, std::string>> rows;
  for (int i = 0; i < 2500; ++i) {
    std::string s = i % 4 == 0 ? "plain" : i % 4 == 1 ? "a,b" : i % 4 == 2 ? "q\"uote" : "";
    rows.emplace_back(i, s + std::to_string(i % 11));
  }
  const std::string path = dir.file("out.csv");
  {
    auto ctx = context();
    ctx.stream_iter(rows).shuffle().write_csv(path);
    ctx.execute_blocking();
  }
  std::vector<std::string> expected_lines;
  for (auto& [i, s] : rows) expected_lines.push_back(std::to_string(i) + "," + quote(s));
  const std::string written = read_file(path);
  ASSERT_FALSE(written.empty());
  EXPECT_EQ(written.back(), '\n');
  EXPECT_EQ(multiset(lines_of(written)), multiset(expected_lines));
  // And back through the reader.
  auto ctx = context();
  auto back = ctx.stream_csv<std::pair<int, std::string>>(path, false).collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(sorted(take(back)), sorted(rows));
}

TEST_P(Csv, WriteCsvTuplesAndScalars) {
  TempDir dir;
  const std::string tuples = dir.file("t.csv"), scalars = dir.file("s.csv"), empty = dir.file("e.csv");
  auto ctx = context();
  ctx.stream_par_iter(0, 1000).map([](int x) { return std::tuple<int, double, bool>(x, x / 4.0, x % 2 == 0); }).write_csv(tuples);
  ctx.stream_par_iter(0, 1000).map([](int x) { return static_cast<long long>(x) * 1000003; }).write_csv(scalars);
  ctx.stream_iter(std::vector<int>{}).write_csv(empty);
  ctx.execute_blocking();
  std::vector<std::string> e_tuples, e_scalars;
  for (int x = 0; x < 1000; ++x) {
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, x / 4.0);
    e_tuples.push_back(std::to_string(x) + "," + std::string(buf, p) + "," + (x % 2 == 0 ? "true" : "false"));
    e_scalars.push_back(std::to_string(static_cast<long long>(x) * 1000003));
  }
  EXPECT_EQ(multiset(lines_of(read_file(tuples))), multiset(e_tuples));
  EXPECT_EQ(multiset(lines_of(read_file(scalars))), multiset(e_scalars));
  EXPECT_TRUE(std::filesystem::exists(empty));
  EXPECT_EQ(read_file(empty), "");
}

TEST(CsvCodec, SplitAndAppendRoundTrip) {
  const std::vector<std::vector<std::string>> rows{
      {"a", "b", "c"}, {""}, {"", ""}, {"x,y", "say \"hi\"", ""}, {"line\nbreak", "cr\r"}, {"\"\"", ","}};
  for (const auto& fields : rows) {
    std::string line;
    detail::append_csv_line(fields, line);
    ASSERT_EQ(line.back(), '\n');
    line.pop_back();
    if (line.find('\n') == std::string::npos && line.find('\r') == std::string::npos) {
      EXPECT_EQ(detail::split_csv_line(line), fields) << line;
    }
  }
  EXPECT_EQ(detail::split_csv_line("1,\"a,b\",\"q\"\"\"", ','), (std::vector<std::string>{"1", "a,b", "q\""}));
  EXPECT_EQ(detail::split_csv_line("a;b", ';'), (std::vector<std::string>{"a", "b"}));
  EXPECT_THROW(detail::split_csv_line("\"open"), std::runtime_error);
  EXPECT_THROW(detail::split_csv_line("\"a\"b"), std::runtime_error);
}

TEST(CsvCodec, Booleans) {
  auto parse = [](std::string field) {
    CsvFields f(std::vector<std::string>{std::move(field)});
    return CsvCodec<bool>::parse(f);
  };
  EXPECT_TRUE(parse("true"));
  EXPECT_TRUE(parse("1"));
  EXPECT_TRUE(parse("  true"));
  EXPECT_FALSE(parse("false"));
  EXPECT_FALSE(parse("0"));
  EXPECT_THROW(parse("yes"), std::runtime_error);
  EXPECT_THROW(parse(""), std::runtime_error);
  EXPECT_THROW(parse("2"), std::runtime_error);
  std::vector<std::string> out;
  CsvCodec<bool>::format(true, out);
  CsvCodec<bool>::format(false, out);
  EXPECT_EQ(out, (std::vector<std::string>{"true", "false"}));
}

TEST(CsvCodec, NumbersRejectGarbage) {
  auto parse_int = [](std::string field) {
    CsvFields f(std::vector<std::string>{std::move(field)});
    return CsvCodec<int>::parse(f);
  };
  EXPECT_EQ(parse_int("42"), 42);
  EXPECT_EQ(parse_int(" -7"), -7);
  EXPECT_THROW(parse_int("4 2"), std::runtime_error);
  EXPECT_THROW(parse_int("99999999999"), std::runtime_error);
  EXPECT_THROW(parse_int("1.5"), std::runtime_error);
  CsvFields f(std::vector<std::string>{"2.5e3", "x"});
  EXPECT_DOUBLE_EQ(CsvCodec<double>::parse(f), 2500.0);
  EXPECT_THROW(CsvCodec<double>::parse(f), std::runtime_error);
  EXPECT_THROW(CsvCodec<double>::parse(f), std::runtime_error);  // no fields left
}

}  // namespace
}  // namespace renoir::test
