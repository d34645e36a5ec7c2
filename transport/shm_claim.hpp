// Ownership of a libfabric shm address between processes of one machine, through lock files.
//
// libfabric 1.17's shm provider names a peer's shared-memory region after its address
// ("fi_ns://127.0.0.1:9000" -> /dev/shm/127.0.0.1:9000) and trusts that name blindly:
//  - a connection request from a peer whose region it cannot map (the name does not exist yet,
//    or exists but is not initialized) leaves a NULL region in its map, which its progress
//    engine dereferences (SIGSEGV in smr_progress_connreq: libfabric.so.1+0xd01f7);
//  - a second process opening the same address fails in fi_enable, and its cleanup unlinks the
//    first owner's name, which then crashes every peer that connects to the first owner;
//  - a region left by a crashed process stays under the name: the next process at that
//    address cannot open it (EBUSY), and senders that map it spin forever on its lock;
//  - closing an endpoint leaves its name in a process-wide list with a dangling pointer to the
//    unmapped region, and that list is searched first: another endpoint of the same process
//    that later looks that name up writes to whatever memory is there now (and spins on it).
// So every shm endpoint of ours holds an exclusive flock on "<region>.renoir-lock" next to
// its region while it lives, and writes its pid there once the region is ready. A peer is
// inserted into an address vector only while its lock is held and says ready.
#pragma once

#include <string>

namespace renoir::transport::detail {

/// The /dev/shm name of the region of a shm address as libfabric encodes it
/// ("fi_ns://127.0.0.1:9000\0" -> "127.0.0.1:9000").
std::string shm_region_name(const void* addr, std::size_t len);

/// This process's claim on one shm address; released (lock file removed) on destruction.
class ShmClaim {
 public:
  /// Takes the address. Throws TransportError naming the address and the owner's pid if a live
  /// process holds it; removes a region left there by a dead one.
  explicit ShmClaim(std::string region_name);
  ShmClaim(const ShmClaim&) = delete;
  ShmClaim& operator=(const ShmClaim&) = delete;
  ~ShmClaim();

  /// Tells peers the region exists and is initialized (call after fi_enable).
  void mark_ready();

 private:
  std::string region_;
  std::string lock_path_;
  int fd_ = -1;
};

/// Whether a live process owns `region_name` and has marked its region ready: only then may
/// it go into an address vector.
bool shm_peer_ready(const std::string& region_name);

/// Whether an endpoint of this process owned `region_name` and closed: libfabric then keeps a
/// dangling region for that name in this process, so no endpoint of this process may insert it.
bool shm_closed_in_this_process(const std::string& region_name);

}  // namespace renoir::transport::detail
