// A block: a source, a fused operator chain and a terminal, run once per replica.
#pragma once
#include <cstddef>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>

#include <renoir/core/batch_mode.hpp>
#include <renoir/core/op_base.hpp>
#include <renoir/core/replica.hpp>
#include <renoir/core/replication.hpp>

namespace renoir::core {

/// Per-block settings chosen through the fluent API.
struct BlockOptions {
  Replication replication = Replication::unlimited();
  BatchMode batch_mode{};
  std::string name;  ///< for messages: the operators of the block, e.g. "stream_file|flat_map|group_by"
  bool timestamped = false;  ///< items carry an event time (add_timestamps upstream)

  /// The options of the block that follows this one, with the given replication.
  BlockOptions next(Replication r) const { return {r, batch_mode, {}, timestamped}; }

  /// These options with `verb` appended to the name (unless it is already the last one).
  BlockOptions named(std::string_view verb) const {
    BlockOptions o = *this;
    const std::string_view last = std::string_view(o.name).substr(o.name.rfind('|') + 1);
    if (verb.empty() || last == verb) return o;
    if (!o.name.empty()) o.name += '|';
    o.name += verb;
    return o;
  }
};

/// The verb whose definition contains `where` (a default argument of the fluent API's building
/// blocks, so it is the verb's own body): the function's name in GCC's and Clang's pretty
/// signatures ("... renoir::Stream<T, Source, Ops>::map(F) const [with ...]" -> "map"), else the
/// header's stem ("api/operators/map.hpp" -> "map"). Runs once per verb while a job is built.
inline std::string_view verb_name(const std::source_location& where) {
  std::string_view f = where.function_name();
  if (auto with = f.find(" [with "); with != std::string_view::npos) f = f.substr(0, with);
  // The parameter list is the last balanced (...) of what is left.
  if (auto close = f.rfind(')'); close != std::string_view::npos) {
    int depth = 0;
    for (std::size_t i = close + 1; i-- > 0;) {
      if (f[i] == ')') ++depth;
      if (f[i] == '(' && --depth == 0) {
        std::size_t begin = i;
        auto ident = [](char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
        while (begin > 0 && ident(f[begin - 1])) --begin;
        const auto name = f.substr(begin, i - begin);
        if (!name.empty() && name != "operator" && (begin == 0 || f[begin - 1] == ':' || f[begin - 1] == ' ')) return name;
        break;
      }
    }
  }
  std::string_view file = where.file_name();
  file = file.substr(file.find_last_of('/') + 1);
  return file.substr(0, file.find('.'));
}

/// The options of a block fed by two blocks: the first's batching; timestamped if either is.
inline BlockOptions merged_options(const BlockOptions& a, const BlockOptions& b,
                                   Replication r = Replication::unlimited()) {
  return {r, a.batch_mode, {}, a.timestamped || b.timestamped};
}

/// Type-erased block: the only virtual call of the data path, made once per replica.
class BlockBase {
 public:
  explicit BlockBase(BlockOptions options) : options_(std::move(options)) {}
  virtual ~BlockBase() = default;
  virtual void run(const ReplicaContext& rc) const = 0;
  const BlockOptions& options() const { return options_; }

 private:
  BlockOptions options_;
};

/// `Ops::build(next)` returns the fused chain ending in `next`; `Terminal::make(rc)` returns the
/// chain's last stage (an emitter or a sink); `Source::run(chain, rc)` pushes into the chain.
template <class Source, class Ops, class Terminal>
class Block final : public BlockBase {
 public:
  Block(Source source, Ops ops, Terminal terminal, BlockOptions options)
      : BlockBase(std::move(options)), source_(std::move(source)), ops_(std::move(ops)), terminal_(std::move(terminal)) {}

  void run(const ReplicaContext& rc) const override {
    auto chain = ops_.build(terminal_.make(rc));
    static_assert(ChainStage<decltype(chain)>, "renoir: a chain stage needs flush(), watermark(t), restart(), end()");
    source_.run(chain, rc);
  }

 private:
  Source source_;
  Ops ops_;
  Terminal terminal_;
};

/// The empty operator chain.
struct Identity {
  template <class Next>
  Next build(Next next) const {
    return next;
  }
};

/// `Prev`'s chain followed by the operator that `Make(next)` creates.
template <class Prev, class Make>
struct Chain {
  Prev prev;
  Make make;
  template <class Next>
  auto build(Next next) const {
    return prev.build(make(std::move(next)));
  }
};

}  // namespace renoir::core
