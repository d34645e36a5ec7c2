// Messages on the wire: the element protocol's Message<T>, serialized for another process.
#pragma once
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

#include <renoir/core/message.hpp>
#include <renoir/transport/serialization.hpp>

namespace renoir::core {

/// [kind u8][timestamp i64][items...][stamps...]; items and stamps only for batches (no stamps:
/// a zero count). Replaces the contents of `out`, reusing its capacity (an emitter keeps one
/// buffer: no allocation per batch once it has grown).
template <class T>
void encode_into(const Message<T>& m, std::vector<std::byte>& out) {
  out.clear();
  transport::Writer w(out);
  w.pod(static_cast<std::uint8_t>(m.kind));
  w.pod(m.timestamp);
  if (m.kind == MessageKind::batch) {
    if constexpr (transport::Serializable<std::vector<T>>) {
      transport::write(w, m.items);
      transport::write(w, m.stamps);
    } else {
      throw std::logic_error(std::string("renoir: items of type ") + typeid(T).name() +
                             " cross hosts but have no renoir::transport::Serializer");
    }
  }
}

/// encode_into() a new buffer.
template <class T>
std::vector<std::byte> encode(const Message<T>& m) {
  std::vector<std::byte> out;
  encode_into(m, out);
  return out;
}

/// The message in `bytes`, which must hold exactly one; throws transport::DecodeError if they
/// do not (a wrong kind, a truncated or corrupt batch, trailing bytes). Reads `bytes` in place
/// (the network hands over the transport's receive buffer).
template <class T>
Message<T> decode(std::span<const std::byte> bytes) {
  transport::Reader r(bytes.data(), bytes.size());
  Message<T> m;
  const auto kind = r.pod<std::uint8_t>();
  if (kind > static_cast<std::uint8_t>(MessageKind::terminate))
    throw transport::DecodeError("renoir: corrupt message kind " + std::to_string(kind));
  m.kind = static_cast<MessageKind>(kind);
  m.timestamp = r.pod<Timestamp>();
  if (m.kind == MessageKind::batch) {
    if constexpr (transport::Serializable<std::vector<T>>) {
      m.items = transport::read<std::vector<T>>(r);
      m.stamps = transport::read<std::vector<Timestamp>>(r);
      if (!m.stamps.empty() && m.stamps.size() != m.items.size())
        throw transport::DecodeError("renoir: a batch of " + std::to_string(m.items.size()) + " items with " +
                                     std::to_string(m.stamps.size()) + " timestamps");
    } else {
      throw std::logic_error(std::string("renoir: items of type ") + typeid(T).name() +
                             " cross hosts but have no renoir::transport::Serializer");
    }
  }
  if (r.remaining() != 0)
    throw transport::DecodeError("renoir: " + std::to_string(r.remaining()) +
                                 " bytes after the end of a message");
  return m;
}

}  // namespace renoir::core
