// Tests transport/credit.hpp: spending, returning in batches, clamping.
#include <gtest/gtest.h>

#include <renoir/transport/credit.hpp>

namespace renoir::transport::detail {
namespace {

TEST(CreditLedger, SenderRunsOutAfterTheWindow) {
  CreditLedger ledger(2, 4);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ledger.try_acquire(1));
  EXPECT_FALSE(ledger.try_acquire(1));
  EXPECT_EQ(ledger.available(1), 0u);
  EXPECT_EQ(ledger.available(0), 4u) << "credits are per peer";
  ledger.grant(1, 2);
  EXPECT_EQ(ledger.available(1), 2u);
  ledger.refund(1);
  EXPECT_EQ(ledger.available(1), 3u);
}

TEST(CreditLedger, GrantsAreClampedToTheWindow) {
  CreditLedger ledger(1, 8);
  ledger.grant(0, 0xffffffffu);
  EXPECT_EQ(ledger.available(0), 8u);
}

TEST(CreditLedger, ReceiverReturnsInBatchesOfAQuarterWindow) {
  CreditLedger ledger(2, 64);
  for (int i = 0; i < 15; ++i) ledger.consumed(1);
  EXPECT_EQ(ledger.take_returnable(1), 0u) << "below the threshold of 16";
  ledger.consumed(1);
  EXPECT_EQ(ledger.take_returnable(1), 16u);
  EXPECT_EQ(ledger.take_returnable(1), 0u) << "already returned";
  ledger.consumed(1);
  EXPECT_EQ(ledger.take_returnable(1, /*force=*/true), 1u);
}

TEST(CreditLedger, SmallWindowsReturnEveryMessage) {
  CreditLedger ledger(1, 2);
  ledger.consumed(0);
  EXPECT_EQ(ledger.take_returnable(0), 1u);
}

TEST(CreditLedger, ZeroWindowIsRejected) {
  EXPECT_THROW(CreditLedger(1, 0), std::invalid_argument);
}

}  // namespace
}  // namespace renoir::transport::detail
