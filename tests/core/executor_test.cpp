// Executor (core/executor.hpp) through the API: thread pinning, ReplicaInfo, replica counts.
#include <renoir/renoir.hpp>
#include <renoir/core/executor.hpp>
#include <renoir/topology/hardware.hpp>

#include <gtest/gtest.h>
#include <sched.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace renoir {
namespace {

// "0-2,5" -> {0, 1, 2, 5}
std::set<int> parse_cpu_list(const std::string& text) {
  std::set<int> cpus;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (part.empty() || part == "\n") continue;
    const auto dash = part.find('-');
    const int lo = std::stoi(part.substr(0, dash));
    const int hi = dash == std::string::npos ? lo : std::stoi(part.substr(dash + 1));
    for (int c = lo; c <= hi; ++c) cpus.insert(c);
  }
  return cpus;
}

std::set<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::set<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.insert(c);
  return cpus;
}

// The cores of this machine as sets of CPUs (from sysfs, independent of hwloc), keeping only
// the CPUs this process may use.
std::set<std::set<int>> machine_cores() {
  const std::set<int> allowed = allowed_cpus();
  std::set<std::set<int>> cores;
  for (int cpu : allowed) {
    std::ifstream f(std::string("/sys/devices/system/cpu/cpu").append(std::to_string(cpu)).append("/topology/thread_siblings_list"));
    std::string text;
    std::set<int> core{cpu};
    if (f && std::getline(f, text)) core = parse_cpu_list(text);
    std::set<int> usable;
    for (int c : core)
      if (allowed.count(c)) usable.insert(c);
    cores.insert(usable);
  }
  return cores;
}

struct Observation {
  std::size_t block, index, replicas, host;
  int core;
  std::vector<int> affinity;
};

std::vector<Observation> observe(std::size_t n) {
  StreamContext ctx(RuntimeConfig::local(n));
  auto out = ctx.stream_par_iter([](std::size_t index, std::size_t) { return std::vector<std::size_t>{index}; })
                 .map([](std::size_t) {
                   const ReplicaInfo* r = this_replica();
                   return Observation{r->block, r->index, r->replicas, r->host, r->core, topology::current_affinity()};
                 })
                 .collect_vec();
  ctx.execute_blocking();
  auto v = out.get();
  EXPECT_TRUE(v.has_value());
  return v ? *v : std::vector<Observation>{};
}

TEST(Executor, ReplicasArePinnedToOneCoreEach) {
  const auto cores = machine_cores();
  ASSERT_FALSE(cores.empty());
  const std::set<int> main_before = allowed_cpus();
  const auto obs = observe(2);
  ASSERT_EQ(obs.size(), 2u);
  std::map<std::size_t, Observation> by_index;
  for (const auto& o : obs) by_index.emplace(o.index, o);
  ASSERT_EQ(by_index.size(), 2u);
  for (const auto& [index, o] : by_index) {
    EXPECT_EQ(o.replicas, 2u);
    EXPECT_EQ(o.host, 0u);
    EXPECT_GE(o.core, 0) << "replica " << index << " is not pinned";
    const std::set<int> affinity(o.affinity.begin(), o.affinity.end());
    EXPECT_TRUE(cores.count(affinity)) << "replica " << index << " is bound to CPUs that are not exactly one core";
  }
  EXPECT_EQ(by_index.at(0).block, by_index.at(1).block);
  if (cores.size() >= 2) {
    EXPECT_NE(by_index.at(0).core, by_index.at(1).core);
    EXPECT_NE(by_index.at(0).affinity, by_index.at(1).affinity) << "replicas 0 and 1 share a core";
  }
  EXPECT_EQ(allowed_cpus(), main_before) << "the calling thread must stay unpinned";
  EXPECT_EQ(topology::core_count(), cores.size());
}

// With more replicas than cores, replica i goes to core i % cores: neighbours never share.
TEST(Executor, MoreReplicasThanCoresWrapAround) {
  const auto cores = machine_cores();
  const std::size_t n = 2 * cores.size() + 1;
  const auto obs = observe(n);
  ASSERT_EQ(obs.size(), n);
  std::map<std::size_t, Observation> by_index;
  for (const auto& o : obs) by_index.emplace(o.index, o);
  ASSERT_EQ(by_index.size(), n);
  for (const auto& [index, o] : by_index) {
    EXPECT_EQ(o.core, static_cast<int>(index % cores.size())) << "replica " << index;
    EXPECT_TRUE(cores.count(std::set<int>(o.affinity.begin(), o.affinity.end()))) << "replica " << index;
    EXPECT_EQ(o.affinity, by_index.at(index % cores.size()).affinity) << "replica " << index;
  }
}

// One-replica blocks are pinned too, and this_replica() is null outside a job.
TEST(Executor, SingleReplicaBlocksArePinnedAndInfoIsScoped) {
  EXPECT_EQ(this_replica(), nullptr);
  const auto cores = machine_cores();
  StreamContext ctx(RuntimeConfig::local(2));
  auto out = ctx.stream_iter(std::vector<int>{1, 2, 3})
                 .map([](int x) {
                   const ReplicaInfo* r = this_replica();
                   auto a = topology::current_affinity();
                   return std::tuple<int, std::size_t, int, std::set<int>>(x, r->replicas, r->core, std::set<int>(a.begin(), a.end()));
                 })
                 .collect_vec();
  ctx.execute_blocking();
  EXPECT_EQ(this_replica(), nullptr);
  auto v = out.get();
  ASSERT_TRUE(v);
  ASSERT_EQ(v->size(), 3u);
  for (auto& [x, replicas, core, affinity] : *v) {
    EXPECT_EQ(replicas, 1u);
    EXPECT_GE(core, 0);
    EXPECT_TRUE(cores.count(affinity));
  }
}

// A user function that blocks forever (a deadlock) must not hang the job: the stall watchdog
// fails it with a StallError naming the replica, the other replicas unwind, and execute
// returns although the stuck thread cannot be joined.
TEST(Executor, ReplicaStuckInUserCodeFailsTheJobAfterTheStallTimeout) {
  struct Gate {  // static: the abandoned thread may still touch it after the test
    std::mutex m;
    std::condition_variable cv;
    bool open = false;
  };
  static Gate gate_storage;
  Gate* gate = &gate_storage;
  StreamContext ctx(RuntimeConfig::local(2));
  auto out = ctx.stream_par_iter<int>(0, 1000)
                 .shuffle()
                 .map([gate](int x) {
                   if (x == 500) {  // one replica deadlocks on an item
                     std::unique_lock lock(gate->m);
                     gate->cv.wait(lock, [&] { return gate->open; });
                   }
                   return x;
                 })
                 .collect_count();
  core::ExecutionConfig exec;
  exec.host_cores = {2};
  exec.stall_timeout = std::chrono::milliseconds(400);
  const auto start = std::chrono::steady_clock::now();
  try {
    ctx.execute_blocking(exec);
    FAIL() << "a deadlocked job finished";
  } catch (const StallError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("blocked in user code"), std::string::npos) << what;
    EXPECT_NE(what.find("block 1"), std::string::npos) << what;
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LT(took, std::chrono::seconds(5));
  {  // let the abandoned thread finish: it only touches what was leaked for it
    std::lock_guard lock(gate->m);
    gate->open = true;
  }
  gate->cv.notify_all();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// Long legitimate work is not a stall: a replica that computes (uses CPU) or waits for renoir
// (input, ring space) for longer than the timeout, or marks its own waiting, keeps running.
TEST(Executor, BusyOrWaitingReplicasAreNotStalls) {
  StreamContext ctx(RuntimeConfig::local(2));
  auto out = ctx.stream_par_iter<int>(0, 4)
                 .map([](int x) {
                   if (x == 0) {  // computes for 3 timeouts
                     const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
                     volatile std::uint64_t spin = 0;
                     while (std::chrono::steady_clock::now() < until) spin = spin + 1;
                   } else if (x == 1) {  // blocks on something outside the job, and says so
                     WaitingScope waiting;
                     std::this_thread::sleep_for(std::chrono::milliseconds(600));
                   }
                   return x;
                 })
                 .shuffle()  // the other block waits for input meanwhile
                 .collect_count();
  core::ExecutionConfig exec;
  exec.host_cores = {2};
  exec.stall_timeout = std::chrono::milliseconds(200);
  EXPECT_NO_THROW(ctx.execute_blocking(exec));
  EXPECT_EQ(out.get(), 4u);
}

TEST(Executor, StallTimeoutFromTheEnvironment) {
  ::setenv("RENOIR_STALL_TIMEOUT_MS", "1234", 1);
  EXPECT_EQ(core::default_stall_timeout(), std::chrono::milliseconds(1234));
  ::setenv("RENOIR_STALL_TIMEOUT_MS", "soon", 1);
  EXPECT_THROW(core::default_stall_timeout(), std::invalid_argument);
  ::unsetenv("RENOIR_STALL_TIMEOUT_MS");
  EXPECT_EQ(core::default_stall_timeout(), std::chrono::milliseconds(60000));
}

}  // namespace
}  // namespace renoir
