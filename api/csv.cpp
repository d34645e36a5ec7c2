// CSV rows: splitting and quoting.
#include <renoir/api/csv.hpp>

#include <stdexcept>

namespace renoir::detail {

std::vector<std::string> split_csv_line(std::string_view line, char sep) {
  std::vector<std::string> fields;
  std::string field;
  std::size_t i = 0;
  for (;;) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) throw std::runtime_error("unterminated quoted field");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != sep) throw std::runtime_error("unexpected character after a quoted field");
    } else {
      while (i < line.size() && line[i] != sep) field.push_back(line[i++]);
    }
    fields.push_back(field);
    if (i >= line.size()) break;
    ++i;  // separator
  }
  return fields;
}

void append_csv_line(const std::vector<std::string>& fields, std::string& out, char sep) {
  for (std::size_t k = 0; k < fields.size(); ++k) {
    if (k) out.push_back(sep);
    const std::string& f = fields[k];
    if (f.find_first_of(std::string{sep, '"', '\n', '\r'}) == std::string::npos) {
      out += f;
      continue;
    }
    out.push_back('"');
    for (char c : f) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('\n');
}

}  // namespace renoir::detail
