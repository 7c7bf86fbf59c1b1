// The wire protocol itself, below rpc::Client: a session holds only its role's capabilities,
// and there is no path around them; oversized messages are refused.
#include <capnp/ez-rpc.h>
#include <gtest/gtest.h>
#include <kj/async.h>

#include <string>

#include "rpc/idgraph.capnp.h"
#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::Contains;
using test::kAdminToken;
using test::kReaderToken;
using test::kWriterToken;
using test::TestServer;

// The description of the KJ exception `f` throws, or "".
template <typename F>
std::string KjErrorOf(F&& f) {
  try {
    f();
  } catch (const kj::Exception& e) {
    return e.getDescription().cStr();
  }
  return "";
}

TEST(Wire, SessionsHoldOnlyTheirRolesCapabilities) {
  TestServer s;
  capnp::EzRpcClient ez(s.address().c_str());
  auto& ws = ez.getWaitScope();
  auto main = ez.getMain<wire::Idgraph>();
  auto login = [&](const char* token) {
    auto req = main.loginRequest();
    req.setToken(token);
    return req.send().wait(ws);
  };

  auto reader = login(kReaderToken);
  EXPECT_EQ(reader.getSession().getRole(), wire::Role::READER);
  EXPECT_TRUE(reader.getSession().hasReader());
  EXPECT_FALSE(reader.getSession().hasWriter());
  EXPECT_FALSE(reader.getSession().hasAdmin());
  // Calling the absent writer capability anyway fails.
  auto ingest = reader.getSession().getWriter().ingestRequest();
  ingest.initRecords(1)[0].setSource("crm");
  EXPECT_NE(KjErrorOf([&] { ingest.send().wait(ws); }), "");
  auto erase = reader.getSession().getAdmin().eraseProfileRequest();
  erase.setId(1);
  EXPECT_NE(KjErrorOf([&] { erase.send().wait(ws); }), "");
  auto reresolve = reader.getSession().getAdmin().reresolveRequest();
  EXPECT_NE(KjErrorOf([&] { reresolve.send().wait(ws); }), "");
  EXPECT_EQ(s.graph().Stats().ingested_records, 0u);
  // Nor may a reader save a segment; it may list them and count.
  auto define = reader.getSession().getWriter().defineSegmentRequest();
  define.setName("all");
  define.setQuery("records >= 1");
  EXPECT_NE(KjErrorOf([&] { define.send().wait(ws); }), "");
  EXPECT_EQ(
      reader.getSession().getReader().listSegmentsRequest().send().wait(ws).getSegments().size(),
      0u);
  auto count = reader.getSession().getReader().segmentCountRequest();
  count.setQuery("records >= 1");
  EXPECT_EQ(count.send().wait(ws).getCount(), 0u);

  auto writer = login(kWriterToken);
  EXPECT_EQ(writer.getSession().getRole(), wire::Role::WRITER);
  EXPECT_TRUE(writer.getSession().hasReader());
  EXPECT_TRUE(writer.getSession().hasWriter());
  EXPECT_FALSE(writer.getSession().hasAdmin());
  // Nor may a writer re-resolve.
  auto writer_reresolve = writer.getSession().getAdmin().reresolveRequest();
  writer_reresolve.setRetrain(true);
  EXPECT_NE(KjErrorOf([&] { writer_reresolve.send().wait(ws); }), "");

  auto admin = login(kAdminToken);
  EXPECT_EQ(admin.getSession().getRole(), wire::Role::ADMIN);
  EXPECT_TRUE(admin.getSession().hasReader());
  EXPECT_TRUE(admin.getSession().hasWriter());
  EXPECT_TRUE(admin.getSession().hasAdmin());

  const std::string wrong = KjErrorOf([&] { login("guess"); });
  EXPECT_TRUE(Contains(wrong, "unknown token"));
  // The connection survives a failed login.
  EXPECT_EQ(login(kReaderToken).getSession().getRole(), wire::Role::READER);
}

TEST(Wire, OversizedMessagesAreRefusedAndTheServerGoesOn) {
  Config config = test::TestConfig();
  config.server.max_message_bytes = 64 << 10;
  TestServer s(config);
  {
    capnp::EzRpcClient ez(s.address().c_str());
    auto req = ez.getMain<wire::Idgraph>().loginRequest();
    const std::string huge(256 << 10, 'x');
    req.setToken(huge);
    EXPECT_NE(KjErrorOf([&] { req.send().wait(ez.getWaitScope()); }), "");
  }
  rpc::Client c = s.Connect(kReaderToken);
  EXPECT_EQ(c.Stats().records, 0u);
}

}  // namespace
}  // namespace idg
