// How many replicas a block runs, as in Renoir: unlimited, limited(n), one per host, or one.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace renoir::core {

/// The parallelism of a block. `unlimited` runs one replica per core of every host,
/// `limited(n)` at most n in total, `host` one per host, `one` a single replica (on host 0).
class Replication {
 public:
  enum class Kind { unlimited, limited, host, one };

  static Replication unlimited() { return Replication(Kind::unlimited, 0); }
  static Replication limited(std::size_t n) {
    if (n == 0) throw std::invalid_argument("Replication::limited(0): a block needs at least one replica");
    return Replication(Kind::limited, n);
  }
  static Replication host() { return Replication(Kind::host, 0); }
  static Replication one() { return Replication(Kind::one, 1); }

  Kind kind() const { return kind_; }
  std::size_t limit() const { return n_; }

  /// Replicas of this block on one host with `cores` cores, given `hosts` hosts in total and
  /// this host's `cores_before` (cores of the hosts that come before it).
  std::size_t replicas_on_host(std::size_t cores, std::size_t host_index, std::size_t cores_before) const {
    switch (kind_) {
      case Kind::unlimited: return cores;
      case Kind::limited: return n_ <= cores_before ? 0 : std::min(cores, n_ - cores_before);
      case Kind::host: return 1;
      case Kind::one: return host_index == 0 ? 1 : 0;
    }
    return 0;
  }

  std::string describe() const {
    switch (kind_) {
      case Kind::unlimited: return "unlimited";
      case Kind::limited: return "limited(" + std::to_string(n_) + ")";
      case Kind::host: return "host";
      case Kind::one: return "one";
    }
    return "?";
  }

  bool operator==(const Replication&) const = default;

 private:
  Replication(Kind k, std::size_t n) : kind_(k), n_(n) {}
  Kind kind_;
  std::size_t n_;
};

}  // namespace renoir::core
