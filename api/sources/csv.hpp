// stream_csv<T>: the rows of a CSV file as T, split by byte range across replicas.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <renoir/api/csv.hpp>
#include <renoir/api/line_reader.hpp>
#include <renoir/core/replica.hpp>

namespace renoir::sources {

template <class T>
struct Csv {
  std::string path;
  bool has_header = true;
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    detail::LineReader reader(path, rc.info.index, rc.info.replicas);
    std::string_view line;
    std::size_t n = 0;
    while (reader.next(line)) {
      if ((++n & 1023) == 0) rc.run->throw_if_cancelled();
      if (has_header && reader.line_offset() == 0) continue;
      if (line.empty()) continue;
      T row;
      try {
        CsvFields fields(detail::split_csv_line(line));
        row = CsvCodec<T>::parse(fields);
        if (fields.consumed() != fields.size())
          throw std::runtime_error("expected " + std::to_string(fields.consumed()) + " fields, found " +
                                   std::to_string(fields.size()));
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ":" + std::to_string(detail::LineReader::line_number(path, reader.line_offset())) +
                                 ": " + e.what());
      }
      chain.push(std::move(row));
    }
    chain.end();
  }
};

}  // namespace renoir::sources
