// Segment counts over the service end to end: counts and member pages against a brute force
// over every profile fetched with getProfile, after ingest and after erasure; named segments;
// bad queries, names and limits. Roles are in service_test.cpp and wire_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "graph/segment_query.h"
#include "io/config_loader.h"
#include "rpc/client.h"
#include "rpc/segment_registry.h"
#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::Contains;
using test::ErrorOf;
using test::kAdminToken;
using test::kReaderToken;
using test::kWriterToken;
using test::Rec;
using test::TestServer;

// Kinds email and phone; a string, an integer, a boolean and a date attribute; sources crm
// and web; at most 50 records or ids a call.
Config SegmentConfig() {
  const std::string toml =
      "[kinds.email]\nnormalizer = \"email\"\n"
      "[kinds.phone]\nnormalizer = \"phone\"\n"
      "[attributes]\ncity = { normalizer = \"name\" }\n"
      "age = { type = \"integer\" }\n"
      "vip = { type = \"boolean\" }\n"
      "signup = { type = \"date\" }\n"
      "[sources.crm]\nformat = \"jsonl\"\npath = \"/nonexistent/crm.jsonl\"\nid = \"id\"\n"
      "fields = { email = \"email\" }\n"
      "[sources.web]\nformat = \"jsonl\"\npath = \"/nonexistent/web.jsonl\"\nid = \"id\"\n"
      "fields = { email = \"email\" }\n"
      "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nmax_batch = 50\n"
      "tokens = [{ token = \"" +
      std::string(kReaderToken) + "\", role = \"reader\" }, { token = \"" +
      std::string(kWriterToken) + "\", role = \"writer\" }, { token = \"" +
      std::string(kAdminToken) + "\", role = \"admin\" }]\n";
  return ParseConfig(toml, "segments.toml", "/nonexistent");
}

// `n` people from a seeded generator, each of one to three records over crm and web joined by
// their email; some values are missing or do not parse as their type. Person i's records
// have ids "<source>-<tag>-<i>-<k>" and email "p<tag>-<i>@x.com".
std::vector<IncomingRecord> People(int n, uint32_t seed, const std::string& tag) {
  std::mt19937 rng(seed);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<uint32_t>(k)); };
  const char* cities[] = {"Berlin", "Paris", "Oslo", "", "BERLIN"};
  const char* vips[] = {"true", "no", "", "maybe"};
  const char* signups[] = {"2019-05-01", "2021-01-01", "2023-12-31", "", "soon"};
  std::vector<IncomingRecord> out;
  for (int i = 0; i < n; ++i) {
    const int records = 1 + pick(3);
    for (int k = 0; k < records; ++k) {
      std::vector<std::pair<std::string, std::string>> ids = {
          {"email", "p" + tag + "-" + std::to_string(i) + "@x.com"}};
      // Phones differ between people and between lots (tags "a", "b", ...: 200 apart).
      const int phone = 1000 + 200 * (tag[0] - 'a') + i;
      if (pick(3) == 0) ids.push_back({"phone", "+1 415 555 " + std::to_string(phone)});
      std::vector<std::pair<std::string, std::string>> attrs;
      auto maybe = [&](const char* name, const std::string& v) {
        if (!v.empty()) attrs.push_back({name, v});
      };
      maybe("city", cities[pick(5)]);
      maybe("age", pick(6) == 0 ? "" : (pick(10) == 0 ? "old" : std::to_string(18 + pick(60))));
      maybe("vip", vips[pick(4)]);
      maybe("signup", signups[pick(5)]);
      const std::string source = pick(2) == 0 ? "crm" : "web";
      out.push_back(Rec(source,
                        source + "-" + tag + "-" + std::to_string(i) + "-" + std::to_string(k),
                        std::move(ids), std::move(attrs), 1700000000 + 86400 * pick(400)));
    }
  }
  return out;
}

void IngestAll(rpc::Client& c, const std::vector<IncomingRecord>& records,
               std::set<ProfileId>& seen) {
  for (size_t at = 0; at < records.size(); at += 50) {
    const size_t n = std::min<size_t>(50, records.size() - at);
    const IngestResult r = c.Ingest(std::span<const IncomingRecord>(records).subspan(at, n));
    EXPECT_TRUE(r.issues.empty());
    seen.insert(r.profiles.begin(), r.profiles.end());
  }
}

// Every live profile among `candidates` (ids ever handed out), by its current id.
std::vector<rpc::ProfileReply> Profiles(rpc::Client& c, const std::set<ProfileId>& candidates) {
  std::vector<rpc::ProfileReply> out;
  std::set<ProfileId> taken;
  for (ProfileId id : candidates) {
    std::optional<rpc::ProfileReply> p = c.Profile(id);
    if (p && taken.insert(p->id).second) out.push_back(std::move(*p));
  }
  return out;
}

std::optional<std::string> Golden(const rpc::ProfileReply& p, const std::string& name) {
  for (const rpc::Field& f : p.golden) {
    if (f.name == name && !f.value.empty()) return f.value;
  }
  return std::nullopt;
}

bool FromSource(const rpc::ProfileReply& p, const std::string& source) {
  for (const rpc::MemberRecord& r : p.records) {
    if (r.source == source) return true;
  }
  return false;
}

bool HasKind(const rpc::ProfileReply& p, const std::string& kind) {
  for (const rpc::Identifier& i : p.identifiers) {
    if (i.kind == kind) return true;
  }
  return false;
}

std::optional<int64_t> Typed(const rpc::ProfileReply& p, const std::string& name,
                             std::optional<int64_t> (*parse)(std::string_view)) {
  std::optional<std::string> v = Golden(p, name);
  return v ? parse(*v) : std::nullopt;
}

int64_t FirstSeenDays(const rpc::ProfileReply& p) {
  int64_t first = 0;
  for (const rpc::MemberRecord& r : p.records) {
    if (r.timestamp != 0 && (first == 0 || r.timestamp < first)) first = r.timestamp;
  }
  return DaysOf(first);
}

struct Case {
  std::string query;
  std::function<bool(const rpc::ProfileReply&)> holds;  // the brute force
};

// Queries over every kind of field, with what each means written out by hand.
std::vector<Case> Cases() {
  auto city = [](const rpc::ProfileReply& p) { return Golden(p, "city"); };
  auto age = [](const rpc::ProfileReply& p) { return Typed(p, "age", ParseInteger); };
  auto vip = [](const rpc::ProfileReply& p) { return Typed(p, "vip", ParseBoolean); };
  auto signup = [](const rpc::ProfileReply& p) { return Typed(p, "signup", ParseDateDays); };
  const int64_t y2021 = *ParseDateDays("2021-01-01");
  const int64_t first = *ParseDateDays("2024-03-01");
  return {
      {"city = \"Berlin\"", [=](auto& p) { return city(p) == "berlin"; }},
      {"NOT city = \"berlin\"", [=](auto& p) { return city(p) != "berlin"; }},
      {"city != \"Oslo\"", [=](auto& p) { return city(p) && *city(p) != "oslo"; }},
      {"city IN (\"Paris\", \"Oslo\")",
       [=](auto& p) { return city(p) == "paris" || city(p) == "oslo"; }},
      {"age >= 40", [=](auto& p) { return age(p) && *age(p) >= 40; }},
      {"age < 30 OR age > 70", [=](auto& p) { return age(p) && (*age(p) < 30 || *age(p) > 70); }},
      {"vip = true", [=](auto& p) { return vip(p) == 1; }},
      {"signup < \"2021-01-01\"", [=](auto& p) { return signup(p) && *signup(p) < y2021; }},
      {"records >= 2", [](auto& p) { return p.records.size() >= 2; }},
      {"source = \"web\"", [](auto& p) { return FromSource(p, "web"); }},
      {"source != \"web\"", [](auto& p) { return !FromSource(p, "web"); }},
      {"has(phone)", [](auto& p) { return HasKind(p, "phone"); }},
      {"first_seen >= \"2024-03-01\"", [=](auto& p) { return FirstSeenDays(p) >= first; }},
      {"(city = \"Berlin\" OR vip = true) AND NOT has(phone)",
       [=](auto& p) { return (city(p) == "berlin" || vip(p) == 1) && !HasKind(p, "phone"); }},
  };
}

// Every case's count and pages agree with the brute force over `profiles`.
void ExpectAgree(rpc::Client& c, const std::vector<rpc::ProfileReply>& profiles) {
  for (const Case& k : Cases()) {
    std::vector<ProfileId> expected;
    for (const rpc::ProfileReply& p : profiles) {
      if (k.holds(p)) expected.push_back(p.id);
    }
    std::sort(expected.begin(), expected.end());
    // The data make every case a proper part of the graph.
    EXPECT_GT(expected.size(), 0u) << k.query;
    EXPECT_LT(expected.size(), profiles.size()) << k.query;
    EXPECT_EQ(c.SegmentCount(k.query), expected.size()) << k.query;

    std::vector<ProfileId> paged;
    ProfileId cursor = 0;
    for (int pages = 0; pages < 100; ++pages) {
      const SegmentPage page = c.SegmentMembers(k.query, 7, cursor);
      EXPECT_EQ(page.total, expected.size()) << k.query;
      EXPECT_LE(page.ids.size(), 7u);
      for (ProfileId id : page.ids) {
        EXPECT_TRUE(paged.empty() || id > paged.back()) << k.query;  // ascending, no repeats
        EXPECT_GT(id, cursor) << k.query;
        paged.push_back(id);
      }
      if (page.next == 0) break;
      EXPECT_EQ(page.ids.size(), 7u) << k.query;  // only the last page is short
      cursor = page.next;
    }
    EXPECT_EQ(paged, expected) << k.query;
  }
}

TEST(ServiceSegments, CountsAndPagesAgreeWithBruteForceThroughIngestAndErasure) {
  TestServer s(SegmentConfig());
  rpc::Client admin = s.Connect(kAdminToken);
  rpc::Client reader = s.Connect(kReaderToken);
  std::set<ProfileId> ids;
  IngestAll(admin, People(80, 7, "a"), ids);
  std::vector<rpc::ProfileReply> profiles = Profiles(reader, ids);
  ASSERT_EQ(profiles.size(), 80u);
  EXPECT_EQ(reader.SegmentCount("records >= 1"), 80u);
  ExpectAgree(reader, profiles);

  // More people, and records that join people of the first lot two by two.
  IngestAll(admin, People(40, 8, "b"), ids);
  std::vector<IncomingRecord> bridges;
  for (int i = 0; i < 10; ++i) {
    bridges.push_back(Rec("web", "bridge-" + std::to_string(i),
                          {{"email", "pa-" + std::to_string(2 * i) + "@x.com"},
                           {"email", "pa-" + std::to_string(2 * i + 1) + "@x.com"}},
                          {{"city", "Oslo"}, {"age", "33"}}, 1760000000));
  }
  IngestAll(admin, bridges, ids);
  profiles = Profiles(reader, ids);
  ASSERT_EQ(profiles.size(), 110u);
  EXPECT_EQ(reader.SegmentCount("records >= 1"), 110u);
  ExpectAgree(reader, profiles);

  // Erasure: the erased profiles leave every segment.
  const uint64_t oslo = reader.SegmentCount("city = \"Oslo\"");
  const SegmentPage some = reader.SegmentMembers("city = \"Oslo\"", 3);
  ASSERT_EQ(some.ids.size(), 3u);
  for (ProfileId id : some.ids) EXPECT_EQ(admin.EraseProfile(id).profiles.size(), 1u);
  EXPECT_EQ(reader.SegmentCount("city = \"Oslo\""), oslo - 3);
  admin.EraseIdentifier("email", "pb-0@x.com");
  profiles = Profiles(reader, ids);
  ASSERT_EQ(profiles.size(), 106u);
  EXPECT_EQ(reader.SegmentCount("records >= 1"), 106u);
  ExpectAgree(reader, profiles);
}

TEST(ServiceSegments, EmptyGraphAndPagesPastTheEnd) {
  TestServer s(SegmentConfig());
  rpc::Client reader = s.Connect(kReaderToken);
  EXPECT_EQ(reader.SegmentCount("records >= 1"), 0u);
  const SegmentPage none = reader.SegmentMembers("records >= 1", 10);
  EXPECT_TRUE(none.ids.empty());
  EXPECT_EQ(none.total, 0u);
  EXPECT_EQ(none.next, 0u);

  rpc::Client writer = s.Connect(kWriterToken);
  std::set<ProfileId> ids;
  IngestAll(writer, People(5, 1, "c"), ids);
  const SegmentPage all = reader.SegmentMembers("records >= 1", 50);
  ASSERT_EQ(all.ids.size(), 5u);
  EXPECT_EQ(all.next, 0u);
  const SegmentPage exact = reader.SegmentMembers("records >= 1", 5);
  EXPECT_EQ(exact.ids, all.ids);
  const SegmentPage past = reader.SegmentMembers("records >= 1", 50, all.ids.back());
  EXPECT_TRUE(past.ids.empty());
  EXPECT_EQ(past.total, 5u);
  EXPECT_EQ(past.next, 0u);
}

TEST(ServiceSegments, BadQueriesAndLimitsFailWithTheirReason) {
  TestServer s(SegmentConfig());
  rpc::Client writer = s.Connect(kWriterToken);
  // The service passes the parser's message on after "query: ".
  for (const char* query : {"age >", "city = Berlin", "age >= \"x\"", "colour = \"red\"",
                            "has(fax)", "(records > 1", "records > 1 AND", ""}) {
    std::string local;
    size_t position = 0;
    try {
      s.graph().ParseSegment(query);
    } catch (const QueryError& e) {
      local = e.what();
      position = e.position;
    }
    ASSERT_NE(local, "") << query;
    EXPECT_TRUE(Contains(local, std::to_string(position))) << local;
    EXPECT_EQ(ErrorOf([&] { writer.SegmentCount(query); }), "query: " + local);
    EXPECT_EQ(ErrorOf([&] { writer.SegmentMembers(query, 10); }), "query: " + local);
    EXPECT_EQ(ErrorOf([&] { writer.DefineSegment("x", query); }), "query: " + local);
  }
  const std::string at = ErrorOf([&] { writer.SegmentCount("records >= 1 AND age >"); });
  EXPECT_TRUE(Contains(at, "query: position 22")) << at;  // the end of the text

  EXPECT_TRUE(Contains(ErrorOf([&] { writer.SegmentMembers("records >= 1", 0); }),
                       "limit 0; give 1 to 50 (the server's max_batch)"));
  EXPECT_TRUE(Contains(ErrorOf([&] { writer.SegmentMembers("records >= 1", 51); }),
                       "limit 51; give 1 to 50"));
  EXPECT_TRUE(Contains(ErrorOf([&] { writer.SegmentMembers("records >= 1"); }),  // default 100
                       "limit 100"));
  EXPECT_TRUE(writer.ListSegments().empty());  // nothing was saved
  EXPECT_EQ(writer.SegmentCount("records >= 1"), 0u);
}

TEST(ServiceSegments, NamedSegmentsAreSavedReplacedAndCountedAtEachList) {
  TestServer s(SegmentConfig());
  rpc::Client writer = s.Connect(kWriterToken);
  rpc::Client reader = s.Connect(kReaderToken);
  std::set<ProfileId> ids;
  IngestAll(writer, People(30, 3, "d"), ids);
  const uint64_t berlin = reader.SegmentCount("city = \"Berlin\"");
  const uint64_t many = reader.SegmentCount("records >= 2");
  EXPECT_EQ(writer.DefineSegment("berlin", "city = \"Berlin\""), berlin);
  EXPECT_EQ(writer.DefineSegment("Many.records_2-x", "records >= 2"), many);
  EXPECT_EQ(reader.ListSegments(),
            (std::vector<rpc::Segment>{{"Many.records_2-x", "records >= 2", many},
                                       {"berlin", "city = \"Berlin\"", berlin}}));

  // Re-counted at each list: a new Berliner shows.
  const std::vector<IncomingRecord> more = {
      Rec("crm", "new-1", {{"email", "new-1@x.com"}}, {{"city", "Berlin"}})};
  IngestAll(writer, more, ids);
  const std::vector<rpc::Segment> after = reader.ListSegments();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[1].count, berlin + 1);

  // Redefining replaces; a failed definition leaves the old one.
  EXPECT_EQ(writer.DefineSegment("berlin", "city = \"Berlin\" AND records >= 2"),
            reader.SegmentCount("city = \"Berlin\" AND records >= 2"));
  EXPECT_NE(ErrorOf([&] { writer.DefineSegment("berlin", "city ="); }), "");
  const std::vector<rpc::Segment> replaced = reader.ListSegments();
  ASSERT_EQ(replaced.size(), 2u);
  EXPECT_EQ(replaced[1].query, "city = \"Berlin\" AND records >= 2");

  // Names: 1 to 128 of [A-Za-z0-9_.-].
  EXPECT_TRUE(
      Contains(ErrorOf([&] { writer.DefineSegment("", "records >= 1"); }), "segment name: empty"));
  EXPECT_TRUE(
      Contains(ErrorOf([&] { writer.DefineSegment(std::string(129, 'a'), "records >= 1"); }),
               "segment name: 129 characters; at most 128"));
  EXPECT_EQ(writer.DefineSegment(std::string(128, 'a'), "records >= 1"), 31u);
  EXPECT_TRUE(Contains(ErrorOf([&] { writer.DefineSegment("big spenders", "records >= 1"); }),
                       "segment name 'big spenders': character 4 is not one of"));
  EXPECT_TRUE(Contains(ErrorOf([&] { writer.DefineSegment("k\xc3\xb6ln", "records >= 1"); }),
                       "character 2"));
  // A bad name is reported before a bad query.
  EXPECT_TRUE(Contains(ErrorOf([&] { writer.DefineSegment("a/b", "city ="); }), "segment name"));
  EXPECT_EQ(reader.ListSegments().size(), 3u);
}

// The registry's limit, without 10,000 round trips.
TEST(ServiceSegments, RegistryHoldsAtMostTenThousand) {
  TestServer s(SegmentConfig());
  const SegmentQuery q = s.graph().ParseSegment("records >= 1");
  rpc::detail::SegmentRegistry registry;
  for (size_t i = 0; i < rpc::detail::kMaxSegments; ++i) {
    std::string name = "s";  // not "s" + to_string(i): GCC 12 warns wrongly (-Wrestrict)
    name += std::to_string(i);
    registry.Define(std::move(name), "records >= 1", q);
  }
  EXPECT_TRUE(Contains(ErrorOf([&] { registry.Define("one-more", "records >= 1", q); }),
                       "the server holds 10000 segments"));
  EXPECT_NO_THROW(registry.Define("s17", "records >= 2", s.graph().ParseSegment("records >= 2")));
  const std::vector<rpc::detail::SegmentRegistry::Entry> all = registry.List();
  ASSERT_EQ(all.size(), rpc::detail::kMaxSegments);
  EXPECT_EQ(all.front().name, "s0");  // by name
  const auto s17 = std::find_if(all.begin(), all.end(), [](auto& e) { return e.name == "s17"; });
  ASSERT_NE(s17, all.end());
  EXPECT_EQ(s17->text, "records >= 2");
}

}  // namespace
}  // namespace idg
