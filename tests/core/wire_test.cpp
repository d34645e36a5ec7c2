// Messages on the wire (core/wire.hpp): round trips, and what a corrupt message gives: a
// transport::DecodeError, never a message built from bytes that do not form one.
#include <renoir/core/wire.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace renoir::core {
namespace {

TEST(Wire, RoundTrips) {
  Message<std::pair<std::string, bool>> m{MessageKind::batch, 7, {{"a", true}, {"", false}}};
  auto back = decode<std::pair<std::string, bool>>(encode(m));
  EXPECT_EQ(back.kind, MessageKind::batch);
  EXPECT_EQ(back.timestamp, 7);
  EXPECT_EQ(back.items, m.items);
  Message<int> w{MessageKind::watermark, 42, {}};
  EXPECT_EQ(decode<int>(encode(w)).timestamp, 42);
}

TEST(Wire, TrailingBytesAreCorrupt) {
  auto bytes = encode(Message<int>{MessageKind::batch, 1, {1, 2}});
  bytes.push_back(std::byte{0});
  EXPECT_THROW(decode<int>(bytes), transport::DecodeError);
  auto marker = encode(Message<int>{MessageKind::terminate, 0, {}});
  marker.push_back(std::byte{0});
  EXPECT_THROW(decode<int>(marker), transport::DecodeError);
}

TEST(Wire, CorruptKindsAndItemsAreDecodeErrors) {
  auto bytes = encode(Message<bool>{MessageKind::batch, 1, {true}});
  auto kind = bytes;
  kind[0] = std::byte{9};
  EXPECT_THROW(decode<bool>(kind), transport::DecodeError);
  auto item = bytes;
  item.back() = std::byte{110};  // "load of value 110, which is not a valid value for type 'bool'"
  EXPECT_THROW(decode<bool>(item), transport::DecodeError);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_THROW(decode<bool>(std::vector<std::byte>(bytes.begin(), bytes.begin() + cut)),
                 transport::DecodeError);
}

}  // namespace
}  // namespace renoir::core
