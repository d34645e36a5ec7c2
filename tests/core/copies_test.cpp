// The copy contract of a batch between hosts, checked on a real 2-host job over libfabric (tcp
// on loopback) through a recording wrapper of the transport: each item that crosses is
// serialized once and deserialized once, the engine reads what arrives in place from the
// transport's receive buffers (never through the copying poll()/wait()), and it sends the
// serialized batch itself (no re-encoding, one try_send per batch or part).
#include <renoir/renoir.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include <renoir/core/network.hpp>
#include <renoir/transport/fabric_transport.hpp>

namespace {

/// An item whose serializer counts its calls (a custom Serializer: never copied as raw bytes).
struct Tracked {
  std::uint64_t value = 0;
};
std::atomic<std::uint64_t> writes{0}, reads{0};

}  // namespace

template <>
struct renoir::transport::Serializer<Tracked> {
  static void write(Writer& w, const Tracked& t) {
    writes.fetch_add(1, std::memory_order_relaxed);
    w.pod(t.value);
  }
  static Tracked read(Reader& r) {
    reads.fetch_add(1, std::memory_order_relaxed);
    return {r.pod<std::uint64_t>()};
  }
  static constexpr std::size_t min_size = 8;
};

namespace {

namespace rt = renoir::transport;

/// Forwards to a real transport and records how the engine uses it.
class Recording final : public rt::Transport {
 public:
  explicit Recording(std::unique_ptr<rt::Transport> inner) : t_(std::move(inner)) {}
  std::atomic<std::uint64_t> copied_out{0};  // messages taken through poll()/wait()
  std::atomic<std::uint64_t> viewed{0};      // messages handed over in place
  std::atomic<std::uint64_t> data_sends{0}, data_bytes{0};

  rt::PeerId self() const override { return t_->self(); }
  std::size_t num_peers() const override { return t_->num_peers(); }
  const std::string& address(rt::PeerId p) const override { return t_->address(p); }
  void connect_all(std::chrono::milliseconds timeout) override { t_->connect_all(timeout); }
  bool try_send(rt::PeerId to, rt::ChannelId c, rt::Tag tag, std::span<const std::byte> payload) override {
    const bool sent = t_->try_send(to, c, tag, payload);
    if (sent && tag == 0) {
      ++data_sends;
      data_bytes += payload.size();
    }
    return sent;
  }
  void send(rt::PeerId to, rt::ChannelId c, rt::Tag tag, std::span<const std::byte> payload,
            std::chrono::milliseconds timeout) override {
    t_->send(to, c, tag, payload, timeout);
  }
  std::size_t poll(std::vector<rt::Delivery>& out, std::size_t max) override {
    const std::size_t n = t_->poll(out, max);
    copied_out += n;
    return n;
  }
  std::size_t wait(std::vector<rt::Delivery>& out, std::chrono::milliseconds timeout, std::size_t max) override {
    const std::size_t n = t_->wait(out, timeout, max);
    copied_out += n;
    return n;
  }
  std::size_t poll_views(rt::DeliveryVisitor v, std::size_t max) override {
    const std::size_t n = t_->poll_views(v, max);
    viewed += n;
    return n;
  }
  std::size_t wait_views(rt::DeliveryVisitor v, std::chrono::milliseconds timeout, std::size_t max) override {
    const std::size_t n = t_->wait_views(v, timeout, max);
    viewed += n;
    return n;
  }
  bool flush(std::chrono::milliseconds timeout) override { return t_->flush(timeout); }
  void release(rt::PeerId p) override { t_->release(p); }
  void set_status(std::string_view s) override { t_->set_status(s); }
  std::vector<std::string> take_errors() override { return t_->take_errors(); }
  std::uint32_t available_credits(rt::PeerId p) const override { return t_->available_credits(p); }
  std::size_t max_message_size() const override { return t_->max_message_size(); }

 private:
  std::unique_ptr<rt::Transport> t_;
};

TEST(Copies, ABatchIsSerializedOnceAndReadInPlace) {
  constexpr std::uint64_t n = 200'000;
  static std::mt19937 rng(std::random_device{}());
  const int base_port = 10000 + static_cast<int>(rng() % 20000);
  writes = 0;
  reads = 0;
  auto build = [&](renoir::StreamContext& ctx) {
    return ctx.stream_par_iter<std::uint64_t>(0, n)
        .map([](std::uint64_t x) { return Tracked{x}; })
        .group_by([](const Tracked& t) { return t.value % 10; })
        .fold(std::uint64_t{0}, [](std::uint64_t& acc, const Tracked& t) { acc += t.value; })
        .collect_vec();
  };
  std::vector<std::unique_ptr<renoir::StreamContext>> ctxs;
  std::vector<decltype(build(std::declval<renoir::StreamContext&>()))> outs;
  for (int h = 0; h < 2; ++h) {
    ctxs.push_back(std::make_unique<renoir::StreamContext>(renoir::RuntimeConfig::local(1)));
    outs.push_back(build(*ctxs.back()));
  }
  std::vector<std::unique_ptr<Recording>> transports(2);
  std::vector<std::exception_ptr> errors(2);
  std::vector<std::thread> hosts;
  for (std::size_t h = 0; h < 2; ++h) {
    hosts.emplace_back([&, h] {
      try {
        rt::TransportConfig tc;
        for (int p = 0; p < 2; ++p) tc.peers.push_back("127.0.0.1:" + std::to_string(base_port + p));
        tc.self = static_cast<rt::PeerId>(h);
        tc.secret = "copies-test";
        transports[h] = std::make_unique<Recording>(std::make_unique<rt::FabricTransport>(tc));
        transports[h]->connect_all(std::chrono::seconds(10));
        renoir::core::Network net(*transports[h]);
        renoir::core::ExecutionConfig exec;
        exec.host_cores = {1, 1};
        exec.this_host = h;
        exec.network = &net;
        ctxs[h]->execute_blocking(exec);
        net.finish(2, h, std::chrono::seconds(10));
      } catch (...) {
        errors[h] = std::current_exception();
      }
    });
  }
  for (auto& t : hosts) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);

  // The result, against a sequential sum.
  std::map<std::uint64_t, std::uint64_t> expected;
  for (std::uint64_t x = 0; x < n; ++x) expected[x % 10] += x;
  auto got = outs[0].get();
  ASSERT_TRUE(got.has_value());
  const std::map<std::uint64_t, std::uint64_t> actual(got->begin(), got->end());
  EXPECT_EQ(actual, expected);

  // Each item that crossed was encoded once and decoded once; items that stayed were neither.
  EXPECT_GT(writes.load(), 0u);
  EXPECT_LT(writes.load(), n) << "items that stay on their host must not be serialized";
  EXPECT_EQ(reads.load(), writes.load()) << "every serialized item is deserialized exactly once";
  std::uint64_t sends = 0, bytes = 0;
  for (auto& t : transports) {
    EXPECT_EQ(t->copied_out.load(), 0u) << "the engine copied received messages out of the transport";
    EXPECT_GT(t->viewed.load(), 0u);
    sends += t->data_sends;
    bytes += t->data_bytes;
  }
  // One send per batch: what crosses is (key, item) pairs, 8 + 8 bytes each, plus per message a
  // 9-byte header and two 8-byte counts, and the 10 (key, sum) results going to host 0; so the
  // bytes sent are what encoding each item once gives.
  EXPECT_GT(sends, 0u);
  EXPECT_LE(bytes, writes.load() * 16 + sends * (1 + 8 + 8 + 8) + 10 * 16);
  EXPECT_GE(bytes, writes.load() * 16);
}

}  // namespace
