// How the client subcommands word what they could not do.
#include "cli/remote_format.h"

#include <gtest/gtest.h>

namespace idg {
namespace {

TEST(RemoteFormat, NotIngestedNamesTheLineRangesAndWhatWasNotSent) {
  const std::vector<uint64_t> line_of = {1, 2, 4, 5, 6, 9, 10};
  // Records 0-1 went in, 2-3 were refused, 4 went in, 5 was refused; 6 was not sent.
  const std::vector<bool> acknowledged = {true, true, false, false, true, false, false};
  EXPECT_EQ(cli::NotIngestedText(line_of, acknowledged, 6, "too many"),
            "lines 4 to 5, 9 were not ingested: too many; nothing from line 10 on was sent");
  EXPECT_EQ(cli::NotIngestedText(line_of, acknowledged, 7, "too many"),
            "lines 4 to 5, 9 to 10 were not ingested: too many");
}

}  // namespace
}  // namespace idg
