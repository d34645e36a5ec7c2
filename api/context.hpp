// StreamContext: owns a job, creates its sources, runs it.
#pragma once
#include <concepts>
#include <cstddef>
#include <exception>
#include <initializer_list>
#include <stdexcept>
#include <memory>
#include <ranges>
#include <source_location>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <renoir/api/config.hpp>
#include <renoir/api/job.hpp>
#include <renoir/api/sources/channel.hpp>
#include <renoir/api/sources/csv.hpp>
#include <renoir/api/sources/file.hpp>
#include <renoir/api/sources/iter.hpp>
#include <renoir/api/sources/par_iter.hpp>
#include <renoir/api/sources/user.hpp>
#include <renoir/api/stream.hpp>
#include <renoir/api/traits.hpp>
#include <renoir/core/executor.hpp>

namespace renoir {

/// The environment of one job, as in Renoir: create the streams from it, then
/// `execute_blocking()`. A context runs once.
class StreamContext {
 public:
  explicit StreamContext(RuntimeConfig config) : job_(std::make_shared<detail::Job>(std::move(config))) {}

  /// A context using every core of this machine.
  static StreamContext new_local() { return StreamContext(RuntimeConfig::local_all_cores()); }

  /// The config the job runs with (by value on a temporary context, which owns it).
  const RuntimeConfig& config() const& { return job_->config; }
  RuntimeConfig config() && { return job_->config; }

  /// The elements of `range` (copied into the job), read by a single replica.
  template <class Range>
  auto stream_iter(Range range) {
    static_assert(detail::Iterable<Range>, "renoir: stream_iter expects a range (vector, list, ...)");
    using T = detail::iter_value_t<Range>;
    return make<T>(sources::Iter<Range>{std::make_shared<const Range>(std::move(range))}, Replication::one());
  }
  template <class T>
  auto stream_iter(std::initializer_list<T> items) {
    return stream_iter(std::vector<T>(items));
  }

  /// The integers [begin, end), split into contiguous shares across the replicas.
  template <std::integral I>
  auto stream_par_iter(I begin, I end) {
    return make<I>(sources::IntRange<I>{begin, end}, Replication::unlimited());
  }

  /// Every replica iterates `make(index, replicas)` (index in 0..replicas-1).
  template <class Make>
    requires std::invocable<Make&, std::size_t, std::size_t>
  auto stream_par_iter(Make make_range) {
    using R = std::invoke_result_t<Make&, std::size_t, std::size_t>;
    static_assert(detail::Iterable<std::remove_reference_t<R>>, "renoir: stream_par_iter's callable must return a range");
    using T = detail::iter_value_t<std::remove_reference_t<R>>;
    return make<T>(sources::PerReplica<Make>{std::move(make_range)}, Replication::unlimited());
  }

  // ---- Renoir spellings: stream_par_iter over a range, stream(source), parallelism() ----
  /// The elements of a sized random-access range (`std::views::iota(0, n)`, a vector, ...),
  /// copied into the job and split into contiguous shares across the replicas: replica i of n
  /// reads positions [len*i/n, len*(i+1)/n), as stream_par_iter(begin, end) splits integers.
  template <class Range>
    requires(!std::invocable<Range&, std::size_t, std::size_t> && std::ranges::range<Range>)
  auto stream_par_iter(Range range) {
    static_assert(std::ranges::random_access_range<const Range> && std::ranges::sized_range<const Range>,
                  "renoir: stream_par_iter(range) needs a sized random-access range, iterable when const (iota, "
                  "vector, array, ...); for other ranges use stream_iter, or stream_par_iter(make(index, "
                  "replicas)) returning each replica's share");
    using T = std::ranges::range_value_t<const Range>;
    return make<T>(sources::RangeShares<Range>{std::make_shared<const Range>(std::move(range))},
                   Replication::unlimited());
  }

  /// A stream produced by a source type of your own (Renoir's `stream(source)`): see
  /// sources::UserSource (api/sources/user.hpp) for what it must provide.
  template <class S>
  auto stream(S source) {
    sources::detail::check_user_source<S>();
    const Replication replication = std::as_const(source).replication();
    return make<typename S::value_type>(sources::User<S>{std::move(source)}, replication);
  }

  /// Replicas of an unlimited block over every host (Renoir's `parallelism()`): see
  /// RuntimeConfig::parallelism().
  std::size_t parallelism() const { return job_->config.parallelism(); }
  /// Items dropped so far by event-time operators (windows, reorder, interval_join) of this
  /// job on this process because their timestamp was behind the watermark (late items).
  std::uint64_t late_items() const { return job_->late_items->load(std::memory_order_relaxed); }

  /// The lines of a text file (without '\n' or a trailing '\r'), split by byte range across
  /// the replicas; every line is read exactly once, whatever its length or bytes (binary data
  /// is fine: a line is what lies between '\n's). The file is opened here, so it must be a
  /// regular file: a missing or unreadable file, a directory, a FIFO or a device throws
  /// std::runtime_error naming the path. The job then reads the file as it is when it starts,
  /// even if the path is unlinked or replaced meanwhile; a file that shrinks while being read
  /// makes execute_blocking() throw, naming it.
  auto stream_file(std::string path) {
    return make<std::string>(sources::File{std::make_shared<detail::InputFile>(std::move(path))},
                             Replication::unlimited());
  }

  /// The rows of a CSV file parsed as `T` (see CsvCodec), split like stream_file and opened the
  /// same way. With `has_header` the first line is skipped. Empty lines are skipped. A row with
  /// the wrong number of fields or a field of the wrong type makes execute_blocking() throw
  /// std::runtime_error "FILE:LINE: what was expected, what was found".
  template <class T>
  auto stream_csv(std::string path, bool has_header = true) {
    return make<T>(sources::Csv<T>{std::make_shared<detail::InputFile>(std::move(path)), has_header},
                   Replication::unlimited());
  }

  // ---- Renoir spellings: sources ----
  /// A stream fed by the caller (Renoir's ChannelSource): items sent through the returned
  /// ChannelSender, from any thread, while the job runs, are read by one replica (on host 0);
  /// the stream ends when the sender is closed or every copy of it is destroyed. `send` blocks
  /// while `capacity` items wait, and returns false once the job is over (ended or failed), so
  /// a feeding thread never hangs on a dead job. Partial batches go out whenever the channel runs
  /// dry. Before execute_blocking() starts, at most `capacity` items can be sent without blocking.
  /// ```cpp
  /// auto [tx, stream] = ctx.stream_channel<int>(1024);
  /// auto out = stream.map(f).collect_vec();
  /// std::thread feed([tx = std::move(tx)]() mutable { for (int i = 0; i < n; ++i) tx.send(i); tx.close(); });
  /// ctx.execute_blocking();
  /// feed.join();
  /// ```
  template <class T>
  auto stream_channel(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("renoir: stream_channel(0): the channel must hold at least one item");
    auto channel = std::make_shared<detail::ItemChannel<T>>(capacity);
    job_->on_finish.push_back([channel](std::exception_ptr) { channel->end_reading(); });
    auto stream = make<T>(sources::Channel<T>{channel}, Replication::one());
    return std::pair<ChannelSender<T>, decltype(stream)>(ChannelSender<T>(channel), std::move(stream));
  }

  /// Runs the job and waits for it. Rethrows the first error raised by any replica, after
  /// stopping the others.
  void execute_blocking();

  /// Runs this process as one host of a job spread over several processes, with an explicit
  /// execution config (hosts, this host, network). Used by the remote runtime and by tests that
  /// simulate several hosts in one process; most users want execute_blocking().
  void execute_blocking(const core::ExecutionConfig& exec);

 private:
  /// `where` names the source verb ("stream_file") in the block's name.
  template <class T, class Source>
  Stream<T, Source, core::Identity> make(Source source, Replication replication,
                                         std::source_location where = std::source_location::current()) {
    job_->check_open();
    return {job_, std::move(source), core::Identity{}, core::BlockOptions{replication, {}, {}}.named(core::verb_name(where))};
  }

  std::shared_ptr<detail::Job> job_;
};

}  // namespace renoir
