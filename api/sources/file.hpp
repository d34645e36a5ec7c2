// stream_file: the lines of a text file, split by byte range across replicas.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <renoir/api/line_reader.hpp>
#include <renoir/core/replica.hpp>

namespace renoir::sources {

struct File {
  std::string path;
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    detail::LineReader reader(path, rc.info.index, rc.info.replicas);
    std::string line;  // reused: no allocation per line while downstream only reads it
    std::string_view view;
    std::size_t n = 0;
    while (reader.next(view)) {
      if ((++n & 1023) == 0) rc.run->throw_if_cancelled();
      line.assign(view);
      chain.push(std::move(line));
    }
    chain.end();
  }
};

}  // namespace renoir::sources
