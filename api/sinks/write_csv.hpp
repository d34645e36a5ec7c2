// write_csv: writes every item as a CSV row into one file.
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

template <class T>
struct CsvWriterFactory {
  std::string path;
  void attach(std::size_t) {}
  CsvWriter<T> make(const core::ReplicaContext&) const {
    CsvWriter<T> w{path};
    w.file.reset(std::fopen(path.c_str(), "w"));
    if (!w.file) throw std::runtime_error("cannot create '" + path + "': " + std::strerror(errno));
    return w;
  }
};
}  // namespace ops

template <class T, class S, class O>
void Stream<T, S, O>::write_csv(std::string path) const {
  gather().finish(ops::CsvWriterFactory<T>{std::move(path)});
}

}  // namespace renoir
