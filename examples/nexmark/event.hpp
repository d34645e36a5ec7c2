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

// Field by field (the project's Fields): integers as raw bytes, strings with their length.
template <>
struct Serializer<nexmark::Person>
    : Fields<&nexmark::Person::id, &nexmark::Person::name, &nexmark::Person::email_address,
             &nexmark::Person::credit_card, &nexmark::Person::city, &nexmark::Person::state,
             &nexmark::Person::date_time> {};
template <>
struct Serializer<nexmark::Auction>
    : Fields<&nexmark::Auction::id, &nexmark::Auction::item_name, &nexmark::Auction::description,
             &nexmark::Auction::initial_bid, &nexmark::Auction::reserve, &nexmark::Auction::date_time,
             &nexmark::Auction::expires, &nexmark::Auction::seller, &nexmark::Auction::category> {};
template <>
struct Serializer<nexmark::Bid>
    : Fields<&nexmark::Bid::auction, &nexmark::Bid::bidder, &nexmark::Bid::price, &nexmark::Bid::channel,
             &nexmark::Bid::url, &nexmark::Bid::date_time> {};

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
