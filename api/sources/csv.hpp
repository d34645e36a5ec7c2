// stream_csv<T>: the rows of a CSV file as T, split by byte range across replicas.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <renoir/api/csv.hpp>
#include <renoir/api/input_file.hpp>
#include <renoir/api/line_reader.hpp>
#include <renoir/core/replica.hpp>

namespace renoir {
namespace detail {
/// Fields of a row of type T, where the built-in codecs tell (0: unknown, e.g. a custom codec).
template <class T>
struct csv_field_count : std::integral_constant<std::size_t, 0> {};
template <class T>
  requires std::is_arithmetic_v<T> || std::is_same_v<T, std::string>
struct csv_field_count<T> : std::integral_constant<std::size_t, 1> {};
template <class T>
struct csv_field_count<std::optional<T>> : csv_field_count<T> {};
template <class A, class B>
struct csv_field_count<std::pair<A, B>> : csv_field_count<std::tuple<A, B>> {};
template <class... Ts>
struct csv_field_count<std::tuple<Ts...>>
    : std::integral_constant<std::size_t, ((csv_field_count<Ts>::value != 0) && ...) ? (csv_field_count<Ts>::value + ... + 0) : 0> {};
}  // namespace detail

namespace sources {

template <class T>
struct Csv {
  std::shared_ptr<detail::InputFile> file;  // opened when the stream was declared, shared by the replicas
  bool has_header = true;
  void attach(std::size_t) const {}

  template <class Chain>
  void run(Chain& chain, const core::ReplicaContext& rc) const {
    constexpr std::size_t expected = detail::csv_field_count<T>::value;
    detail::LineReader reader(file, rc.info.index, rc.info.replicas);
    std::string_view line;
    std::size_t n = 0;
    while (reader.next(line)) {
      if ((++n & 1023) == 0) rc.run->throw_if_cancelled();
      if (reader.line_offset() == 0) {
        if (has_header) continue;
        if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // a UTF-8 byte order mark
      }
      if (line.empty()) continue;
      T row;
      try {
        CsvFields fields(detail::split_csv_line(line));
        if (expected != 0 && fields.size() != expected)
          throw std::runtime_error("expected " + std::to_string(expected) + " fields, found " +
                                   std::to_string(fields.size()));
        row = CsvCodec<T>::parse(fields);
        if (fields.consumed() != fields.size())
          throw std::runtime_error("expected " + std::to_string(fields.consumed()) + " fields, found " +
                                   std::to_string(fields.size()));
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(file->path() + ":" +
                                 std::to_string(detail::LineReader::line_number(file, reader.line_offset())) + ": " +
                                 e.what());
      }
      chain.push(std::move(row));
    }
    chain.end();
  }
};

}  // namespace sources
}  // namespace renoir
