// Nexmark's events: persons, auctions and bids (event time in milliseconds), and their encoding.
#pragma once
#include <cstdint>
#include <cstddef>
#include <string>

#include <renoir/transport/serialization.hpp>

namespace nexmark {

using Timestamp = std::int64_t;  ///< milliseconds of event time

struct Person {
  std::int64_t id = 0;
  std::string name, email_address, credit_card, city, state;
  Timestamp date_time = 0;
  bool operator==(const Person&) const = default;
};

struct Auction {
  std::int64_t id = 0;
  std::string item_name, description;
  std::int64_t initial_bid = 0, reserve = 0;
  Timestamp date_time = 0, expires = 0;
  std::int64_t seller = 0, category = 0;
  bool operator==(const Auction&) const = default;
};

struct Bid {
  std::int64_t auction = 0, bidder = 0, price = 0;
  std::string channel, url;
  Timestamp date_time = 0;
  bool operator==(const Bid&) const = default;
};

/// One event: only the member named by `kind` is filled.
struct Event {
  enum class Kind : std::uint8_t { person, auction, bid };
  Kind kind = Kind::bid;
  Person person;
  Auction auction;
  Bid bid;

  Timestamp timestamp() const {
    switch (kind) {
      case Kind::person: return person.date_time;
      case Kind::auction: return auction.date_time;
      case Kind::bid: break;
    }
    return bid.date_time;
  }
  /// Equal kinds and equal filled members (the other members are not compared).
  bool operator==(const Event& o) const {
    if (kind != o.kind) return false;
    switch (kind) {
      case Kind::person: return person == o.person;
      case Kind::auction: return auction == o.auction;
      case Kind::bid: break;
    }
    return bid == o.bid;
  }
};

}  // namespace nexmark

namespace renoir::transport {

template <>
struct Serializer<nexmark::Person> {
  static constexpr std::size_t min_size = 7 * 8;  // 2 integers, 5 string lengths
  static void write(Writer& w, const nexmark::Person& p) {
    w.pod(p.id);
    transport::write(w, p.name);
    transport::write(w, p.email_address);
    transport::write(w, p.credit_card);
    transport::write(w, p.city);
    transport::write(w, p.state);
    w.pod(p.date_time);
  }
  static nexmark::Person read(Reader& r) {
    nexmark::Person p;
    p.id = r.pod<std::int64_t>();
    p.name = transport::read<std::string>(r);
    p.email_address = transport::read<std::string>(r);
    p.credit_card = transport::read<std::string>(r);
    p.city = transport::read<std::string>(r);
    p.state = transport::read<std::string>(r);
    p.date_time = r.pod<std::int64_t>();
    return p;
  }
};

template <>
struct Serializer<nexmark::Auction> {
  static constexpr std::size_t min_size = 9 * 8;  // 7 integers, 2 string lengths
  static void write(Writer& w, const nexmark::Auction& a) {
    w.pod(a.id);
    transport::write(w, a.item_name);
    transport::write(w, a.description);
    w.pod(a.initial_bid);
    w.pod(a.reserve);
    w.pod(a.date_time);
    w.pod(a.expires);
    w.pod(a.seller);
    w.pod(a.category);
  }
  static nexmark::Auction read(Reader& r) {
    nexmark::Auction a;
    a.id = r.pod<std::int64_t>();
    a.item_name = transport::read<std::string>(r);
    a.description = transport::read<std::string>(r);
    a.initial_bid = r.pod<std::int64_t>();
    a.reserve = r.pod<std::int64_t>();
    a.date_time = r.pod<std::int64_t>();
    a.expires = r.pod<std::int64_t>();
    a.seller = r.pod<std::int64_t>();
    a.category = r.pod<std::int64_t>();
    return a;
  }
};

template <>
struct Serializer<nexmark::Bid> {
  static constexpr std::size_t min_size = 6 * 8;  // 4 integers, 2 string lengths
  static void write(Writer& w, const nexmark::Bid& b) {
    w.pod(b.auction);
    w.pod(b.bidder);
    w.pod(b.price);
    transport::write(w, b.channel);
    transport::write(w, b.url);
    w.pod(b.date_time);
  }
  static nexmark::Bid read(Reader& r) {
    nexmark::Bid b;
    b.auction = r.pod<std::int64_t>();
    b.bidder = r.pod<std::int64_t>();
    b.price = r.pod<std::int64_t>();
    b.channel = transport::read<std::string>(r);
    b.url = transport::read<std::string>(r);
    b.date_time = r.pod<std::int64_t>();
    return b;
  }
};

template <>
struct Serializer<nexmark::Event> {
  /// The kind byte, then the filled member only.
  static constexpr std::size_t min_size = 1 + Serializer<nexmark::Bid>::min_size;
  static void write(Writer& w, const nexmark::Event& e) {
    w.pod(static_cast<std::uint8_t>(e.kind));
    switch (e.kind) {
      case nexmark::Event::Kind::person: transport::write(w, e.person); break;
      case nexmark::Event::Kind::auction: transport::write(w, e.auction); break;
      case nexmark::Event::Kind::bid: transport::write(w, e.bid); break;
    }
  }
  static nexmark::Event read(Reader& r) {
    nexmark::Event e;
    const auto kind = r.pod<std::uint8_t>();
    switch (kind) {
      case 0: e.kind = nexmark::Event::Kind::person; e.person = transport::read<nexmark::Person>(r); break;
      case 1: e.kind = nexmark::Event::Kind::auction; e.auction = transport::read<nexmark::Auction>(r); break;
      case 2: e.kind = nexmark::Event::Kind::bid; e.bid = transport::read<nexmark::Bid>(r); break;
      default: throw DecodeError("nexmark: bad event kind " + std::to_string(kind));
    }
    return e;
  }
};

}  // namespace renoir::transport
