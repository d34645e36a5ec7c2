// Credit accounting for flow control.
#include "renoir/transport/credit.hpp"

#include <algorithm>
#include <stdexcept>

namespace renoir::transport::detail {

CreditLedger::CreditLedger(std::size_t num_peers, std::uint32_t window)
    : available_(num_peers, window),
      unreturned_(num_peers, 0),
      window_(window),
      threshold_(std::max<std::uint32_t>(1, window / 4)) {
  if (window == 0) throw std::invalid_argument("credit window must be at least 1");
}

bool CreditLedger::try_acquire(PeerId to) {
  if (available_[to] == 0) return false;
  --available_[to];
  return true;
}

void CreditLedger::grant(PeerId to, std::uint32_t n) {
  available_[to] = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(std::uint64_t{available_[to]} + n, window_));
}

std::uint32_t CreditLedger::take_returnable(PeerId from, bool force) {
  std::uint32_t n = unreturned_[from];
  if (n == 0 || (n < threshold_ && !force)) return 0;
  unreturned_[from] = 0;
  return n;
}

}  // namespace renoir::transport::detail
