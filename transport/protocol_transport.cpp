// The backend-independent half of every transport: handshake, credits, delivery queue, errors.
#include "renoir/transport/protocol_transport.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

namespace renoir::transport::detail {
namespace {

// How often connect_all() repeats a hello that got no proof back (the peer may start later).
constexpr auto kHelloRetry = std::chrono::milliseconds(20);
// Kept errors; more are counted only, so a misbehaving peer cannot grow memory.
constexpr std::size_t kMaxErrors = 256;
// try_send() drives progress once per this many sends (and whenever it lacks credit).
constexpr unsigned kSendsPerProgress = 16;

std::string ms_text(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

}  // namespace

ProtocolTransport::ProtocolTransport(TransportConfig config)
    : self_(config.self),
      max_message_size_(config.max_message_size),
      addresses_(std::move(config.peers)),
      auth_(std::move(config.secret), config.self),
      credits_(addresses_.size(), config.credits == 0 ? 1 : config.credits),
      peers_(addresses_.size()),
      heartbeat_interval_(config.heartbeat_interval),
      peer_timeout_(config.peer_timeout) {
  if (addresses_.empty()) throw TransportError("transport: the peer list is empty");
  if (self_ >= addresses_.size())
    throw TransportError("transport: self index " + std::to_string(self_) + " is not below " +
                         std::to_string(addresses_.size()) + " peers");
  if (config.credits == 0) throw TransportError("transport: credits must be at least 1");
  if (peer_timeout_.count() < 0 || heartbeat_interval_.count() <= 0 ||
      (peer_timeout_.count() > 0 && peer_timeout_ < 2 * heartbeat_interval_))
    throw TransportError("transport: peer_timeout (" + ms_text(peer_timeout_) +
                         ") must be 0 (off) or at least twice heartbeat_interval (" +
                         ms_text(heartbeat_interval_) + ")");
  for (auto& a : addresses_) parsed_.push_back(PeerAddress::parse(a));
  for (std::size_t i = 0; i < parsed_.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (parsed_[i] == parsed_[j])
        throw TransportError("transport: peers " + std::to_string(j) + " and " + std::to_string(i) +
                             " share the address " + addresses_[i]);
}

std::string ProtocolTransport::describe(PeerId peer) const {
  return "peer " + std::to_string(peer) + " (" + addresses_[peer] + ")";
}

// ---- connecting ------------------------------------------------------------------------

void ProtocolTransport::connect_all(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  {
    std::lock_guard lock(mutex_);
    connect_called_ = true;
  }
  for (unsigned round = 0;; ++round) {
    Clock::time_point wake = deadline;
    {
      std::lock_guard lock(mutex_);
      progress_locked();
      throw_if_lost_locked();
      const auto now = Clock::now();
      bool done = true;
      for (PeerId p = 0; p < peers_.size(); ++p) {
        if (p == self_) continue;
        PeerState& st = peers_[p];
        if (st.auth == Auth::failed)
          throw AuthError("connect_all: " + describe(p) +
                          " failed authentication: its proof does not match our job secret "
                          "(the two processes were started with different secrets)");
        if (st.auth == Auth::pending && now >= st.next_hello) {
          enqueue_control(p, FrameType::hello, auth_.nonce());
          st.next_hello = now + kHelloRetry;
        }
        if (st.auth == Auth::pending) wake = std::min(wake, st.next_hello);
        done = done && st.auth == Auth::verified && st.answered_hello;
      }
      // Done once every peer proved itself and got our proof; the proofs must have left
      // before any data (frames between two peers arrive in the order they were sent).
      if (flush_control_locked() && done) return;
      if (now >= deadline)
        throw TimeoutError("connect_all: could not connect within " + ms_text(timeout) + " to " +
                           unreached_peers_locked());
    }
    wire_wait(wake, round);
  }
}

std::string ProtocolTransport::unreached_peers_locked() const {
  std::string text;
  for (PeerId p = 0; p < peers_.size(); ++p) {
    const PeerState& st = peers_[p];
    if (p == self_ || (st.auth == Auth::verified && st.answered_hello)) continue;
    if (!text.empty()) text += "; ";
    text += describe(p);
    if (st.auth == Auth::pending)
      text += st.last_error.empty()
                  ? ": no answer (not started, not listening there, or unreachable)"
                  : ": " + st.last_error;
    else
      text += ": it never sent its challenge";
  }
  return text;
}

// ---- sending ---------------------------------------------------------------------------

bool ProtocolTransport::try_send(PeerId to, ChannelId channel, Tag kind,
                                 std::span<const std::byte> payload) {
  if (payload.size() > max_message_size_)
    throw std::invalid_argument("transport: a message of " + std::to_string(payload.size()) +
                                " bytes exceeds max_message_size (" +
                                std::to_string(max_message_size_) + " bytes)");
  if (to >= addresses_.size())
    throw std::invalid_argument("transport: no peer " + std::to_string(to));
  std::lock_guard lock(mutex_);
  if (!connect_called_) throw std::logic_error("transport: call connect_all() before sending");
  throw_if_lost_locked();
  // Driving progress costs syscalls with some providers (tcp: a poll and an eventfd read), so
  // a stream of sends does it every kSendsPerProgress messages, or when out of credit.
  if (++sends_since_progress_ >= kSendsPerProgress || credits_.available(to) == 0) {
    sends_since_progress_ = 0;
    progress_locked();
  }
  if (!credits_.try_acquire(to)) return false;
  if (to == self_) {
    ready_.push_back(Ready{self_, channel, kind, {payload.begin(), payload.end()}, {}, nullptr});
    return true;
  }
  // Control frames (proofs) go first, so a peer never sees our data before our proof.
  if (!control_.empty()) {
    credits_.refund(to);
    return false;
  }
  FrameHeader h;
  h.type = FrameType::data;
  h.source = self_;
  h.channel = channel;
  h.kind = kind;
  if (send_frame_locked(to, h, payload) == WireStatus::again) {
    credits_.refund(to);
    return false;
  }
  return true;
}

auto ProtocolTransport::send_frame_locked(PeerId to, const FrameHeader& h,
                                          std::span<const std::byte> payload) -> WireStatus {
  const WireStatus status = wire_send(to, h, payload);
  if (status == WireStatus::sent) peers_[to].last_sent = Clock::now();
  return status;
}

void ProtocolTransport::send(PeerId to, ChannelId channel, Tag kind,
                             std::span<const std::byte> payload,
                             std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (unsigned round = 0;; ++round) {
    if (try_send(to, channel, kind, payload)) return;
    if (Clock::now() >= deadline)
      throw TimeoutError("send: no credit from " + describe(to) + " within " + ms_text(timeout) +
                         " (it is not consuming its messages)");
    wire_wait(deadline, round);
  }
}

// At most one queued frame per (peer, type): however many hellos come in (or retries go out)
// while the wire is congested, the queue stays small. Credits add up; a hello or proof already
// queued stays as it is (our challenge never changes, and a peer heeds only the first proof).
void ProtocolTransport::enqueue_control(PeerId to, FrameType type,
                                        std::span<const std::byte> payload) {
  for (ControlFrame& queued : control_) {
    if (queued.to != to || queued.type != type) continue;
    if (type == FrameType::credit) {
      std::uint32_t a, b;
      std::memcpy(&a, queued.payload.data(), sizeof a);
      std::memcpy(&b, payload.data(), sizeof b);
      a = static_cast<std::uint32_t>(std::min<std::uint64_t>(std::uint64_t{a} + b, UINT32_MAX));
      std::memcpy(queued.payload.data(), &a, sizeof a);
    }
    return;
  }
  ControlFrame c{to, type, static_cast<std::uint8_t>(payload.size()), {}};
  std::memcpy(c.payload.data(), payload.data(), payload.size());
  control_.push_back(c);
}

bool ProtocolTransport::flush_control_locked() {
  while (!control_.empty()) {
    // Copy: wire_send() may drive progress, which may append to control_.
    ControlFrame c = control_.front();
    FrameHeader h;
    h.type = c.type;
    h.source = self_;
    if (send_frame_locked(c.to, h, {c.payload.data(), c.size}) == WireStatus::again) return false;
    control_.pop_front();
  }
  return true;
}

void ProtocolTransport::progress_locked() {
  wire_progress();
  keep_alive_locked(Clock::now());
  flush_control_locked();
}

// Liveness: progress is manual, so a peer whose process calls into its transport (its network
// thread always does while a job runs) sends a heartbeat whenever it sent us nothing for
// heartbeat_interval_; a peer we heard nothing from for peer_timeout_ is stopped, hung or gone.
void ProtocolTransport::keep_alive_locked(Clock::time_point now) {
  if (!connect_called_) return;
  for (PeerId p = 0; p < peers_.size(); ++p) {
    PeerState& st = peers_[p];
    if (p == self_ || st.released) continue;
    // Heartbeats go to authenticated peers; the silence check applies to every peer we heard
    // from (a connecting peer repeats its hello until it is done), so that one stopped halfway
    // through connecting fails connect_all() after peer_timeout, not connect's own timeout.
    if (st.auth == Auth::verified && now - st.last_sent >= heartbeat_interval_) {
      enqueue_control(p, FrameType::heartbeat, std::as_bytes(std::span(status_)));
      st.last_sent = now;  // queued: do not queue another before it leaves
    }
    if (peer_timeout_.count() > 0 && lost_.empty() && st.heard && now - st.last_heard > peer_timeout_) {
      const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(now - st.last_heard);
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.1f", static_cast<double>(silent.count()) / 1000.0);
      lost_ = describe(p) + " sent nothing for " + secs +
              " s (stopped, hung, or cut off from the network; peer_timeout is " +
              ms_text(peer_timeout_) + ")" +
              (st.status.empty() ? std::string() : "; it last said it was " + st.status);
      add_error(lost_);
    }
  }
}

void ProtocolTransport::throw_if_lost_locked() const {
  if (!lost_.empty()) throw PeerLostError(lost_);
}

void ProtocolTransport::release(PeerId peer) {
  std::lock_guard lock(mutex_);
  peers_.at(peer).released = true;
}

void ProtocolTransport::set_status(std::string_view status) {
  std::lock_guard lock(mutex_);
  status_.assign(status.substr(0, kMaxStatus));
}

// ---- receiving -------------------------------------------------------------------------

bool ProtocolTransport::on_frame(std::optional<PeerId> wire_source,
                                 std::span<const std::byte> frame, void* token) {
  auto h = decode_header(frame);
  if (!h) {
    add_error("dropped a malformed frame" +
              (wire_source ? " from " + describe(*wire_source) : std::string()));
    return false;
  }
  const PeerId src = h->source;
  if (src >= addresses_.size() || src == self_ || (wire_source && *wire_source != src)) {
    add_error("dropped a frame claiming to come from peer " + std::to_string(src) +
              (wire_source ? " but sent by " + describe(*wire_source) : std::string()));
    return false;
  }
  auto payload = frame.subspan(kHeaderSize);
  PeerState& st = peers_[src];
  st.last_heard = Clock::now();  // alive, whatever the frame turns out to be
  st.heard = true;
  switch (h->type) {
    case FrameType::hello:
      // Answering is harmless even to an impostor: the proof is bound to both ids.
      if (payload.size() != sizeof(Nonce)) {
        add_error("malformed hello from " + describe(src));
        return false;
      }
      enqueue_control(src, FrameType::proof, auth_.prove(payload, src));
      st.answered_hello = true;
      return false;
    case FrameType::proof:
      if (st.auth != Auth::pending) return false;  // duplicate answer to a repeated hello
      if (auth_.verify(payload, src)) {
        st.auth = Auth::verified;
      } else {
        st.auth = Auth::failed;
        add_error(describe(src) +
                  " failed authentication (wrong job secret); its data will be "
                  "rejected");
      }
      return false;
    case FrameType::credit: {
      std::uint32_t n = 0;
      if (st.auth != Auth::verified) {
        reject(src, "credit");
      } else if (payload.size() != sizeof n) {
        add_error("malformed credit from " + describe(src));
      } else {
        std::memcpy(&n, payload.data(), sizeof n);
        credits_.grant(src, n);
      }
      return false;
    }
    case FrameType::heartbeat:
      if (st.auth == Auth::verified && payload.size() <= kMaxStatus) {
        st.status.assign(reinterpret_cast<const char*>(payload.data()), payload.size());
        for (char& c : st.status)
          if (c < 0x20 || c > 0x7e) c = '?';  // quoted in messages: printable only
      }
      return false;
    case FrameType::data:
      if (st.auth != Auth::verified) {
        reject(src, "data message");
        return false;
      }
      // A sender spends one of `window` credits per data frame and we return them only once
      // consumed: more than that in flight is a broken or hostile peer, not to be queued.
      if (st.in_flight >= credits_.window()) {
        add_error("dropped a data message from " + describe(src) + ": it sent more than its " +
                  std::to_string(credits_.window()) + " credits allow");
        return false;
      }
      ++st.in_flight;
      if (token) {
        ready_.push_back(Ready{src, h->channel, h->kind, {}, payload, token});
      } else {
        ready_.push_back(
            Ready{src, h->channel, h->kind, {payload.begin(), payload.end()}, {}, nullptr});
      }
      return token != nullptr;
  }
  add_error("dropped a frame of unknown type from " + describe(src));
  return false;
}

void ProtocolTransport::reject(PeerId from, const char* what) {
  add_error("rejected a " + std::string(what) + " from " + describe(from) + ": " +
            (peers_[from].auth == Auth::failed ? "it failed authentication"
                                               : "it has not authenticated"));
}

void ProtocolTransport::on_send_error(PeerId to, FrameType type, const std::string& what) {
  peers_[to].last_error = what;
  if (type == FrameType::data) {
    credits_.refund(to);
    add_error("a message to " + describe(to) + " was lost: " + what);
  }
}

void ProtocolTransport::consumed_locked(Ready& r) {
  if (r.token) wire_release(std::exchange(r.token, nullptr));
  if (r.source == self_)
    credits_.grant(self_, 1);
  else
    credits_.consumed(r.source);
}

void ProtocolTransport::return_credits_locked() {
  for (PeerId p = 0; p < peers_.size(); ++p) {
    if (std::uint32_t c = credits_.take_returnable(p)) {
      peers_[p].in_flight -= std::min(c, peers_[p].in_flight);
      enqueue_control(p, FrameType::credit, std::as_bytes(std::span(&c, 1)));
    }
  }
  flush_control_locked();
}

std::size_t ProtocolTransport::take_ready_locked(std::vector<Delivery>& out, std::size_t max) {
  std::size_t n = std::min(max, ready_.size());
  if (n == 0) return 0;
  for (std::size_t i = 0; i < n; ++i) {
    Ready& r = ready_.front();
    out.push_back(Delivery{
        r.source, r.channel, r.kind,
        r.token ? std::vector<std::byte>(r.view.begin(), r.view.end()) : std::move(r.owned)});
    consumed_locked(r);
    ready_.pop_front();
  }
  return_credits_locked();
  return n;
}

std::size_t ProtocolTransport::poll_views(DeliveryVisitor visitor, std::size_t max) {
  std::vector<Ready> batch;
  {
    std::lock_guard lock(mutex_);
    progress_locked();
    std::size_t n = std::min(max, ready_.size());
    if (n == 0) throw_if_lost_locked();  // what arrived before is still delivered
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(ready_.front()));
      ready_.pop_front();
    }
  }
  // Borrowed buffers stay lent (not reposted) until handled, so the views remain valid while
  // the handler runs without the lock.
  std::size_t handled = 0;
  auto settle = [&] {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < handled; ++i) consumed_locked(batch[i]);
    for (std::size_t i = batch.size(); i-- > handled;) ready_.push_front(std::move(batch[i]));
    return_credits_locked();
  };
  try {
    for (; handled < batch.size(); ++handled) {
      Ready& r = batch[handled];
      visitor.fn(visitor.ctx, DeliveryView{r.source, r.channel, r.kind,
                                          r.token ? r.view : std::span<const std::byte>(r.owned)});
    }
  } catch (...) {
    settle();
    throw;
  }
  if (!batch.empty()) settle();
  return handled;
}

std::size_t ProtocolTransport::poll(std::vector<Delivery>& out, std::size_t max) {
  std::lock_guard lock(mutex_);
  progress_locked();
  // What arrived before a peer was lost is still delivered; the error comes after.
  if (std::size_t n = take_ready_locked(out, max)) return n;
  throw_if_lost_locked();
  return 0;
}

template <class Poll>
std::size_t ProtocolTransport::wait_until_some(Poll poll_once, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (unsigned round = 0;; ++round) {
    if (std::size_t n = poll_once()) return n;
    if (Clock::now() >= deadline) return 0;
    wire_wait(deadline, round);
  }
}

std::size_t ProtocolTransport::wait(std::vector<Delivery>& out, std::chrono::milliseconds timeout,
                                    std::size_t max) {
  return wait_until_some([&] { return poll(out, max); }, timeout);
}

std::size_t ProtocolTransport::wait_views(DeliveryVisitor visitor, std::chrono::milliseconds timeout,
                                          std::size_t max) {
  return wait_until_some([&] { return poll_views(visitor, max); }, timeout);
}

bool ProtocolTransport::flush(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (unsigned round = 0;; ++round) {
    {
      std::lock_guard lock(mutex_);
      progress_locked();
      throw_if_lost_locked();
      if (control_.empty() && wire_idle()) return true;
    }
    if (Clock::now() >= deadline) return false;
    wire_wait(deadline, round);
  }
}

// ---- errors and introspection ----------------------------------------------------------

void ProtocolTransport::add_error(std::string text) {
  if (errors_.size() < kMaxErrors)
    errors_.push_back(std::move(text));
  else
    ++dropped_errors_;
}

std::vector<std::string> ProtocolTransport::take_errors() {
  std::lock_guard lock(mutex_);
  progress_locked();
  if (dropped_errors_ > 0)
    errors_.push_back("... and " + std::to_string(dropped_errors_) + " more errors");
  dropped_errors_ = 0;
  return std::exchange(errors_, {});
}

std::uint32_t ProtocolTransport::available_credits(PeerId peer) const {
  std::lock_guard lock(mutex_);
  return credits_.available(peer);
}

}  // namespace renoir::transport::detail
