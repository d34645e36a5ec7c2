// The libfabric backend: RDM endpoint setup, pre-posted receives, send buffers, CQ progress.
#include "renoir/transport/fabric_transport.hpp"

#include <rdma/fi_cm.h>
#include <rdma/fi_errno.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "renoir/transport/fabric_log.hpp"
#include "renoir/transport/fabric_resources.hpp"
#include "renoir/transport/shm_claim.hpp"

namespace renoir::transport {
namespace {

using detail::FidPtr;
using detail::FrameType;

// Send buffers above this size are pooled only up to kMaxLargeBuffers at a time.
constexpr std::size_t kLargeBuffer = 256 * 1024;
constexpr std::size_t kMaxLargeBuffers = 16;
// fi_send tries before wire_send reports "again" (each try first drives progress).
constexpr int kSendTries = 64;
// wire_wait spins (yielding) this many rounds before it starts sleeping: a waiting thread must
// not take a core from the replicas that compute (each round also drives progress, which costs
// system calls with the tcp provider).
constexpr unsigned kSpinRounds = 64;

// libfabric hands our fi_context2 back as op_context. OpContext is standard-layout with the
// context as its only member, so a pointer to it and to its context are interconvertible.
struct OpContext {
  fi_context2 ctx;
};

// One posted operation and its buffer (frame = header + payload).
struct Op : OpContext {
  enum class Kind : std::uint8_t { send, recv } kind = Kind::send;
  PeerId peer = 0;
  FrameType type = FrameType::data;
  std::unique_ptr<std::byte[]> buf;
  std::size_t capacity = 0;
  FidPtr<fid_mr> mr;  // only with FI_MR_LOCAL
  void* desc = nullptr;

  static Op& from(void* op_context) {
    return static_cast<Op&>(*reinterpret_cast<OpContext*>(op_context));
  }
};

}  // namespace

struct FabricTransport::Impl {
  FabricTransport& owner;
  FabricOptions options;
  std::string where;  // "fabric transport at host:port", for messages
  detail::InfoPtr info;
  std::string provider;
  bool have_source = false;  // the CQ reports who sent each message
  bool need_mr = false;      // FI_MR_LOCAL: buffers must be registered
  std::uint64_t next_key = 1;
  // shm: our claim on our address, released after everything below is closed.
  std::optional<detail::ShmClaim> shm_claim;
  FidPtr<fid_fabric> fabric;
  FidPtr<fid_domain> domain;
  // Operations own (registered) buffers: declared after the domain, so their registrations
  // close before it, and before the endpoint, which closes first and cancels what is posted.
  std::vector<std::unique_ptr<Op>> recv_ops;
  std::vector<std::unique_ptr<Op>> send_ops;
  std::vector<Op*> free_sends;
  std::size_t pooled_large = 0;
  std::vector<Op*> to_repost;
  std::size_t lent = 0;  // receive buffers referenced by undelivered messages
  std::size_t sends_in_flight = 0;
  FidPtr<fid_cq> cq;
  FidPtr<fid_av> av;
  FidPtr<fid_ep> ep;
  std::vector<std::vector<std::byte>> peer_name;  // resolved fabric address of each peer
  std::vector<fi_addr_t> peer_addr;               // FI_ADDR_NOTAVAIL until inserted
  std::unordered_map<fi_addr_t, PeerId> peer_of;
  bool shm = false;  // insert a peer only once it owns its address (see shm_claim.hpp)

  Impl(FabricTransport& o, FabricOptions opts) : owner(o), options(std::move(opts)) {}

  void open();
  void resolve_peers(const fi_info& hints);
  /// Inserts peer p into the AV if it is not yet; false with the reason if it cannot be now.
  bool ensure_inserted(PeerId p, std::string& why);
  void register_buffer(Op& op, std::uint64_t access) {
    if (!need_mr) return;
    op.mr = detail::register_memory(*domain, op.buf.get(), op.capacity, access, next_key++);
    op.desc = fi_mr_desc(op.mr.get());
  }
  /// Whether some peer is not in the AV yet (shm inserts lazily).
  bool peer_pending() const {
    for (PeerId p = 0; p < peer_addr.size(); ++p)
      if (p != owner.self() && peer_addr[p] == FI_ADDR_NOTAVAIL) return true;
    return false;
  }
  void post_recv(Op& op);
  Op& acquire_send(std::size_t len);
  void release_send(Op& op);
  void drive();
  void on_completion(const fi_cq_msg_entry& entry, fi_addr_t src);
  void on_error();
};

namespace {

// Process-wide provider settings travel through the environment, read when libfabric
// initializes a provider; set them once, before the first fi_getinfo, never overriding the user.
void apply_provider_tuning(const FabricOptions& options) {
  static std::once_flag once;
  std::call_once(once, [&] {
    if (options.rxm_eager_limit > 0 && options.provider.starts_with("tcp"))
      setenv("FI_OFI_RXM_EAGER_LIMIT", std::to_string(options.rxm_eager_limit).c_str(), 0);
  });
}

}  // namespace

void FabricTransport::Impl::open() {
  apply_provider_tuning(options);
  detail::route_libfabric_warnings();
  const PeerAddress& me = owner.peer_addresses()[owner.self()];
  where = "fabric transport at " + me.to_string();
  const std::string service = std::to_string(me.port);
  // FI_SOURCE in the caps lets the CQ tell who sent a frame; fall back if unsupported.
  auto hints = detail::make_rdm_hints(options.provider, true);
  try {
    info = detail::get_info(*hints, me.host, service, FI_SOURCE);
  } catch (const TransportError&) {
    hints = detail::make_rdm_hints(options.provider, false);
    info = detail::get_info(*hints, me.host, service, FI_SOURCE);
  }
  provider = info->fabric_attr->prov_name;
  have_source = (info->caps & FI_SOURCE) != 0;
  if (!have_source)
    owner.add_error(where + ": the provider does not report who sent a frame (no FI_SOURCE): frames are "
                            "attributed to the peer their header names");
  need_mr = (info->domain_attr->mr_mode & FI_MR_LOCAL) != 0;
  where += " (provider " + provider + ")";
  // ofi_rxm sends a message above its eager limit by rendezvous, and such a message can be
  // delivered after smaller ones sent later (measured: a 7 MiB batch split into 1 MiB messages
  // arrived after its channel's end-of-stream). Per-sender order is the contract, so messages
  // stay eager: the largest payload shrinks to the limit (the engine sends bigger ones in parts).
  if (provider.find("rxm") != std::string::npos) {
    std::size_t eager = 16 * 1024;  // libfabric's default
    if (const char* v = std::getenv("FI_OFI_RXM_EAGER_LIMIT")) eager = std::strtoull(v, nullptr, 10);
    else if (options.rxm_eager_limit > 0) eager = options.rxm_eager_limit;
    if (eager > detail::kHeaderSize) owner.limit_max_message_size(eager - detail::kHeaderSize);
  }
  const std::size_t frame_max = detail::kHeaderSize + owner.max_message_size();
  if (info->ep_attr->max_msg_size < frame_max)
    throw TransportError(where + ": max_message_size " + std::to_string(owner.max_message_size()) +
                         " exceeds the provider's limit of " +
                         std::to_string(info->ep_attr->max_msg_size - detail::kHeaderSize));
  shm = provider == "shm";
  try {
    if (shm) shm_claim.emplace(detail::shm_region_name(info->src_addr, info->src_addrlen));
    fabric = detail::open_fabric(*info);
    domain = detail::open_domain(*fabric, *info);
    cq = detail::open_cq(*domain, info->rx_attr->size + info->tx_attr->size);
    av = detail::open_av(*domain, owner.num_peers());
    ep = detail::open_endpoint(*domain, *info);
    detail::check_fabric(fi_ep_bind(ep.get(), &cq->fid, FI_TRANSMIT | FI_RECV), "fi_ep_bind(cq)");
    detail::check_fabric(fi_ep_bind(ep.get(), &av->fid, 0), "fi_ep_bind(av)");
    detail::check_fabric(fi_enable(ep.get()), "fi_enable");
    if (shm) shm_claim->mark_ready();
  } catch (const TransportError& e) {
    throw TransportError(where + ": " + e.what());
  }
  resolve_peers(*hints);
  const std::size_t n = std::max<std::size_t>(
      1, std::min(options.receive_buffers, std::max<std::size_t>(info->rx_attr->size, 1)));
  for (std::size_t i = 0; i < n; ++i) {
    auto op = std::make_unique<Op>();
    op->kind = Op::Kind::recv;
    op->capacity = frame_max;
    op->buf = std::make_unique_for_overwrite<std::byte[]>(frame_max);
    register_buffer(*op, FI_RECV);
    recv_ops.push_back(std::move(op));
    post_recv(*recv_ops.back());
  }
}

// Every peer's fabric address follows from its configured host:port: resolve it as a
// destination with the same provider. Peers go into the AV now, except with shm (lazily).
void FabricTransport::Impl::resolve_peers(const fi_info& hints) {
  for (PeerId p = 0; p < owner.num_peers(); ++p) {
    const PeerAddress& a = owner.peer_addresses()[p];
    detail::InfoPtr dest;
    try {
      dest = detail::get_info(hints, a.host, std::to_string(a.port), 0);
    } catch (const TransportError& e) {
      throw TransportError(where + ": cannot resolve " + owner.describe(p) + ": " + e.what());
    }
    auto* raw = static_cast<const std::byte*>(dest->dest_addr);
    peer_name.emplace_back(raw, raw + dest->dest_addrlen);
    peer_addr.push_back(FI_ADDR_NOTAVAIL);
  }
  if (shm) return;
  std::string why;
  for (PeerId p = 0; p < owner.num_peers(); ++p)
    if (p != owner.self() && !ensure_inserted(p, why))
      throw TransportError(where + ": " + owner.describe(p) + ": " + why);
}

// With shm, a peer goes into the AV only once it owns its address and its region is ready:
// libfabric 1.17 keeps a name it could not map as a NULL region, which crashes its progress
// engine when that peer connects (see shm_claim.hpp). Until then, sends to it fail like a
// refused connection and are retried.
bool FabricTransport::Impl::ensure_inserted(PeerId p, std::string& why) {
  if (peer_addr[p] != FI_ADDR_NOTAVAIL) return true;
  const auto& name = peer_name[p];
  if (shm) {
    const std::string region = detail::shm_region_name(name.data(), name.size());
    if (detail::shm_closed_in_this_process(region)) {
      why = "an endpoint of this process used that shm address before, and libfabric's shm "
            "cannot tell the two apart (use another port)";
      return false;
    }
    if (!detail::shm_peer_ready(region)) {
      why = "nobody is listening at " + owner.address(p);
      return false;
    }
  }
  fi_addr_t addr = FI_ADDR_NOTAVAIL;
  int rc = fi_av_insert(av.get(), name.data(), 1, &addr, 0, nullptr);
  if (rc != 1 || addr == FI_ADDR_NOTAVAIL) {
    why = "fi_av_insert failed: " + detail::fabric_error_text(rc < 0 ? rc : -FI_EINVAL);
    return false;
  }
  peer_addr[p] = addr;
  peer_of[addr] = p;
  return true;
}

void FabricTransport::Impl::post_recv(Op& op) {
  ssize_t rc = fi_recv(ep.get(), op.buf.get(), op.capacity, op.desc, FI_ADDR_UNSPEC, &op.ctx);
  if (rc == -FI_EAGAIN) {
    to_repost.push_back(&op);
  } else if (rc != 0) {
    // The endpoint is unusable; keep the buffer aside and say so once.
    owner.add_error(where + ": fi_recv failed: " + detail::fabric_error_text(rc));
  }
}

Op& FabricTransport::Impl::acquire_send(std::size_t len) {
  Op* op;
  if (!free_sends.empty()) {
    op = free_sends.back();
    free_sends.pop_back();
    if (op->capacity > kLargeBuffer) --pooled_large;
  } else {
    send_ops.push_back(std::make_unique<Op>());
    op = send_ops.back().get();
  }
  if (op->capacity < len) {
    op->mr.reset();
    op->capacity = std::max<std::size_t>(len, 4096);
    op->buf = std::make_unique_for_overwrite<std::byte[]>(op->capacity);
    register_buffer(*op, FI_SEND);
  }
  return *op;
}

void FabricTransport::Impl::release_send(Op& op) {
  if (op.capacity > kLargeBuffer) {
    if (pooled_large >= kMaxLargeBuffers) {
      op.mr.reset();
      op.buf.reset();
      op.capacity = 0;
    } else {
      ++pooled_large;
    }
  }
  free_sends.push_back(&op);
}

// Reads completions until the CQ is empty, then reposts the consumed receive buffers in one go
// (with tcp each fi_recv may signal the progress engine: one signal per batch, not per frame).
// Manual progress: this is also what makes the provider move data and accept connections, so
// every public call ends up here.
void FabricTransport::Impl::drive() {
  constexpr std::size_t kBatch = 16;
  fi_cq_msg_entry entries[kBatch];
  fi_addr_t sources[kBatch];
  for (;;) {
    ssize_t n = have_source ? fi_cq_readfrom(cq.get(), entries, kBatch, sources)
                            : fi_cq_read(cq.get(), entries, kBatch);
    if (n == -FI_EAVAIL) {
      on_error();
      continue;
    }
    if (n < 0) {
      if (n != -FI_EAGAIN)
        owner.add_error(where + ": fi_cq_read failed: " + detail::fabric_error_text(n));
      break;
    }
    for (ssize_t i = 0; i < n; ++i)
      on_completion(entries[i], have_source ? sources[i] : FI_ADDR_NOTAVAIL);
    if (static_cast<std::size_t>(n) < kBatch) break;
  }
  std::vector<Op*> pending;
  pending.swap(to_repost);
  for (Op* op : pending) post_recv(*op);  // may queue some back on FI_EAGAIN
}

void FabricTransport::Impl::on_completion(const fi_cq_msg_entry& entry, fi_addr_t src) {
  Op& op = Op::from(entry.op_context);
  if (op.kind == Op::Kind::send) {
    --sends_in_flight;
    release_send(op);
    return;
  }
  std::optional<PeerId> source;
  if (auto it = peer_of.find(src); src != FI_ADDR_NOTAVAIL && it != peer_of.end())
    source = it->second;
  if (have_source && !source) {
    // The fabric names every sender (FI_SOURCE), and this one is not in our address vector:
    // not a peer of the job, whatever its header claims. With shm, a real peer we have not
    // inserted yet lands here too; its hellos are repeated until we insert it, so stay quiet.
    if (!peer_pending())
      owner.add_error(where + ": dropped a frame from a fabric address that is not a peer of this job");
    to_repost.push_back(&op);
    return;
  }
  // Lend the buffer to the delivery queue (no copy) while at least half stay posted.
  void* token = 2 * lent < recv_ops.size() ? &op.ctx : nullptr;
  if (owner.on_frame(source, {op.buf.get(), entry.len}, token))
    ++lent;
  else
    to_repost.push_back(&op);
}

void FabricTransport::Impl::on_error() {
  fi_cq_err_entry err{};
  if (fi_cq_readerr(cq.get(), &err, 0) < 0) return;
  char buf[256];
  const char* text = fi_cq_strerror(cq.get(), err.prov_errno, err.err_data, buf, sizeof buf);
  std::string what = fi_strerror(err.err);
  if (text && *text && what != text) what += std::string(" (") + text + ")";
  Op& op = Op::from(err.op_context);
  if (op.kind == Op::Kind::send) {
    --sends_in_flight;
    owner.on_send_error(op.peer, op.type, what);
    release_send(op);
  } else if (err.err != FI_ECANCELED) {
    owner.add_error(where + ": a receive failed: " + what);
    to_repost.push_back(&op);
  }
}

// ---- FabricTransport -------------------------------------------------------------------

FabricTransport::FabricTransport(TransportConfig config, FabricOptions options)
    : ProtocolTransport(std::move(config)),
      impl_(std::make_unique<Impl>(*this, std::move(options))) {
  impl_->open();
}

FabricTransport::~FabricTransport() = default;

const std::string& FabricTransport::provider_name() const { return impl_->provider; }

auto FabricTransport::wire_send(PeerId to, const detail::FrameHeader& header,
                                std::span<const std::byte> payload) -> WireStatus {
  Impl& im = *impl_;
  if (std::string why; !im.ensure_inserted(to, why)) {
    on_send_error(to, header.type, why);
    return WireStatus::sent;
  }
  const std::size_t len = detail::kHeaderSize + payload.size();
  Op& op = im.acquire_send(len);
  op.peer = to;
  op.type = header.type;
  detail::encode_header(header, op.buf.get());
  if (!payload.empty())
    std::memcpy(op.buf.get() + detail::kHeaderSize, payload.data(), payload.size());
  for (int attempt = 0;; ++attempt) {
    ssize_t rc = fi_send(im.ep.get(), op.buf.get(), len, op.desc, im.peer_addr[to], &op.ctx);
    if (rc == 0) {
      ++im.sends_in_flight;
      return WireStatus::sent;
    }
    if (rc != -FI_EAGAIN) {
      im.release_send(op);
      on_send_error(to, header.type, "fi_send: " + detail::fabric_error_text(rc));
      return WireStatus::sent;
    }
    if (attempt == kSendTries) {
      im.release_send(op);
      return WireStatus::again;
    }
    im.drive();  // may call on_frame(), which only queues (no re-entrant send)
  }
}

void FabricTransport::wire_progress() { impl_->drive(); }

void FabricTransport::wire_release(void* token) {
  --impl_->lent;
  impl_->to_repost.push_back(&Op::from(token));
}

bool FabricTransport::wire_idle() const { return impl_->sends_in_flight == 0; }

void FabricTransport::wire_wait(Clock::time_point until, unsigned round) {
  if (round < kSpinRounds) {
    std::this_thread::yield();
    return;
  }
  auto now = Clock::now();
  if (now < until)
    std::this_thread::sleep_for(std::min<Clock::duration>(until - now, std::chrono::microseconds(50)));
}

}  // namespace renoir::transport
