// The Nexmark generator (examples/nexmark/generator.hpp), its events' encoding, the rows' printed
// form, and the hand-written queries (bench/handwritten_nexmark.hpp) against brute force.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "handwritten_nexmark.hpp"
#include "nexmark/event.hpp"
#include "nexmark/generator.hpp"
#include "nexmark/rows.hpp"

namespace {

using namespace nexmark;
using Kind = Event::Kind;

std::vector<Event> events(std::uint64_t n, std::uint64_t seed = 42) {
  std::vector<Event> v;
  v.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) v.push_back(event_at(seed, i));
  return v;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

template <class Row>
std::vector<std::string> formatted(const std::vector<Row>& rows) {
  std::vector<std::string> v;
  for (const Row& r : rows) v.push_back(format(r));
  return sorted(v);
}

template <class Row>
Summary summary_of(const std::vector<Row>& rows) {
  Summary s;
  for (const Row& r : rows) s.add(r);
  return s;
}

/// Runs the hand-written query and checks it against brute-force rows.
template <class Row>
void expect_query(int query, std::uint64_t n, const std::vector<Row>& expected) {
  const auto r = handwritten::run(query, n, 42, true);
  EXPECT_EQ(sorted(r.rows), formatted(expected)) << "q" << query;
  const Summary s = summary_of(expected);
  EXPECT_EQ(r.summary.rows, s.rows) << "q" << query;
  EXPECT_EQ(r.summary.checksum, s.checksum) << "q" << query;
  EXPECT_EQ(r.summary.rows, r.rows.size());
}

TEST(NexmarkGenerator, ProportionsAndTimestamps) {
  std::uint64_t counts[3] = {0, 0, 0};
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const Event e = event_at(42, i);
    ++counts[static_cast<int>(e.kind)];
    EXPECT_EQ(e.timestamp(), static_cast<Timestamp>(i));
    EXPECT_EQ(e.kind, kind_at(i));
    const std::uint64_t off = i % 50;
    EXPECT_EQ(e.kind, off == 0 ? Kind::person : off <= 3 ? Kind::auction : Kind::bid) << i;
  }
  EXPECT_EQ(counts[0], 100u);
  EXPECT_EQ(counts[1], 300u);
  EXPECT_EQ(counts[2], 4600u);
}

TEST(NexmarkGenerator, IdsConsecutiveAndReferencesOlder) {
  std::map<std::int64_t, Timestamp> persons, auctions;  // id -> date_time
  std::int64_t next_person = first_person_id, next_auction = first_auction_id;
  std::set<std::int64_t> categories, prices_big;
  for (const Event& e : events(5000)) {
    switch (e.kind) {
      case Kind::person:
        EXPECT_EQ(e.person.id, next_person++);
        persons[e.person.id] = e.person.date_time;
        EXPECT_EQ(e.person.credit_card.size(), 16u);
        EXPECT_TRUE(e.person.state == "AZ" || e.person.state == "CA" || e.person.state == "ID" ||
                    e.person.state == "OR" || e.person.state == "WA" || e.person.state == "WY");
        break;
      case Kind::auction: {
        const Auction& a = e.auction;
        EXPECT_EQ(a.id, next_auction++);
        auctions[a.id] = a.date_time;
        ASSERT_TRUE(persons.count(a.seller)) << "seller " << a.seller;
        EXPECT_LT(persons[a.seller], a.date_time);
        EXPECT_GE(a.expires, a.date_time + 2000);
        EXPECT_LT(a.expires, a.date_time + max_auction_duration);
        EXPECT_GE(a.reserve, a.initial_bid);
        categories.insert(a.category);
        break;
      }
      case Kind::bid: {
        const Bid& b = e.bid;
        ASSERT_TRUE(auctions.count(b.auction)) << "auction " << b.auction;
        ASSERT_TRUE(persons.count(b.bidder)) << "bidder " << b.bidder;
        EXPECT_LT(auctions[b.auction], b.date_time);
        EXPECT_LT(persons[b.bidder], b.date_time);
        EXPECT_GE(b.price, 100);
        if (b.price > 100'100) prices_big.insert(b.price);
        EXPECT_EQ(b.url, "https://www.nexmark.com/" + b.channel + "/item.htm?query=1");
        break;
      }
    }
  }
  EXPECT_EQ(categories, (std::set<std::int64_t>{10, 11, 12, 13, 14}));
  EXPECT_GT(prices_big.size(), 100u);  // about 1 bid in 10 draws from the larger range
  EXPECT_LT(prices_big.size(), 600u);
}

TEST(NexmarkGenerator, Deterministic) {
  Generator g(7);
  Event reused;
  bool differs = false;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const Event e = event_at(7, i);
    EXPECT_EQ(e, event_at(7, i));
    EXPECT_EQ(e, g.at(i));
    EXPECT_EQ(e, g.next());
    fill_event(7, i, reused);  // reused strings, same event
    EXPECT_EQ(e, reused);
    differs = differs || !(e == event_at(8, i));
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(g.index(), 1000u);
  EXPECT_EQ(Generator(7, 500).next(), event_at(7, 500));
}

Event round_trip(const Event& e) {
  std::vector<std::byte> buf;
  renoir::transport::Writer w(buf);
  renoir::transport::write(w, e);
  renoir::transport::Reader r(buf.data(), buf.size());
  Event back = renoir::transport::read<Event>(r);
  EXPECT_EQ(r.remaining(), 0u);
  return back;
}

TEST(NexmarkGenerator, SerializerRoundTrip) {
  for (std::uint64_t i : {0, 1, 2, 3, 4, 49, 50, 12345}) {
    const Event e = event_at(42, i);
    const Event back = round_trip(e);
    EXPECT_EQ(back, e) << i;
    EXPECT_EQ(back.kind, e.kind);
  }
  const std::vector<Event> batch = events(100);
  std::vector<std::byte> buf;
  renoir::transport::Writer w(buf);
  renoir::transport::write(w, batch);
  renoir::transport::Reader r(buf.data(), buf.size());
  EXPECT_EQ(renoir::transport::read<std::vector<Event>>(r), batch);
}

TEST(NexmarkGenerator, BadKindByteThrows) {
  std::vector<std::byte> buf;
  renoir::transport::Writer w(buf);
  renoir::transport::write(w, event_at(42, 4));
  buf[0] = std::byte{3};
  renoir::transport::Reader r(buf.data(), buf.size());
  EXPECT_THROW(renoir::transport::read<Event>(r), renoir::transport::DecodeError);
  buf[0] = std::byte{2};
  buf.resize(buf.size() - 1);  // truncated
  renoir::transport::Reader t(buf.data(), buf.size());
  EXPECT_THROW(renoir::transport::read<Event>(t), renoir::transport::DecodeError);
}

TEST(NexmarkRows, FormatAndPrint) {
  EXPECT_EQ(format(Q4Row{10, 3, 10}), "10,3,10,3.33");
  EXPECT_EQ(format(Q4Row{11, 2, 5}), "11,2,5,2.50");
  EXPECT_EQ(format(Q4Row{12, 3, 2}), "12,3,2,0.67");
  EXPECT_EQ(format(Q3Row{"a b", "bend", "OR", 1007}), "a b,bend,OR,1007");
  EXPECT_EQ(format(Q7Row{10000, 1, 2, 3, 4}), "10000,1,2,3,4");
  Summary a, b;
  a.add(Q2Row{1, 2});
  b.add(Q2Row{3, 4});
  b.add(Q2Row{5, 6});
  Summary ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  EXPECT_EQ(ab.rows, 3u);
  EXPECT_EQ(ab.checksum, ba.checksum);
  EXPECT_NE(row_hash(Q2Row{1, 2}), row_hash(Q2Row{2, 1}));
  std::ostringstream out;
  const std::vector<std::string> rows{"b", "a"};
  print(out, 2, Summary{2, 0xabc}, &rows);
  EXPECT_EQ(out.str(), "q2 rows=2 checksum=0000000000000abc\na\nb\n");
}

// Hand-computable: events 0..4 are a person, 3 auctions and one bid (at 4 ms).
TEST(NexmarkHandwritten, TinyWindows) {
  const Bid b = event_at(42, 4).bid;
  auto q7 = handwritten::run(7, 5, 42, true);
  EXPECT_EQ(q7.rows, (std::vector<std::string>{"10000," + std::to_string(b.auction) + "," +
                                               std::to_string(b.bidder) + "," + std::to_string(b.price) + ",4"}));
  auto q5 = handwritten::run(5, 5, 42, true);  // the bid is in the windows ending at 2000..10000
  std::vector<std::string> expected;
  for (int end = 2000; end <= 10000; end += 2000) expected.push_back(std::to_string(end) + "," + std::to_string(b.auction) + ",1");
  EXPECT_EQ(sorted(q5.rows), sorted(expected));
  EXPECT_EQ(handwritten::run(4, 5, 42, false).summary.rows, 1u);  // one category with a winner
  // The auctions 1..3 are all sold by the only person: one row, however many auctions.
  EXPECT_EQ(handwritten::run(8, 5, 42, true).rows, (std::vector<std::string>{"10000,1000," + event_at(42, 0).person.name}));
  EXPECT_THROW(handwritten::run(9, 5, 42, false), std::invalid_argument);
}

// Every query against a brute-force version over the materialized events.
constexpr std::uint64_t kN = 40'000;

TEST(NexmarkHandwritten, StatelessQueries) {
  std::vector<Q0Row> q0;
  std::vector<Q1Row> q1;
  std::vector<Q2Row> q2;
  for (const Event& e : events(kN)) {
    if (e.kind != Kind::bid) continue;
    const Bid& b = e.bid;
    q0.push_back({b.auction, b.bidder, b.price, b.date_time});
    q1.push_back({b.auction, b.bidder, b.price * 908 / 1000, b.date_time});
    if (b.auction % 123 == 0) q2.push_back({b.auction, b.price});
  }
  EXPECT_FALSE(q2.empty());
  expect_query(0, kN, q0);
  expect_query(1, kN, q1);
  expect_query(2, kN, q2);
}

TEST(NexmarkHandwritten, Q3) {
  const auto ev = events(kN);
  std::vector<Q3Row> rows;
  for (const Event& p : ev) {
    if (p.kind != Kind::person || !(p.person.state == "OR" || p.person.state == "ID" || p.person.state == "CA")) continue;
    for (const Event& a : ev)
      if (a.kind == Kind::auction && a.auction.category == 10 && a.auction.seller == p.person.id)
        rows.push_back({p.person.name, p.person.city, p.person.state, a.auction.id});
  }
  EXPECT_FALSE(rows.empty());
  expect_query(3, kN, rows);
}

struct Win {
  Auction a;
  std::int64_t price;
};
std::vector<Win> winners(const std::vector<Event>& ev) {
  std::vector<Win> w;
  for (const Event& a : ev) {
    if (a.kind != Kind::auction) continue;
    std::int64_t best = -1;
    for (const Event& b : ev)
      if (b.kind == Kind::bid && b.bid.auction == a.auction.id && b.bid.date_time >= a.auction.date_time &&
          b.bid.date_time < a.auction.expires)
        best = std::max(best, b.bid.price);
    if (best >= 0) w.push_back({a.auction, best});
  }
  return w;
}

TEST(NexmarkHandwritten, Q4AndQ6) {
  const auto w = winners(events(kN));
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> cat;
  std::map<std::int64_t, std::vector<Win>> by_seller;
  for (const Win& x : w) {
    ++cat[x.a.category].first;
    cat[x.a.category].second += x.price;
    by_seller[x.a.seller].push_back(x);
  }
  std::vector<Q4Row> q4;
  for (const auto& [c, acc] : cat) q4.push_back({c, acc.first, acc.second});
  expect_query(4, kN, q4);
  std::vector<Q6Row> q6;
  for (auto& [seller, v] : by_seller) {
    std::sort(v.begin(), v.end(), [](const Win& x, const Win& y) {
      return std::pair(x.a.expires, x.a.id) > std::pair(y.a.expires, y.a.id);
    });
    if (v.size() > 10) v.resize(10);
    std::int64_t sum = 0;
    for (const Win& x : v) sum += x.price;
    q6.push_back({seller, static_cast<std::int64_t>(v.size()), sum});
  }
  EXPECT_TRUE(std::any_of(q6.begin(), q6.end(), [](const Q6Row& r) { return r.auctions == 10; }));
  expect_query(6, kN, q6);
}

TEST(NexmarkHandwritten, Q5AndQ7) {
  const auto ev = events(kN);
  std::vector<Q5Row> q5;
  for (std::int64_t s = -8000; s < static_cast<std::int64_t>(kN); s += 2000) {
    std::map<std::int64_t, std::int64_t> count;
    for (const Event& e : ev)
      if (e.kind == Kind::bid && e.bid.date_time >= s && e.bid.date_time < s + 10000) ++count[e.bid.auction];
    std::int64_t best = 0;
    for (const auto& [a, c] : count) best = std::max(best, c);
    for (const auto& [a, c] : count)
      if (c == best) q5.push_back({s + 10000, a, c});
  }
  expect_query(5, kN, q5);
  std::vector<Q7Row> q7;
  for (std::int64_t s = 0; s < static_cast<std::int64_t>(kN); s += 10000) {
    std::int64_t best = -1;
    for (const Event& e : ev)
      if (e.kind == Kind::bid && e.bid.date_time >= s && e.bid.date_time < s + 10000) best = std::max(best, e.bid.price);
    for (const Event& e : ev)
      if (e.kind == Kind::bid && e.bid.date_time >= s && e.bid.date_time < s + 10000 && e.bid.price == best)
        q7.push_back({s + 10000, e.bid.auction, e.bid.bidder, e.bid.price, e.bid.date_time});
  }
  expect_query(7, kN, q7);
}

TEST(NexmarkHandwritten, Q8) {
  const auto ev = events(kN);
  std::vector<Q8Row> rows;
  for (const Event& p : ev) {
    if (p.kind != Kind::person) continue;
    const std::int64_t w = p.person.date_time / 10000;
    const bool sold = std::any_of(ev.begin(), ev.end(), [&](const Event& a) {
      return a.kind == Kind::auction && a.auction.seller == p.person.id && a.auction.date_time / 10000 == w;
    });
    if (sold) rows.push_back({(w + 1) * 10000, p.person.id, p.person.name});
  }
  EXPECT_FALSE(rows.empty());
  expect_query(8, kN, rows);
}

}  // namespace
