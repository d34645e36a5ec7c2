// Hashing keys onto replicas: boost::hash, a 64-bit finalizer, and a multiply-shift range map.
#pragma once
#include <cstddef>
#include <cstdint>

#include <boost/container_hash/hash.hpp>

namespace renoir::core {

/// Well-mixed 64-bit hash of a key (boost::hash is the identity on integers).
template <class K>
inline std::uint64_t key_hash(const K& key) {
  std::uint64_t h = boost::hash<K>{}(key);
  h ^= h >> 33;  // murmur3 fmix64
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/// Maps a hash onto [0, n) without a division (Lemire's multiply-shift).
inline std::size_t hash_to_index(std::uint64_t h, std::size_t n) {
  return static_cast<std::size_t>((static_cast<unsigned __int128>(h) * n) >> 64);
}

}  // namespace renoir::core
