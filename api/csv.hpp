// CSV rows: splitting and quoting, and CsvCodec<T>, the customization point for row types.
#pragma once
#include <charconv>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace renoir {

/// The fields of one CSV row, consumed left to right by CsvCodec<T>::parse.
class CsvFields {
 public:
  explicit CsvFields(std::vector<std::string>&& fields) : fields_(std::move(fields)) {}
  /// The next field; throws std::runtime_error if the row has no more fields.
  const std::string& next() {
    if (pos_ >= fields_.size())
      throw std::runtime_error("expected more than " + std::to_string(fields_.size()) + " fields");
    return fields_[pos_++];
  }
  std::size_t consumed() const { return pos_; }
  std::size_t size() const { return fields_.size(); }

 private:
  std::vector<std::string> fields_;
  std::size_t pos_ = 0;
};

namespace detail {
/// A field as quoted in an error message: at most 40 bytes, non-printable bytes as \xNN.
inline std::string excerpt(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      const char* hex = "0123456789abcdef";
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  out.push_back('\'');
  if (s.size() > kMax) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}
}  // namespace detail

/// How a row type reads from and writes to CSV fields. Built in: arithmetic types,
/// std::string, std::optional (empty field), std::pair and std::tuple (one field per element).
/// For your own struct, specialize it:
/// ```cpp
/// template <> struct renoir::CsvCodec<Point> {
///   static Point parse(renoir::CsvFields& f) { return {CsvCodec<double>::parse(f), CsvCodec<double>::parse(f)}; }
///   static void format(const Point& p, std::vector<std::string>& out) { out.push_back(...); ... }
/// };
/// ```
template <class T, class = void>
struct CsvCodec;

template <class T>
struct CsvCodec<T, std::enable_if_t<std::is_arithmetic_v<T>>> {
  static T parse(CsvFields& f) {
    const std::string& s = f.next();
    const char* b = s.data();
    const char* e = s.data() + s.size();
    while (b < e && *b == ' ') ++b;
    if constexpr (std::is_same_v<T, bool>) {  // std::from_chars has no bool overload
      const std::string_view v(b, static_cast<std::size_t>(e - b));
      if (v == "true" || v == "1") return true;
      if (v == "false" || v == "0") return false;
      throw std::runtime_error("field " + std::to_string(f.consumed()) + " (" + detail::excerpt(s) + ") is not a valid boolean");
    } else {
      T value{};
      auto [p, ec] = std::from_chars(b, e, value);
      if (ec == std::errc::result_out_of_range)
        throw std::runtime_error("field " + std::to_string(f.consumed()) + " (" + detail::excerpt(s) + ") is out of range");
      if (ec != std::errc{} || p != e)
        throw std::runtime_error("field " + std::to_string(f.consumed()) + " (" + detail::excerpt(s) + ") is not a valid " +
                                 (std::is_floating_point_v<T> ? "number" : "integer"));
      return value;
    }
  }
  static void format(const T& v, std::vector<std::string>& out) {
    if constexpr (std::is_same_v<T, bool>) {
      out.emplace_back(v ? "true" : "false");
    } else {
      char buf[64];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
      out.emplace_back(buf, p);
    }
  }
};

template <>
struct CsvCodec<std::string> {
  static std::string parse(CsvFields& f) { return f.next(); }
  static void format(const std::string& v, std::vector<std::string>& out) { out.push_back(v); }
};

template <class T>
struct CsvCodec<std::optional<T>> {
  static std::optional<T> parse(CsvFields& f) {
    CsvFields probe = f;
    if (probe.next().empty()) {
      f.next();
      return std::nullopt;
    }
    return CsvCodec<T>::parse(f);
  }
  static void format(const std::optional<T>& v, std::vector<std::string>& out) {
    if (v)
      CsvCodec<T>::format(*v, out);
    else
      out.emplace_back();
  }
};

template <class A, class B>
struct CsvCodec<std::pair<A, B>> {
  static std::pair<A, B> parse(CsvFields& f) {
    A a = CsvCodec<A>::parse(f);
    B b = CsvCodec<B>::parse(f);
    return {std::move(a), std::move(b)};
  }
  static void format(const std::pair<A, B>& v, std::vector<std::string>& out) {
    CsvCodec<A>::format(v.first, out);
    CsvCodec<B>::format(v.second, out);
  }
};

template <class... Ts>
struct CsvCodec<std::tuple<Ts...>> {
  static std::tuple<Ts...> parse(CsvFields& f) { return std::tuple<Ts...>{CsvCodec<Ts>::parse(f)...}; }
  static void format(const std::tuple<Ts...>& v, std::vector<std::string>& out) {
    std::apply([&](const auto&... x) { (CsvCodec<std::remove_cvref_t<decltype(x)>>::format(x, out), ...); }, v);
  }
};

namespace detail {
/// Splits one CSV line (RFC 4180 quoting: "a,b" and "" for a quote; no newlines inside fields).
std::vector<std::string> split_csv_line(std::string_view line, char sep = ',');
/// Appends `fields` as one CSV line (quoted where needed), with a trailing '\n'.
void append_csv_line(const std::vector<std::string>& fields, std::string& out, char sep = ',');
}  // namespace detail

}  // namespace renoir
