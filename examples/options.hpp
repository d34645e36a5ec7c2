// Command lines of the iterative examples: `INPUT --name VALUE ...`, and the parsing of their rows.
#pragma once
#include <charconv>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cstdio>
#include <iostream>
#include <optional>

#include <renoir/renoir.hpp>

#include "args.hpp"

namespace examples {

/// INPUT followed by `--name value` pairs, each name one of `names`; every name is required.
struct Options {
  std::string input;
  std::map<std::string, std::size_t> counts;

  /// Parses args[1..]; throws std::invalid_argument naming what is wrong.
  static Options parse(const std::vector<std::string>& args, const std::vector<std::string>& names) {
    Options o;
    if (args.size() < 2) throw std::invalid_argument("missing INPUT");
    o.input = args[1];
    for (std::size_t i = 2; i < args.size(); i += 2) {
      const std::string& name = args[i];
      bool known = false;
      for (const auto& n : names) known |= name == "--" + n;
      if (!known) throw std::invalid_argument("unknown option '" + name + "'");
      if (i + 1 == args.size()) throw std::invalid_argument(name + " needs a value");
      std::size_t v = 0;
      if (!parse_count(args[i + 1], v))
        throw std::invalid_argument(name + " expects a non-negative integer, not '" + args[i + 1] + "'");
      o.counts[name.substr(2)] = v;
    }
    for (const auto& n : names)
      if (!o.counts.count(n)) throw std::invalid_argument("missing --" + n);
    return o;
  }
  std::size_t operator[](const std::string& name) const { return counts.at(name); }
};

/// Parses one number of a CSV field; throws naming the row.
template <class N>
N parse_field(std::string_view field, std::string_view row) {
  N v{};
  const char* end = field.data() + field.size();
  while (end > field.data() && (end[-1] == '\r' || end[-1] == ' ')) --end;
  auto [p, ec] = std::from_chars(field.data(), end, v);
  if (ec != std::errc{} || p != end || field.empty())
    throw std::runtime_error("bad row '" + std::string(row.substr(0, 60)) + "': expected two numbers 'a,b'");
  return v;
}

/// The two numbers of a row `a,b`.
template <class N>
std::pair<N, N> parse_pair(std::string_view row) {
  const auto comma = row.find(',');
  if (comma == std::string_view::npos)
    throw std::runtime_error("bad row '" + std::string(row.substr(0, 60)) + "': expected two numbers 'a,b'");
  return {parse_field<N>(row.substr(0, comma), row), parse_field<N>(row.substr(comma + 1), row)};
}

using Node = std::uint32_t;
using Edge = std::pair<Node, Node>;
using Point = std::pair<double, double>;

/// `parse_pair` of a row of `path`, whose name any error carries.
template <class N>
std::pair<N, N> parse_row(const std::string& path, std::string_view row) {
  try {
    return parse_pair<N>(row);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

/// Checks that both ends of `e` are below `nodes`.
inline Edge checked_edge(Edge e, std::size_t nodes) {
  if (e.first >= nodes || e.second >= nodes)
    throw std::runtime_error("edge " + std::to_string(e.first) + "," + std::to_string(e.second) +
                             " names a node >= --nodes " + std::to_string(nodes));
  return e;
}

/// The main of an iterative example: `(--local N | --remote CONFIG) INPUT --name VALUE ...`;
/// `job(config, options)` returns the text to print (on the host that collects the result).
template <class Job>
int run_example(int argc, char** argv, const char* usage, const std::vector<std::string>& names, Job job) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  Options options;
  try {
    options = Options::parse(args, names);
  } catch (const std::invalid_argument& e) {
    std::cerr << args[0] << ": " << e.what() << "\nusage: " << args[0] << " (--local N | --remote CONFIG) " << usage
              << '\n';
    return 2;
  }
  try {
    config.spawn_remote_workers();  // remote: start the job on every host and exit; local: no-op
    const std::optional<std::string> text = job(config, options);
    if (text) std::fwrite(text->data(), 1, text->size(), stdout);
  } catch (const std::exception& e) {
    std::cerr << args[0] << ": error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

/// Runs the job of `ctx` and takes the loop's final state from `states` (its collect_vec);
/// nullopt on the hosts that do not collect it.
template <class S>
std::optional<S> final_state(renoir::StreamContext& ctx, renoir::StreamOutput<std::vector<S>>& states) {
  ctx.execute_blocking();
  auto v = states.get();
  if (!v) return std::nullopt;
  return std::move(v->at(0));
}

/// Folds one replica's dense partial `d` into `acc` element by element with `op` (the first
/// partial is taken as it is; an empty one, from a replica that saw no item, is skipped).
template <class V, class Op>
void merge_partial(std::vector<V>& acc, std::vector<V>&& d, Op op) {
  if (d.empty()) return;
  if (acc.empty()) {
    acc = std::move(d);
    return;
  }
  for (std::size_t i = 0; i < d.size(); ++i) acc[i] = op(acc[i], d[i]);
}

/// printf into a std::string.
template <class... A>
std::string format(const char* fmt, A... a) {
  char buf[128];
  const int n = std::snprintf(buf, sizeof buf, fmt, a...);
  return std::string(buf, static_cast<std::size_t>(n < 0 ? 0 : n));
}

}  // namespace examples
