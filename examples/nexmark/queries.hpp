// Nexmark q0..q8 as renoir jobs over the generator's events (rows as in rows.hpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <renoir/renoir.hpp>

#include "event.hpp"
#include "generator.hpp"
#include "rows.hpp"

namespace nexmark::jobs {

// Every query takes the stream of timestamped events (generated_events, or the latency
// benchmark's paced source) and returns the stream of its rows.

/// Which kinds of event a query reads (a bit per Event::Kind): the source generates only those.
inline constexpr unsigned persons = 1u << unsigned(Event::Kind::person);
inline constexpr unsigned auctions = 1u << unsigned(Event::Kind::auction);
inline constexpr unsigned bids = 1u << unsigned(Event::Kind::bid);

/// The events [0, n) of the generator of the `kinds` asked for, strided over the replicas
/// (replica r of k takes events r, r + k, ...), so every replica's event time advances
/// together; each replica's watermark follows its own events (in timestamp order) every 256.
/// The iterator fills one Event in place (fill_event reuses its strings, as the hand-written
/// loop does): an operator that reads the event by const reference copies only what it keeps.
inline auto generated_events(renoir::StreamContext& ctx, std::uint64_t n, std::uint64_t seed,
                             unsigned kinds = persons | auctions | bids) {
  struct Range {
    std::uint64_t seed, first, step, n;
    unsigned kinds;
    bool wanted(std::uint64_t i) const { return (kinds >> unsigned(kind_at(i))) & 1u; }
    struct iterator {
      const Range* r;
      std::uint64_t i;
      Event e{};
      Event& operator*() {
        fill_event(r->seed, i, e);
        return e;
      }
      iterator& operator++() {
        do i += r->step;
        while (i < r->n && !r->wanted(i));
        return *this;
      }
      bool operator!=(const iterator& o) const { return i < o.i; }
    };
    iterator begin() const {
      iterator it{this, first};
      if (it.i < n && !wanted(it.i)) ++it;
      return it;
    }
    iterator end() const { return {this, n}; }
  };
  return ctx
      .stream_par_iter([=](std::size_t index, std::size_t replicas) {
        return Range{seed, index, replicas, n, kinds};
      })
      .add_timestamps([](const Event& e) { return renoir::Timestamp(e.timestamp()); }, renoir::BoundedOutOfOrder{0, 256});
}

/// f(bid) for the bids of `s`, read in place (the bid is not copied).
inline auto bids_as(auto s, auto f) {
  using R = decltype(f(std::declval<const Bid&>()));
  return s.filter_map([f](const Event& e) -> std::optional<R> {
    if (e.kind == Event::Kind::bid) return f(e.bid);
    return std::nullopt;
  });
}

inline auto persons_of(auto s) {
  return s.filter_map([](Event e) -> std::optional<Person> {
    if (e.kind == Event::Kind::person) return std::move(e.person);
    return std::nullopt;
  });
}
inline auto auctions_of(auto s) {
  return s.filter_map([](Event e) -> std::optional<Auction> {
    if (e.kind == Event::Kind::auction) return std::move(e.auction);
    return std::nullopt;
  });
}

inline auto q0(auto events) {
  return bids_as(events, [](const Bid& b) { return Q0Row{b.auction, b.bidder, b.price, b.date_time}; });
}
inline auto q1(auto events) {
  return bids_as(events, [](const Bid& b) { return Q1Row{b.auction, b.bidder, b.price * 908 / 1000, b.date_time}; });
}
inline auto q2(auto events) {
  return events.filter_map([](const Event& e) -> std::optional<Q2Row> {
    if (e.kind == Event::Kind::bid && e.bid.auction % 123 == 0) return Q2Row{e.bid.auction, e.bid.price};
    return std::nullopt;
  });
}

/// The persons and the auctions of `events`, as two streams (route moves each event to one:
/// no copy, unlike split).
inline auto persons_and_auctions(auto events) {
  return events.route()
      .add_route([](const Event& e) { return e.kind == Event::Kind::person; })
      .add_route([](const Event& e) { return e.kind == Event::Kind::auction; })
      .build();
}

/// q3: sellers in OR, ID or CA joined with their auctions of category 10 (every match).
inline auto q3(auto events) {
  auto parts = persons_and_auctions(events);
  auto persons = persons_of(parts[0]).filter([](const Person& p) {
    return p.state == "OR" || p.state == "ID" || p.state == "CA";
  });
  auto auctions = auctions_of(parts[1]).filter([](const Auction& a) { return a.category == 10; });
  return persons
      .join(auctions, [](const Person& p) { return p.id; }, [](const Auction& a) { return a.seller; })
      .unkey()
      .map([](const std::pair<std::int64_t, std::pair<Person, Auction>>& m) {
        const auto& [p, a] = m.second;
        return Q3Row{p.name, p.city, p.state, a.id};
      });
}

/// An auction closed with its winning price: the maximum of its bids within [date_time, expires).
struct Winner {
  std::int64_t auction, seller, category;
  renoir::Timestamp expires;
  std::int64_t price;
};

/// What q4 and q6 read of an auction or a bid, projected at the source (no strings travel).
struct Side {
  std::int64_t auction;  // the auction's id, or the one bid on
  bool is_auction;
  std::int64_t seller, category;  // of auctions
  renoir::Timestamp date_time, expires;  // expires: of auctions
  std::int64_t price;  // of bids
};

/// The winners of q4 and q6: auctions and bids meet by auction id in a transaction window that
/// an auction commits once the watermark passes its expiry (so every bid in time is in). A bid
/// of an auction already closed opens a window that it commits max_auction_duration later (the
/// earliest commit_after wins, so it never delays an auction's): that window has no auction and
/// gives no winner, and the state of closed auctions is freed.
inline auto winners(auto events) {
  struct Acc {
    std::optional<Side> auction;
    std::vector<std::pair<renoir::Timestamp, std::int64_t>> early;  // bids before their auction arrived
    std::int64_t best = -1;
    void bid(renoir::Timestamp t, std::int64_t price) {
      if (t >= auction->date_time && t < auction->expires) best = std::max(best, price);
    }
  };
  return events
      .filter_map([](const Event& e) -> std::optional<Side> {
        if (e.kind == Event::Kind::auction) {
          const Auction& a = e.auction;
          return Side{a.id, true, a.seller, a.category, a.date_time, a.expires, 0};
        }
        if (e.kind == Event::Kind::bid) return Side{e.bid.auction, false, 0, 0, e.bid.date_time, 0, e.bid.price};
        return std::nullopt;
      })
      .group_by([](const Side& s) { return s.auction; })
      .window(renoir::TransactionWindow([](const Side& s) {
        return renoir::TransactionOp::commit_after(s.is_auction ? s.expires - 1 : s.date_time + max_auction_duration);
      }))
      .fold(Acc{},
            [](Acc& acc, const Side& s) {
              if (s.is_auction) {
                acc.auction = s;
                for (auto [t, p] : acc.early) acc.bid(t, p);
                acc.early.clear();
              } else if (acc.auction) {
                acc.bid(s.date_time, s.price);
              } else {
                acc.early.emplace_back(s.date_time, s.price);
              }
            })
      .unkey()
      .filter_map([](const std::pair<std::int64_t, Acc>& kv) -> std::optional<Winner> {
        const Acc& acc = kv.second;
        if (!acc.auction || acc.best < 0) return std::nullopt;
        return Winner{acc.auction->auction, acc.auction->seller, acc.auction->category, acc.auction->expires, acc.best};
      });
}

inline auto q4(auto events) {
  return winners(events)
      .group_by_fold([](const Winner& w) { return w.category; }, std::pair<std::int64_t, std::int64_t>{0, 0},
                     [](auto& acc, const Winner& w) { ++acc.first, acc.second += w.price; },
                     [](auto& acc, const auto& part) { acc.first += part.first, acc.second += part.second; })
      .unkey()
      .map([](const auto& kv) { return Q4Row{kv.first, kv.second.first, kv.second.second}; });
}

/// q5: per sliding window, the auctions with the most bids.
inline auto q5(auto events) {
  using Best = std::pair<std::size_t, std::vector<std::int64_t>>;  // (count, auctions with it)
  return bids_as(events, [](const Bid& b) { return b.auction; })  // only the auction id travels
      .group_by([](std::int64_t auction) { return auction; })
      .window(renoir::EventTimeWindow::sliding(10'000, 2'000))
      .count()
      .unkey()
      // Each count is stamped with its window's end - 1: a tumbling window of the slide holds
      // exactly one sliding window's counts.
      .window_all(renoir::EventTimeWindow::tumbling(2'000))
      .fold(Best{0, {}},
            [](Best& best, const std::pair<std::int64_t, std::size_t>& c) {
              if (c.second > best.first) best = {c.second, {}};
              if (c.second == best.first) best.second.push_back(c.first);
            })
      .flat_map([](const Best& best) {
        const renoir::Timestamp end = renoir::current_timestamp() + 1;
        std::vector<Q5Row> rows;
        for (std::int64_t a : best.second) rows.push_back(Q5Row{end, a, static_cast<std::int64_t>(best.first)});
        return rows;
      });
}

/// q6: per seller, the average winning price of their last 10 closed auctions.
inline auto q6(auto events) {
  using Last = std::vector<Winner>;  // the <= 10 with the largest (expires, auction)
  const auto later = [](const Winner& a, const Winner& b) {
    return std::pair(a.expires, a.auction) > std::pair(b.expires, b.auction);
  };
  const auto keep10 = [later](Last& last) {
    std::sort(last.begin(), last.end(), later);
    if (last.size() > 10) last.resize(10);
  };
  return winners(events)
      .group_by_fold([](const Winner& w) { return w.seller; }, Last{},
                     [keep10](Last& last, const Winner& w) {
                       last.push_back(w);
                       if (last.size() > 20) keep10(last);
                     },
                     [keep10](Last& last, const Last& part) {
                       last.insert(last.end(), part.begin(), part.end());
                       keep10(last);
                     })
      .unkey()
      .map([keep10](std::pair<std::int64_t, Last> kv) {
        keep10(kv.second);
        std::int64_t sum = 0;
        for (const Winner& w : kv.second) sum += w.price;
        return Q6Row{kv.first, static_cast<std::int64_t>(kv.second.size()), sum};
      });
}

/// q7: per tumbling window of 10 s, the bids with the highest price: each replica keeps the top
/// of its own bids per window (key_by: no exchange), then one replica merges those partial tops.
/// Bids travel without their strings (q7 prints none).
inline auto q7(auto events) {
  struct Priced {
    std::int64_t auction, bidder, price;
    renoir::Timestamp date_time;
  };
  using Top = std::vector<Priced>;  // the bids tied at the maximum
  const auto add = [](Top& top, const Priced& b) {
    if (!top.empty() && b.price < top.front().price) return;
    if (!top.empty() && b.price > top.front().price) top.clear();
    top.push_back(b);
  };
  return bids_as(events, [](const Bid& b) { return Priced{b.auction, b.bidder, b.price, b.date_time}; })
      .key_by([](const Priced&) { return 0; })
      .window(renoir::EventTimeWindow::tumbling(10'000))
      .fold(Top{}, add)
      .drop_key()
      .window_all(renoir::EventTimeWindow::tumbling(10'000))
      .fold(Top{},
            [add](Top& top, const Top& part) {
              for (const Priced& b : part) add(top, b);
            })
      .flat_map([](const Top& top) {
        const renoir::Timestamp end = renoir::current_timestamp() + 1;
        std::vector<Q7Row> rows;
        for (const Priced& b : top) rows.push_back(Q7Row{end, b.auction, b.bidder, b.price, b.date_time});
        return rows;
      });
}

/// What q8 reads: a person (id, name) or an auction's seller (id, no name).
struct Party {
  std::int64_t id;
  std::string name;
  bool person;
};

/// q8: persons who opened an auction in the same tumbling window of 10 s as they joined.
inline auto q8(auto events) {
  auto parts = events
                   .filter_map([](const Event& e) -> std::optional<Party> {
                     if (e.kind == Event::Kind::person) return Party{e.person.id, e.person.name, true};
                     if (e.kind == Event::Kind::auction) return Party{e.auction.seller, {}, false};
                     return std::nullopt;
                   })
                   .route()
                   .add_route([](const Party& p) { return p.person; })
                   .add_route([](const Party& p) { return !p.person; })
                   .build();
  const auto id = [](const Party& p) { return p.id; };
  return parts[0].group_by(id).window_join(parts[1].group_by(id), renoir::EventTimeWindow::tumbling(10'000))
      .unkey()
      .map([](const std::pair<std::int64_t, std::pair<Party, Party>>& m) {
        return std::tuple(renoir::current_timestamp() + 1, m.first, m.second.first.name);
      })
      .unique_assoc()
      .map([](const std::tuple<renoir::Timestamp, std::int64_t, std::string>& r) {
        return Q8Row{std::get<0>(r), std::get<1>(r), std::get<2>(r)};
      });
}

}  // namespace nexmark::jobs

namespace renoir::transport {
template <>
struct Serializer<nexmark::jobs::Party>
    : Fields<&nexmark::jobs::Party::id, &nexmark::jobs::Party::name, &nexmark::jobs::Party::person> {};
}  // namespace renoir::transport
