// Hand-written sequential Nexmark q0..q8: the test oracle and the benchmark baseline. One pass
// over the generator's events in order (generated one at a time into a reused Event, never
// stored), each query as a streaming program would compute it: flat hash maps, state dropped
// as event time passes it, rows emitted as soon as they are final. Rows as in nexmark/rows.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "nexmark/event.hpp"
#include "nexmark/generator.hpp"
#include "nexmark/rows.hpp"

namespace nexmark::handwritten {

struct Result {
  Summary summary;
  std::vector<std::string> rows;  ///< the formatted rows (in emission order), only if asked
};

namespace detail {

/// Where rows go: the summary, and their text if asked.
struct Sink {
  Result& result;
  bool keep_rows;
  template <class Row>
  void operator()(const Row& r) {
    result.summary.add(r);
    if (keep_rows) result.rows.push_back(format(r));
  }
};

/// floor(t / size) for any sign of t.
inline std::int64_t floor_div(std::int64_t t, std::int64_t size) {
  return t >= 0 ? t / size : -((-t + size - 1) / size);
}

/// Calls f(event) for events [0, n) of `seed`, in order, one reused Event.
template <class F>
void for_each_event(std::uint64_t n, std::uint64_t seed, F&& f) {
  Event e;
  for (std::uint64_t i = 0; i < n; ++i) {
    fill_event(seed, i, e);
    f(e);
  }
}

inline void q0(std::uint64_t n, std::uint64_t seed, Sink& out) {
  for_each_event(n, seed, [&](const Event& e) {
    if (e.kind != Event::Kind::bid) return;
    const Bid& b = e.bid;
    out(Q0Row{b.auction, b.bidder, b.price, b.date_time});
  });
}

inline void q1(std::uint64_t n, std::uint64_t seed, Sink& out) {
  for_each_event(n, seed, [&](const Event& e) {
    if (e.kind != Event::Kind::bid) return;
    const Bid& b = e.bid;
    out(Q1Row{b.auction, b.bidder, b.price * 908 / 1000, b.date_time});
  });
}

inline void q2(std::uint64_t n, std::uint64_t seed, Sink& out) {
  for_each_event(n, seed, [&](const Event& e) {
    if (e.kind == Event::Kind::bid && e.bid.auction % 123 == 0) out(Q2Row{e.bid.auction, e.bid.price});
  });
}

/// q3: an incremental hash join of the persons of OR/ID/CA (by id) with the auctions of
/// category 10 (by seller). A seller's person event always comes before their auctions (the
/// generator's contract, checked by its test), so only the persons side is kept.
inline void q3(std::uint64_t n, std::uint64_t seed, Sink& out) {
  struct Seller {
    std::string name, city, state;
  };
  boost::unordered_flat_map<std::int64_t, Seller> sellers;
  for_each_event(n, seed, [&](const Event& e) {
    if (e.kind == Event::Kind::person) {
      const Person& p = e.person;
      if (p.state == "OR" || p.state == "ID" || p.state == "CA") sellers.emplace(p.id, Seller{p.name, p.city, p.state});
    } else if (e.kind == Event::Kind::auction && e.auction.category == 10) {
      if (auto s = sellers.find(e.auction.seller); s != sellers.end())
        out(Q3Row{s->second.name, s->second.city, s->second.state, e.auction.id});
    }
  });
}

/// The open auctions of q4 / q6 and their best bid so far; auctions close in (expires, id)
/// order as event time reaches their expiry (a bid at `expires` is too late), the rest at the end.
class Auctions {
 public:
  struct Open {
    std::int64_t seller, category;
    Timestamp date_time, expires;
    std::int64_t best = -1;  // no bid in time yet
  };
  struct Closed {
    std::int64_t auction, seller, category;
    Timestamp expires;
    std::int64_t price;  // the winning price
  };

  /// Feeds one event; calls closed(Closed) for each auction with a winner that closes before it.
  template <class F>
  void add(const Event& e, F&& closed) {
    close_until(e.timestamp(), closed);
    if (e.kind == Event::Kind::auction) {
      const Auction& a = e.auction;
      open_.emplace(a.id, Open{a.seller, a.category, a.date_time, a.expires});
      expiry_.emplace(a.expires, a.id);
    } else if (e.kind == Event::Kind::bid) {
      const Bid& b = e.bid;
      auto it = open_.find(b.auction);
      if (it == open_.end()) return;  // closed already (or unknown): not in time
      Open& o = it->second;
      if (b.date_time >= o.date_time && b.date_time < o.expires) o.best = std::max(o.best, b.price);
    }
  }
  /// Closes every auction still open (the stream has ended).
  template <class F>
  void finish(F&& closed) {
    close_until(std::numeric_limits<Timestamp>::max(), closed);
  }

 private:
  template <class F>
  void close_until(Timestamp t, F& closed) {
    while (!expiry_.empty() && expiry_.top().first <= t) {
      const auto [expires, id] = expiry_.top();
      expiry_.pop();
      auto it = open_.find(id);
      const Open o = it->second;
      open_.erase(it);
      if (o.best >= 0) closed(Closed{id, o.seller, o.category, expires, o.best});
    }
  }

  boost::unordered_flat_map<std::int64_t, Open> open_;
  using Expiry = std::pair<Timestamp, std::int64_t>;  // (expires, auction id), earliest on top
  std::priority_queue<Expiry, std::vector<Expiry>, std::greater<Expiry>> expiry_;
};

inline void q4(std::uint64_t n, std::uint64_t seed, Sink& out) {
  boost::unordered_flat_map<std::int64_t, std::pair<std::int64_t, std::int64_t>> categories;  // (winners, sum)
  Auctions auctions;
  const auto closed = [&](const Auctions::Closed& c) {
    auto& [count, sum] = categories[c.category];
    ++count;
    sum += c.price;
  };
  for_each_event(n, seed, [&](const Event& e) { auctions.add(e, closed); });
  auctions.finish(closed);
  for (const auto& [category, acc] : categories) out(Q4Row{category, acc.first, acc.second});
}

inline void q6(std::uint64_t n, std::uint64_t seed, Sink& out) {
  // Auctions close in (expires, id) order, so a seller's 10 largest are the last 10 closed: a
  // ring of their prices and its running sum.
  struct Last {
    std::array<std::int64_t, 10> price;
    std::int64_t sum = 0;
    std::uint8_t size = 0, head = 0;
  };
  boost::unordered_flat_map<std::int64_t, Last> sellers;
  Auctions auctions;
  const auto closed = [&](const Auctions::Closed& c) {
    Last& l = sellers[c.seller];
    if (l.size == l.price.size()) {
      l.sum -= l.price[l.head];
    } else {
      ++l.size;
    }
    l.price[l.head] = c.price;
    l.sum += c.price;
    l.head = static_cast<std::uint8_t>((l.head + 1) % l.price.size());
  };
  for_each_event(n, seed, [&](const Event& e) { auctions.add(e, closed); });
  auctions.finish(closed);
  for (const auto& [seller, l] : sellers) out(Q6Row{seller, l.size, l.sum});
}

/// q5: bid counts per auction in panes of one slide (2 s); a window (5 panes) is emitted when
/// event time reaches its end, merging its panes' counts.
inline void q5(std::uint64_t n, std::uint64_t seed, Sink& out) {
  constexpr std::int64_t size = 10'000, slide = 2'000, panes = size / slide;
  using Counts = boost::unordered_flat_map<std::int64_t, std::int64_t>;
  std::array<Counts, panes> pane;  // pane p in pane[p % panes], for the last `panes` panes
  Counts window;                   // scratch: one window's counts
  std::vector<std::int64_t> top;
  bool started = false;
  std::int64_t current = 0;  // the pane of the latest bid
  const auto slot = [&](std::int64_t p) -> Counts& { return pane[static_cast<std::size_t>(((p % panes) + panes) % panes)]; };
  // Emits the window whose last pane is p (it ends at (p + 1) * slide), then frees pane p - 4.
  const auto emit = [&](std::int64_t p) {
    window.clear();
    for (std::int64_t q = p - panes + 1; q <= p; ++q)
      for (const auto& [auction, count] : slot(q)) window[auction] += count;
    if (!window.empty()) {
      std::int64_t best = 0;
      top.clear();
      for (const auto& [auction, count] : window) {
        if (count > best) best = count, top.clear();
        if (count == best) top.push_back(auction);
      }
      for (std::int64_t a : top) out(Q5Row{(p + 1) * slide, a, best});
    }
    slot(p - panes + 1).clear();
  };
  for_each_event(n, seed, [&](const Event& e) {
    if (e.kind != Event::Kind::bid) return;
    const std::int64_t p = floor_div(e.bid.date_time, slide);
    if (!started) {
      started = true;
      current = p;
    }
    // Windows ending at or before this bid's time are complete (after `panes` of them, the
    // rest are empty).
    for (std::int64_t q = current; q < p && q < current + panes; ++q) emit(q);
    current = std::max(current, p);
    ++slot(p)[e.bid.auction];
  });
  if (started)
    for (std::int64_t q = current; q < current + panes; ++q) emit(q);
}

/// q7: one running maximum per tumbling window, emitted when event time leaves the window.
inline void q7(std::uint64_t n, std::uint64_t seed, Sink& out) {
  constexpr std::int64_t size = 10'000;
  struct Top {
    std::int64_t auction, bidder, price;
    Timestamp date_time;
  };
  std::vector<Top> top;  // the bids tied at the window's maximum
  std::int64_t window = 0;
  const auto emit = [&] {
    for (const Top& t : top) out(Q7Row{(window + 1) * size, t.auction, t.bidder, t.price, t.date_time});
    top.clear();
  };
  for_each_event(n, seed, [&](const Event& e) {
    if (e.kind != Event::Kind::bid) return;
    const Bid& b = e.bid;
    const std::int64_t w = floor_div(b.date_time, size);
    if (w != window) {
      emit();
      window = w;
    }
    if (!top.empty() && b.price < top.front().price) return;
    if (!top.empty() && b.price > top.front().price) top.clear();
    top.push_back(Top{b.auction, b.bidder, b.price, b.date_time});
  });
  emit();
}

/// q8: per tumbling window, the persons who joined in it (by id), each with whether a row was
/// emitted; an auction whose seller is among them makes the row. A person's event comes
/// before their auctions (the generator's contract), so the auctions are not kept. Cleared
/// when event time leaves the window.
inline void q8(std::uint64_t n, std::uint64_t seed, Sink& out) {
  constexpr std::int64_t size = 10'000;
  struct Joined {
    std::string name;
    bool sold = false;
  };
  boost::unordered_flat_map<std::int64_t, Joined> persons;
  std::int64_t window = 0;
  for_each_event(n, seed, [&](const Event& e) {
    if (e.kind == Event::Kind::bid) return;
    const std::int64_t w = floor_div(e.timestamp(), size);
    if (w != window) {
      persons.clear();
      window = w;
    }
    if (e.kind == Event::Kind::person) {
      persons.insert_or_assign(e.person.id, Joined{e.person.name});
    } else if (auto it = persons.find(e.auction.seller); it != persons.end() && !it->second.sold) {
      it->second.sold = true;
      out(Q8Row{(w + 1) * size, it->first, it->second.name});
    }
  });
}

}  // namespace detail

/// Runs Nexmark query `query` (0..8) over events [0, events) of `seed`: the rows' summary, and
/// their formatted text if keep_rows (in emission order; print() sorts them).
inline Result run(int query, std::uint64_t events, std::uint64_t seed, bool keep_rows) {
  Result result;
  detail::Sink out{result, keep_rows};
  switch (query) {
    case 0: detail::q0(events, seed, out); break;
    case 1: detail::q1(events, seed, out); break;
    case 2: detail::q2(events, seed, out); break;
    case 3: detail::q3(events, seed, out); break;
    case 4: detail::q4(events, seed, out); break;
    case 5: detail::q5(events, seed, out); break;
    case 6: detail::q6(events, seed, out); break;
    case 7: detail::q7(events, seed, out); break;
    case 8: detail::q8(events, seed, out); break;
    default: throw std::invalid_argument("nexmark: no query " + std::to_string(query) + " (0..8)");
  }
  return result;
}

}  // namespace nexmark::handwritten
