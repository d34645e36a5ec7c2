// stream_file: the lines of a text file, split by byte range across replicas.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include <renoir/api/input_file.hpp>
#include <renoir/api/line_reader.hpp>
#include <renoir/core/replica.hpp>

namespace renoir::sources {

struct File {
  std::shared_ptr<detail::InputFile> file;  // opened when the stream was declared, shared by the replicas
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    detail::LineReader reader(file, rc.info.index, rc.info.replicas);
    std::string line;  // reused while downstream only reads it; a long line is moved in, not copied
    std::size_t n = 0;
    while (reader.next(line)) {
      if ((++n & 1023) == 0) rc.run->throw_if_cancelled();
      chain.push(std::move(line));
    }
    chain.end();
  }
};

}  // namespace renoir::sources
