// The result rows of Nexmark q0..q8, their printed form and an order-independent checksum.
#pragma once
#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "event.hpp"

namespace nexmark {

struct Q0Row { std::int64_t auction, bidder, price; Timestamp date_time; };  // every bid
struct Q1Row { std::int64_t auction, bidder, euro_price; Timestamp date_time; };  // price * 908 / 1000
struct Q2Row { std::int64_t auction, price; };  // bids with auction % 123 == 0
struct Q3Row { std::string name, city, state; std::int64_t auction; };  // OR/ID/CA sellers, category 10
struct Q4Row { std::int64_t category, auctions, sum; };  // winning prices per category
struct Q5Row { Timestamp window_end; std::int64_t auction, count; };  // most bids per sliding window
struct Q6Row { std::int64_t seller, auctions, sum; };  // the seller's last <= 10 closed auctions
struct Q7Row { Timestamp window_end; std::int64_t auction, bidder, price; Timestamp date_time; };  // top bid per window
struct Q8Row { Timestamp window_end; std::int64_t person; std::string name; };  // joined and sold in a window

/// FNV-1a over the fields' bytes (integers as 8 bytes, strings with their length).
class RowHash {
 public:
  RowHash& operator<<(std::int64_t v) {
    for (int b = 0; b < 8; ++b) byte(static_cast<unsigned char>(static_cast<std::uint64_t>(v) >> (8 * b)));
    return *this;
  }
  RowHash& operator<<(std::string_view s) {
    *this << static_cast<std::int64_t>(s.size());
    for (char c : s) byte(static_cast<unsigned char>(c));
    return *this;
  }
  std::uint64_t value() const { return h_; }

 private:
  void byte(unsigned char c) { h_ = (h_ ^ c) * 0x100000001b3ULL; }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

inline std::uint64_t row_hash(const Q0Row& r) { return (RowHash() << r.auction << r.bidder << r.price << r.date_time).value(); }
inline std::uint64_t row_hash(const Q1Row& r) { return (RowHash() << r.auction << r.bidder << r.euro_price << r.date_time).value(); }
inline std::uint64_t row_hash(const Q2Row& r) { return (RowHash() << r.auction << r.price).value(); }
inline std::uint64_t row_hash(const Q3Row& r) { return (RowHash() << r.name << r.city << r.state << r.auction).value(); }
inline std::uint64_t row_hash(const Q4Row& r) { return (RowHash() << r.category << r.auctions << r.sum).value(); }
inline std::uint64_t row_hash(const Q5Row& r) { return (RowHash() << r.window_end << r.auction << r.count).value(); }
inline std::uint64_t row_hash(const Q6Row& r) { return (RowHash() << r.seller << r.auctions << r.sum).value(); }
inline std::uint64_t row_hash(const Q7Row& r) {
  return (RowHash() << r.window_end << r.auction << r.bidder << r.price << r.date_time).value();
}
inline std::uint64_t row_hash(const Q8Row& r) { return (RowHash() << r.window_end << r.person << r.name).value(); }

namespace detail {
inline std::string join(std::initializer_list<std::string> fields) {
  std::string s;
  bool first = true;
  for (const auto& f : fields) {
    if (!first) s += ',';
    s += f;
    first = false;
  }
  return s;
}
inline std::string s(std::int64_t v) { return std::to_string(v); }
}  // namespace detail

inline std::string format(const Q0Row& r) { using detail::s; return detail::join({s(r.auction), s(r.bidder), s(r.price), s(r.date_time)}); }
inline std::string format(const Q1Row& r) { using detail::s; return detail::join({s(r.auction), s(r.bidder), s(r.euro_price), s(r.date_time)}); }
inline std::string format(const Q2Row& r) { using detail::s; return detail::join({s(r.auction), s(r.price)}); }
inline std::string format(const Q3Row& r) { return detail::join({r.name, r.city, r.state, detail::s(r.auction)}); }
/// `category,auctions,sum,average`: the average with two decimals, rounded half up in integers.
inline std::string format(const Q4Row& r) {
  using detail::s;
  std::string avg = "0.00";
  if (r.auctions > 0 && r.sum >= 0) {
    const std::int64_t cents = (r.sum * 200 + r.auctions) / (2 * r.auctions);
    const std::int64_t frac = cents % 100;
    avg = s(cents / 100) + (frac < 10 ? ".0" : ".") + s(frac);
  }
  return detail::join({s(r.category), s(r.auctions), s(r.sum), avg});
}
inline std::string format(const Q5Row& r) { using detail::s; return detail::join({s(r.window_end), s(r.auction), s(r.count)}); }
inline std::string format(const Q6Row& r) { using detail::s; return detail::join({s(r.seller), s(r.auctions), s(r.sum)}); }
inline std::string format(const Q7Row& r) {
  using detail::s;
  return detail::join({s(r.window_end), s(r.auction), s(r.bidder), s(r.price), s(r.date_time)});
}
inline std::string format(const Q8Row& r) { using detail::s; return detail::join({s(r.window_end), s(r.person), r.name}); }

/// How many rows and the sum of their hashes: the same for any order, so parallel jobs fold it.
struct Summary {
  std::uint64_t rows = 0;
  std::uint64_t checksum = 0;
  template <class Row>
  void add(const Row& r) {
    ++rows;
    checksum += row_hash(r);
  }
  void merge(const Summary& o) {
    rows += o.rows;
    checksum += o.checksum;
  }
};

/// `q<N> rows=<n> checksum=<16 hex>`, then the rows if given, one a line, in std::sort order.
inline void print(std::ostream& out, int query, const Summary& s, const std::vector<std::string>* rows) {
  char line[96];
  std::snprintf(line, sizeof line, "q%d rows=%" PRIu64 " checksum=%016" PRIx64 "\n", query, s.rows, s.checksum);
  out << line;
  if (!rows) return;
  std::vector<std::string> copy;
  const std::vector<std::string>* sorted = rows;
  if (!std::is_sorted(rows->begin(), rows->end())) {
    copy = *rows;
    std::sort(copy.begin(), copy.end());
    sorted = &copy;
  }
  for (const auto& r : *sorted) out << r << '\n';
}

}  // namespace nexmark

namespace renoir::transport {
/// Q3 and Q8 rows hold strings: field by field (the other rows are raw bytes).
template <>
struct Serializer<nexmark::Q3Row>
    : Fields<&nexmark::Q3Row::name, &nexmark::Q3Row::city, &nexmark::Q3Row::state, &nexmark::Q3Row::auction> {};
template <>
struct Serializer<nexmark::Q8Row> : Fields<&nexmark::Q8Row::window_end, &nexmark::Q8Row::person, &nexmark::Q8Row::name> {};
}  // namespace renoir::transport
