// Admin.reloadConfig over a real loopback socket: a server started from a config file that the
// test rewrites. Tokens and max_batch reload; anything else, or a broken file, is refused with
// nothing applied. The suite is Service, so that the thread-sanitizer step runs it.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "io/config_loader.h"
#include "rpc/client.h"
#include "rpc/config_reload.h"
#include "rpc/server.h"
#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::Contains;
using test::ErrorOf;
using test::kAdminToken;
using test::kReaderToken;
using test::kWriterToken;
using test::TempDir;
using test::TestServer;

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// A server started from test::ConfigToml written to a file, which a test then rewrites.
class FromFile {
 public:
  FromFile()
      : path_(dir_.Write("idgraph.toml", Toml())),
        config_(LoadConfig(path_)),
        server_(config_, rpc::ConfigFile{path_, config_, {}}) {}

  std::string Toml() const { return test::ConfigToml(dir_.str()); }
  // Replaces the file whole (a new file renamed over it), as an editor does: a reload never
  // reads it half written.
  void Rewrite(const std::string& toml) const {
    std::filesystem::rename(dir_.Write("idgraph.toml.new", toml), path_);
  }
  const std::string& path() const { return path_; }
  TestServer& server() { return server_; }
  rpc::Client Connect(const std::string& token) const { return server_.Connect(token); }

 private:
  TempDir dir_;
  std::string path_;
  Config config_;
  TestServer server_;
};

std::vector<rpc::Identifier> Keys(size_t n) {
  return std::vector<rpc::Identifier>(n, rpc::Identifier{"email", "a@example.com"});
}

using Names = std::vector<std::string>;

TEST(Service, ReloadedTokensServeNewLoginsAndSessionsKeepTheirs) {
  FromFile f;
  rpc::Client admin = f.Connect(kAdminToken);
  rpc::Client reader = f.Connect(kReaderToken);  // logged in before the reload
  EXPECT_EQ(admin.ReloadConfig(), Names{});      // the file as started: nothing changed

  f.Rewrite(Replaced(f.Toml(), kReaderToken, "reader-new"));
  EXPECT_EQ(admin.ReloadConfig(), Names{"server.tokens"});
  EXPECT_EQ(f.Connect("reader-new").role(), Role::kReader);
  EXPECT_EQ(ErrorOf([&] { f.Connect(kReaderToken); }), "unknown token");
  EXPECT_EQ(reader.Lookup("email", "a@example.com").profiles.size(), 0u);  // still serves
  EXPECT_EQ(f.Connect(kWriterToken).role(), Role::kWriter);
  EXPECT_EQ(admin.ReloadConfig(), Names{});

  // The server's own entry point reloads the same way.
  f.Rewrite(f.Toml());
  EXPECT_EQ(f.server().server().ReloadConfig(), Names{"server.tokens"});
  EXPECT_EQ(f.Connect(kReaderToken).role(), Role::kReader);
}

TEST(Service, ReloadedMaxBatchLimitsTheNextCalls) {
  FromFile f;
  rpc::Client admin = f.Connect(kAdminToken);
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.LookupBatch(Keys(51)); }), "at most 50"));
  f.Rewrite(Replaced(f.Toml(), "max_batch = 50", "max_batch = 100"));
  EXPECT_EQ(admin.ReloadConfig(), Names{"server.max_batch"});
  EXPECT_EQ(admin.LookupBatch(Keys(51)).size(), 51u);
  EXPECT_EQ(admin.SegmentMembers("records >= 1", 100).ids.size(), 0u);
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.LookupBatch(Keys(101)); }),
                       "101 keys in one call; the server takes at most 100"));

  // Both at once, named in config order.
  f.Rewrite(
      Replaced(Replaced(f.Toml(), kWriterToken, "writer-new"), "max_batch = 50", "max_batch = 20"));
  EXPECT_EQ(admin.ReloadConfig(), (Names{"server.max_batch", "server.tokens"}));
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.LookupBatch(Keys(21)); }), "at most 20"));
}

TEST(Service, ReloadRefusesWhatTakesARestartAndAppliesNothing) {
  FromFile f;
  rpc::Client admin = f.Connect(kAdminToken);
  // A kind's fan-out cap, with a token and max_batch change beside it: all or nothing.
  const std::string changed =
      Replaced(Replaced(f.Toml(), "max_batch = 50", "max_batch = 100"), kReaderToken, "r-new");
  f.Rewrite(Replaced(changed, "max_records = 8", "max_records = 9"));
  const std::string error = ErrorOf([&] { admin.ReloadConfig(); });
  EXPECT_TRUE(Contains(error, f.path() + ": kinds changed")) << error;
  EXPECT_TRUE(Contains(error, "restart")) << error;
  EXPECT_TRUE(Contains(error, "nothing was applied")) << error;
  EXPECT_FALSE(Contains(error, "r-new")) << error;  // never a token
  EXPECT_EQ(f.Connect(kReaderToken).role(), Role::kReader);
  EXPECT_EQ(ErrorOf([&] { f.Connect("r-new"); }), "unknown token");
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.LookupBatch(Keys(51)); }), "at most 50"));

  f.Rewrite(Replaced(Replaced(f.Toml(), "threads = 2", "threads = 3"), "\"ts\"", "\"when\""));
  const std::string two = ErrorOf([&] { admin.ReloadConfig(); });
  EXPECT_TRUE(Contains(two, ": sources, server.threads changed")) << two;

  f.Rewrite(f.Toml());  // back as started: the server took nothing from the refused files
  EXPECT_EQ(admin.ReloadConfig(), Names{});
}

TEST(Service, ReloadOfABrokenOrMissingFileIsRefused) {
  FromFile f;
  rpc::Client admin = f.Connect(kAdminToken);
  f.Rewrite(Replaced(Replaced(f.Toml(), "max_batch = 50", "max_batch = \"lots\""), kReaderToken,
                     "r-new"));
  const std::string error = ErrorOf([&] { admin.ReloadConfig(); });
  EXPECT_TRUE(Contains(error, f.path() + ":")) << error;
  EXPECT_TRUE(Contains(error, "server.max_batch: expected a non-negative integer")) << error;
  EXPECT_EQ(f.Connect(kReaderToken).role(), Role::kReader);

  std::filesystem::remove(f.path());
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.ReloadConfig(); }), "cannot read the config file"));
  EXPECT_EQ(f.Connect(kReaderToken).role(), Role::kReader);
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.LookupBatch(Keys(51)); }), "at most 50"));
}

TEST(Service, ReloadWithoutAConfigFileFails) {
  TestServer s;  // started from a Config in memory
  rpc::Client admin = s.Connect(kAdminToken);
  EXPECT_EQ(ErrorOf([&] { admin.ReloadConfig(); }), "no config file to reload");
  EXPECT_EQ(ErrorOf([&] { s.server().ReloadConfig(); }), "no config file to reload");
  EXPECT_EQ(admin.Stats().records, 0u);
}

// Logins and batch calls on every event loop while reloads swap the tokens and max_batch
// underneath, from a client and from the server's own entry point at once: the thread
// sanitizer's case.
TEST(Service, ReloadWhileServing) {
  FromFile f;
  const std::string a = Replaced(f.Toml(), "max_batch = 50", "max_batch = 60");
  const std::string b = Replaced(f.Toml(), kWriterToken, "writer-new");
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&] {
      rpc::Client reader = f.Connect(kReaderToken);  // reader tokens never change here
      while (!done.load()) {
        const std::string error = ErrorOf([&] { reader.LookupBatch(Keys(55)); });
        EXPECT_TRUE(error.empty() || Contains(error, "at most 50")) << error;
        const std::string login = ErrorOf([&] { f.Connect(kWriterToken); });
        EXPECT_TRUE(login.empty() || login == "unknown token") << login;
      }
    });
  }
  rpc::Client admin = f.Connect(kAdminToken);
  std::thread other([&] {
    for (int i = 0; i < 20; ++i) {
      EXPECT_EQ(ErrorOf([&] { f.server().server().ReloadConfig(); }), "");
    }
  });
  for (int i = 0; i < 40; ++i) {
    f.Rewrite(i % 2 == 0 ? a : b);
    EXPECT_EQ(ErrorOf([&] { admin.ReloadConfig(); }), "");
  }
  other.join();
  done = true;
  for (std::thread& c : clients) c.join();
  f.Rewrite(f.Toml());
  admin.ReloadConfig();
  EXPECT_EQ(f.Connect(kWriterToken).role(), Role::kWriter);
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.LookupBatch(Keys(51)); }), "at most 50"));
}

TEST(ConfigDifferences, NamesEachSectionAndServerKey) {
  const Config a = test::TestConfig();
  EXPECT_EQ(rpc::ConfigDifferences(a, a), Names{});
  Config b = a;
  b.engine.default_region = "DE";
  b.kinds[3].junk.push_back("0000");
  b.sources[1].fields[0].column = "mail";
  b.matching.blocking.push_back({"by_city", {{2, KeyTransform::kPrefix, 3}}});
  b.server.max_message_bytes = 1 << 20;
  b.server.tokens[0].role = Role::kWriter;
  b.segments.max_bitmap_values = 16;
  EXPECT_EQ(rpc::ConfigDifferences(a, b),
            (Names{"engine", "kinds", "sources", "matching", "server.max_message_bytes",
                   "server.tokens", "segments"}));
  Config c = a;
  c.attributes[0].type = AttrType::kDate;
  c.server.listen = "127.0.0.1:7421";
  c.server.poll_us = 0;
  EXPECT_EQ(rpc::ConfigDifferences(a, c), (Names{"attributes", "server.listen", "server.poll_us"}));
}

}  // namespace
}  // namespace idg
