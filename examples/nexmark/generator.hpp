// A deterministic Nexmark generator: event i is a pure function of (seed, i), so any replica
// can generate any share of the stream. In each group of 50 consecutive events: offset 0 is a
// person, 1..3 auctions, 4..49 bids (the standard 1:3:46 proportions); event i happens at i ms
// of event time, so the stream is in timestamp order. Integer arithmetic only (a splitmix64
// hash of (seed, i, field)): the same events on every platform.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "event.hpp"

namespace nexmark {

inline constexpr std::int64_t first_person_id = 1000;
inline constexpr std::int64_t first_auction_id = 1000;
inline constexpr std::uint64_t events_per_group = 50;  ///< 1 person, 3 auctions, 46 bids
/// An auction expires less than this after it opens (and its bids come after it opens).
inline constexpr std::int64_t max_auction_duration = 22'000;

/// splitmix64 of (seed, i, field): the randomness of field `field` of event i.
inline std::uint64_t hash(std::uint64_t seed, std::uint64_t i, std::uint64_t field) {
  std::uint64_t z = seed * 0x9e3779b97f4a7c15ULL + i * 0xbf58476d1ce4e5b9ULL + field * 0x94d049bb133111ebULL + 1;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Persons and auctions generated before event i (their ids are consecutive from the first id,
/// so the next person's / auction's id is the first id plus this count).
inline std::int64_t persons_before(std::uint64_t i) {
  return static_cast<std::int64_t>((i + events_per_group - 1) / events_per_group);
}
inline std::int64_t auctions_before(std::uint64_t i) {
  const std::uint64_t groups = i / events_per_group, off = i % events_per_group;
  return static_cast<std::int64_t>(groups * 3 + (off == 0 ? 0 : std::min<std::uint64_t>(off - 1, 3)));
}

/// The kind of event i (a function of i alone).
inline Event::Kind kind_at(std::uint64_t i) {
  const std::uint64_t off = i % events_per_group;
  return off == 0 ? Event::Kind::person : off <= 3 ? Event::Kind::auction : Event::Kind::bid;
}

namespace detail {
inline constexpr std::array<std::string_view, 8> first_names{"peter", "paul", "luke", "john",
                                                             "saul", "vicky", "kate", "julie"};
inline constexpr std::array<std::string_view, 8> last_names{"shultz", "abrams", "spencer", "white",
                                                            "bartels", "walton", "smith", "jones"};
inline constexpr std::array<std::string_view, 10> cities{"phoenix", "los angeles", "san francisco", "boise",
                                                         "portland", "bend", "redmond", "seattle", "kent",
                                                         "cheyenne"};
inline constexpr std::array<std::string_view, 6> states{"AZ", "CA", "ID", "OR", "WA", "WY"};
inline constexpr std::array<std::string_view, 4> channels{"Google", "Facebook", "Baidu", "Apple"};
inline constexpr std::array<std::string_view, 4> urls{"https://www.nexmark.com/Google/item.htm?query=1",
                                                      "https://www.nexmark.com/Facebook/item.htm?query=1",
                                                      "https://www.nexmark.com/Baidu/item.htm?query=1",
                                                      "https://www.nexmark.com/Apple/item.htm?query=1"};

/// One of the most recent min(window, count) ids among `count` generated from `first` (count >= 1).
inline std::int64_t recent(std::int64_t first, std::int64_t count, std::int64_t window, std::uint64_t h) {
  const std::int64_t span = std::min(count, window);
  return first + count - 1 - static_cast<std::int64_t>(h % static_cast<std::uint64_t>(span));
}

/// The hot id: the latest of `count` ids from `first`, rounded down to a multiple of 10, but
/// at least the first id.
inline std::int64_t hot(std::int64_t first, std::int64_t count) {
  return std::max(first, (first + count - 1) / 10 * 10);
}

/// Appends the decimal digits of v >= 0.
inline void append_number(std::string& s, std::uint64_t v) {
  char buf[20];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  s.append(p, static_cast<std::size_t>(buf + sizeof buf - p));
}
}  // namespace detail

/// Fills `e` with the i-th event of the stream of `seed`, reusing the capacity of its strings:
/// only `e.kind` and the member it names are set (the other members keep stale values).
inline void fill_event(std::uint64_t seed, std::uint64_t i, Event& e) {
  using namespace detail;
  const auto t = static_cast<Timestamp>(i);
  e.kind = kind_at(i);
  switch (e.kind) {
    case Event::Kind::person: {
      Person& p = e.person;
      p.id = first_person_id + persons_before(i);
      const std::uint64_t h = hash(seed, i, 1);
      const std::string_view first = first_names[h % first_names.size()];
      const std::string_view last = last_names[(h >> 8) % last_names.size()];
      p.name.assign(first).append(1, ' ').append(last);
      p.email_address.assign(last);
      append_number(p.email_address, static_cast<std::uint64_t>(p.id));
      p.email_address.append("@nexmark.com");
      p.credit_card.clear();  // 16 digits, the first not 0
      append_number(p.credit_card, 1000'0000'0000'0000ULL + hash(seed, i, 2) % 9000'0000'0000'0000ULL);
      p.city.assign(cities[(h >> 16) % cities.size()]);
      p.state.assign(states[(h >> 24) % states.size()]);
      p.date_time = t;
      return;
    }
    case Event::Kind::auction: {
      Auction& a = e.auction;
      a.id = first_auction_id + auctions_before(i);
      const std::uint64_t h = hash(seed, i, 3);
      a.item_name.assign("item");
      append_number(a.item_name, h % 1000);
      a.description.assign("description");
      append_number(a.description, (h >> 10) % 1000);
      a.initial_bid = 100 + static_cast<std::int64_t>((h >> 20) % 1000);
      a.reserve = a.initial_bid + static_cast<std::int64_t>((h >> 30) % 1000);
      a.date_time = t;
      a.expires = t + 2000 + static_cast<std::int64_t>(hash(seed, i, 4) % 20000);
      a.seller = recent(first_person_id, persons_before(i), 20, hash(seed, i, 5));
      a.category = 10 + static_cast<std::int64_t>((h >> 40) % 5);
      return;
    }
    case Event::Kind::bid: break;
  }
  Bid& b = e.bid;
  const std::int64_t auctions = auctions_before(i), persons = persons_before(i);  // both >= 1
  const std::uint64_t h = hash(seed, i, 6);
  b.auction = h % 2 == 0 ? hot(first_auction_id, auctions)  // hot auctions: 1 / 2
                         : recent(first_auction_id, auctions, 100, hash(seed, i, 7));
  b.bidder = (h >> 8) % 4 == 0 ? hot(first_person_id, persons)  // hot bidders: 1 / 4
                               : recent(first_person_id, persons, 100, hash(seed, i, 8));
  const std::uint64_t hp = hash(seed, i, 9);
  // 1 bid in 10 draws from a 100 times larger range, so the maxima vary.
  b.price = 100 + static_cast<std::int64_t>((hp >> 40) % 10 == 0 ? hp % 10'000'000 : hp % 100'000);
  const std::size_t c = (h >> 16) % channels.size();
  b.channel.assign(channels[c]);
  b.url.assign(urls[c]);
  b.date_time = t;
}

/// The i-th event of the stream of `seed` (0-based).
inline Event event_at(std::uint64_t seed, std::uint64_t i) {
  Event e;
  fill_event(seed, i, e);
  return e;
}

/// Events first, first + 1, ... of the stream of `seed`.
class Generator {
 public:
  explicit Generator(std::uint64_t seed = 42, std::uint64_t first = 0) : seed_(seed), next_(first) {}

  /// The next event.
  Event next() { return event_at(seed_, next_++); }
  /// The next event into `e`, reusing its strings (see fill_event).
  void next(Event& e) { fill_event(seed_, next_++, e); }
  /// Event i of this stream, wherever the generator is.
  Event at(std::uint64_t i) const { return event_at(seed_, i); }

  std::uint64_t index() const { return next_; }  ///< the index of the next event
  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  std::uint64_t next_;
};

}  // namespace nexmark
