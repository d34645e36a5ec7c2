// write_csv: CSV rows into one file per replica, or (write_csv_one) into one file.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <renoir/api/csv.hpp>
#include <renoir/core/replica.hpp>

namespace renoir {
namespace ops {
template <class T>
struct CsvWriter {
  std::string path;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{nullptr, &std::fclose};
  std::vector<std::string> fields{};
  std::string buffer{};

  template <class X>
  void push(X&& x) {
    fields.clear();
    CsvCodec<T>::format(x, fields);
    detail::append_csv_line(fields, buffer);
    if (buffer.size() >= (1 << 16)) write();
  }
  void flush() {}
  void watermark(core::Timestamp) {}
  void restart() {}
  void end() {
    write();
    if (std::fflush(file.get()) != 0) fail();
  }

 private:
  void write() {
    if (!buffer.empty() && std::fwrite(buffer.data(), 1, buffer.size(), file.get()) != buffer.size()) fail();
    buffer.clear();
  }
  [[noreturn]] void fail() { throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno)); }
};

/// Opens `path` for a CsvWriter: truncated, or (append) written after its content.
template <class T>
CsvWriter<T> open_csv_writer(std::string path, bool append) {
  CsvWriter<T> w{std::move(path)};
  w.file.reset(std::fopen(w.path.c_str(), append ? "a" : "w"));
  if (!w.file) throw std::runtime_error("cannot create '" + w.path + "': " + std::strerror(errno));
  return w;
}

template <class T>
struct CsvWriterFactory {
  std::string path;
  bool append = false;
  void attach(std::size_t) {}
  CsvWriter<T> make(const core::ReplicaContext&) const { return open_csv_writer<T>(path, append); }
};

/// One file per replica: `path_of(replica index)`.
template <class T, class PathOf>
struct CsvPerReplicaFactory {
  PathOf path_of;
  bool append = false;
  void attach(std::size_t) {}
  CsvWriter<T> make(const core::ReplicaContext& rc) const {
    auto f = path_of;  // a copy per replica: the callable may be stateful
    return open_csv_writer<T>(std::string(f(rc.info.index)), append);
  }
};
}  // namespace ops

template <class T, class S, class O>
void Stream<T, S, O>::write_csv_one(std::string path, bool append) const {
  gather().finish(ops::CsvWriterFactory<T>{std::move(path), append});
}

template <class T, class S, class O>
void Stream<T, S, O>::write_csv(std::string path) const {
  write_csv_one(std::move(path), false);
}

template <class T, class S, class O>
template <class PathOf>
  requires std::is_invocable_r_v<std::string, PathOf&, std::size_t>
void Stream<T, S, O>::write_csv(PathOf path_of_replica, bool append) const {
  finish(ops::CsvPerReplicaFactory<T, PathOf>{std::move(path_of_replica), append});
}

}  // namespace renoir
