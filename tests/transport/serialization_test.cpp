// Tests transport/serialization.hpp: round trips of built-in and user types, corrupt input.
#include <renoir/transport/serialization.hpp>

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace rt = renoir::transport;

namespace {
struct Point {
  double x, y;
  std::string label;
  bool operator==(const Point&) const = default;
};
struct Pod {
  int a;
  double b;
  bool operator==(const Pod&) const = default;
};

template <class T>
T round_trip(const T& value) {
  std::vector<std::byte> buf;
  rt::Writer w(buf);
  rt::write(w, value);
  rt::Reader r(buf.data(), buf.size());
  T out = rt::read<T>(r);
  EXPECT_EQ(r.remaining(), 0u);
  return out;
}
}  // namespace

template <>
struct renoir::transport::Serializer<Point> {
  static void write(Writer& w, const Point& p) {
    rt::write(w, p.x);
    rt::write(w, p.y);
    rt::write(w, p.label);
  }
  static Point read(Reader& r) {
    Point p;
    p.x = rt::read<double>(r);
    p.y = rt::read<double>(r);
    p.label = rt::read<std::string>(r);
    return p;
  }
};

TEST(Serialization, TriviallyCopyable) {
  EXPECT_EQ(round_trip(42), 42);
  EXPECT_EQ(round_trip(-1.5), -1.5);
  EXPECT_EQ(round_trip(Pod{7, 2.5}), (Pod{7, 2.5}));
  EXPECT_EQ(round_trip(std::pair<int, double>(1, 2.0)), (std::pair<int, double>(1, 2.0)));
}

TEST(Serialization, StandardTypes) {
  EXPECT_EQ(round_trip(std::string()), "");
  EXPECT_EQ(round_trip(std::string(100000, 'x')), std::string(100000, 'x'));
  std::vector<std::pair<std::string, std::size_t>> words{{"a", 1}, {"hello", 2}, {std::string(40, 'z'), 3}};
  EXPECT_EQ(round_trip(words), words);
  std::tuple<int, std::string, std::optional<double>> t{1, "two", std::nullopt};
  EXPECT_EQ(round_trip(t), t);
  std::optional<std::string> o = "x";
  EXPECT_EQ(round_trip(o), o);
  std::map<std::string, std::vector<int>> m{{"a", {1, 2}}, {"b", {}}};
  EXPECT_EQ(round_trip(m), m);
  std::unordered_map<int, std::string> u{{1, "one"}, {2, "two"}};
  EXPECT_EQ(round_trip(u), u);
  std::vector<bool> bits{true, false, true};
  EXPECT_EQ(round_trip(bits), bits);
}

TEST(Serialization, UserType) {
  std::vector<Point> pts{{1, 2, "a"}, {3, 4, std::string(30, 'q')}};
  EXPECT_EQ(round_trip(pts), pts);
}

TEST(Serialization, RandomVectors) {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::uint64_t> v(rng() % 5000);
    for (auto& x : v) x = rng();
    EXPECT_EQ(round_trip(v), v);
  }
}

TEST(Serialization, TruncatedInputThrows) {
  std::vector<std::byte> buf;
  rt::Writer w(buf);
  rt::write(w, std::vector<std::string>{"abc", "defgh"});
  for (std::size_t cut = 0; cut < buf.size(); ++cut) {
    rt::Reader r(buf.data(), cut);
    EXPECT_THROW(rt::read<std::vector<std::string>>(r), std::runtime_error) << "cut at " << cut;
  }
}

namespace {
struct NotSerializable {
  std::string s;
};
}  // namespace

TEST(Serialization, ConceptDetectsSupport) {
  static_assert(rt::Serializable<int>);
  static_assert(rt::Serializable<std::vector<std::pair<std::string, int>>>);
  static_assert(rt::Serializable<Point>);
  static_assert(!rt::Serializable<NotSerializable>);
  static_assert(!rt::Serializable<std::vector<NotSerializable>>);
  SUCCEED();
}
