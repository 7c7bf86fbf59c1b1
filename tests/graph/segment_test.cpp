// Segment queries: parsing, and counts and members of the index against a brute-force
// evaluation over the profiles' golden records, on seeded random profiles and queries,
// through merges, splits and erasures.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "graph/live_graph.h"
#include "graph/segment_index.h"
#include "graph/segment_query.h"
#include "match/normalize.h"
#include "segment_config.h"

namespace idg {
namespace {

using testing::kToday;
using testing::SegmentConfig;

const char* kCountries[] = {"DE", "FR", "US", "AT", "CH"};
const char* kCities[] = {"berlin", "bern", "paris", "boston", "wien", "basel", "bremen"};

// ---- the reference: an evaluation written for clarity, over owned values ----------------

struct RefRow {
  std::map<std::string, std::string> golden;  // attribute name -> normalized value
  std::set<std::string> kinds, sources;
  int64_t records = 0;
  int64_t first = 0, last = 0;  // Unix seconds; 0: none
};

std::optional<int64_t> Typed(FieldType t, const std::string& s) {
  switch (t) {
    case FieldType::kInteger: return ParseInteger(s);
    case FieldType::kDate: return ParseDateDays(s);
    case FieldType::kBoolean: return ParseBoolean(s);
    default: return std::nullopt;
  }
}

bool RefMatch(const Config& c, const QueryNode& q, const RefRow& row, int64_t today) {
  switch (q.type) {
    case QueryNode::Type::kAnd:
      return std::all_of(q.children.begin(), q.children.end(),
                         [&](const QueryNode& x) { return RefMatch(c, x, row, today); });
    case QueryNode::Type::kOr:
      return std::any_of(q.children.begin(), q.children.end(),
                         [&](const QueryNode& x) { return RefMatch(c, x, row, today); });
    case QueryNode::Type::kNot: return !RefMatch(c, q.children[0], row, today);
    case QueryNode::Type::kPredicate: break;
  }
  const std::vector<FieldSpec> fields = SegmentFields(c);
  const FieldSpec& f = fields[q.field];
  if (f.name == "has") return row.kinds.count(c.kinds[q.values[0].number].name) > 0;
  if (f.name == "source") {
    bool any = false;
    for (const QueryValue& v : q.values) any |= row.sources.count(v.text) > 0;
    return q.op == CompareOp::kNe ? !any : any;
  }
  // The profile's value as a string or a number.
  std::optional<std::string> text;
  std::optional<int64_t> num;
  if (f.name == "records") {
    num = row.records;
  } else if (f.name == "first_seen" || f.name == "last_seen") {
    const int64_t t = f.name == "first_seen" ? row.first : row.last;
    if (t != 0) num = DaysOf(t);
  } else if (auto it = row.golden.find(f.name); it != row.golden.end()) {
    if (f.type == FieldType::kString) {
      text = it->second;
    } else {
      num = Typed(f.type, it->second);
    }
  }
  if (!text && !num) return false;
  auto cmp = [&](const QueryValue& v) -> int {  // profile value <=> literal
    if (text) return text->compare(v.text) < 0 ? -1 : (*text == v.text ? 0 : 1);
    const int64_t x = v.relative ? today + v.number : v.number;
    return *num < x ? -1 : (*num == x ? 0 : 1);
  };
  switch (q.op) {
    case CompareOp::kEq: return cmp(q.values[0]) == 0;
    case CompareOp::kNe: return cmp(q.values[0]) != 0;
    case CompareOp::kLt: return cmp(q.values[0]) < 0;
    case CompareOp::kLe: return cmp(q.values[0]) <= 0;
    case CompareOp::kGt: return cmp(q.values[0]) > 0;
    case CompareOp::kGe: return cmp(q.values[0]) >= 0;
    case CompareOp::kIn:
      return std::any_of(q.values.begin(), q.values.end(),
                         [&](const QueryValue& v) { return cmp(v) == 0; });
    case CompareOp::kPrefix: return text->starts_with(q.values[0].text);
  }
  return false;
}

// ---- random queries, written as text --------------------------------------------------

std::string DateText(int64_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string RandomPredicate(std::mt19937_64& rng) {
  auto pick = [&](auto& arr) { return std::string(arr[rng() % std::size(arr)]); };
  const char* ops[] = {"=", "!=", "<", "<=", ">", ">="};
  const std::string op = pick(ops);
  switch (rng() % 10) {
    case 0: {
      std::string c = pick(kCountries);
      if (rng() % 2) c[0] = static_cast<char>(std::tolower(c[0]));  // normalized like ingest
      if (rng() % 4 == 0) return "country IN (\"" + c + "\", \"" + pick(kCountries) + "\")";
      return "country " + op + " \"" + c + "\"";
    }
    case 1: {
      const std::string c = pick(kCities);
      if (rng() % 3 == 0) return "city ^= \"" + c.substr(0, 1 + rng() % 3) + "\"";
      return "city " + op + " \"" + c + "\"";
    }
    case 2:
      if (rng() % 4 == 0) return "age IN (" + std::to_string(20 + rng() % 10) + ", 30, -1)";
      return "age " + op + " " + std::to_string(18 + rng() % 50);
    case 3: return "birth " + op + " \"" + DateText(kToday - 20000 + static_cast<int64_t>(rng() % 20)) + "\"";
    case 4: return std::string("vip ") + (rng() % 2 ? "=" : "!=") + (rng() % 2 ? " true" : " false");
    case 5: return rng() % 2 ? "has(email)" : "has(phone)";
    case 6: {
      const char* src[] = {"web", "crm", "pos"};
      if (rng() % 3 == 0) return "source IN (\"" + pick(src) + "\", \"" + pick(src) + "\")";
      return std::string("source ") + (rng() % 2 ? "=" : "!=") + " \"" + pick(src) + "\"";
    }
    case 7: return "records " + op + " " + std::to_string(1 + rng() % 4);
    case 8: return "last_seen " + op + " now - " + std::to_string(rng() % 40) + "d";
    default: return "first_seen " + op + " \"" + DateText(kToday - static_cast<int64_t>(rng() % 40)) + "\"";
  }
}

std::string RandomQuery(std::mt19937_64& rng, int depth = 0) {
  const uint64_t r = rng() % 10;
  if (depth >= 3 || r < 4) return RandomPredicate(rng);
  if (r < 5) return "NOT " + RandomQuery(rng, depth + 1);
  const std::string join = r < 8 ? " AND " : " OR ";
  std::string q = "(" + RandomQuery(rng, depth + 1);
  for (uint64_t n = 1 + rng() % 3; n > 0; --n) q += join + RandomQuery(rng, depth + 1);
  return q + ")";
}

// Checks Count and every page of Members against the reference for `queries` random queries.
void CheckQueries(const Config& c, const Normalizers& norm, const SegmentIndex& index,
                  const std::map<ProfileId, RefRow>& rows, std::mt19937_64& rng, int queries) {
  for (int i = 0; i < queries; ++i) {
    const std::string text = RandomQuery(rng);
    SCOPED_TRACE(text);
    const SegmentQuery q = SegmentQuery::Parse(text, c, norm);
    std::vector<ProfileId> want;
    for (const auto& [id, row] : rows) {
      if (RefMatch(c, q.root(), row, kToday)) want.push_back(id);
    }
    ASSERT_EQ(index.Count(q, kToday), want.size());
    std::vector<ProfileId> got;
    const uint32_t limit = 1 + static_cast<uint32_t>(rng() % 50);
    ProfileId cursor = 0;
    do {
      const SegmentPage page = index.Members(q, kToday, cursor, limit);
      ASSERT_EQ(page.total, want.size());
      ASSERT_LE(page.ids.size(), limit);
      got.insert(got.end(), page.ids.begin(), page.ids.end());
      cursor = page.next;
    } while (cursor != 0);
    ASSERT_EQ(got, want);
  }
}

// ---- the index on its own: random rows added, replaced and removed ----------------------

struct OwnedRow {
  ProfileId id;
  std::vector<std::string> golden;
  uint64_t kinds = 0, sources = 0;
  uint32_t records = 1;
  int64_t first = 0, last = 0;
};

OwnedRow RandomRow(std::mt19937_64& rng, ProfileId id) {
  OwnedRow r;
  r.id = id;
  r.golden.resize(5);
  auto maybe = [&](int pct) { return static_cast<int>(rng() % 100) < pct; };
  if (maybe(85)) r.golden[0] = kCountries[rng() % std::size(kCountries)];
  if (maybe(80)) r.golden[1] = kCities[rng() % std::size(kCities)];
  if (maybe(80)) r.golden[2] = maybe(5) ? "unknown" : std::to_string(18 + rng() % 50);  // junk: absent
  if (maybe(70)) r.golden[3] = DateText(kToday - 20000 + static_cast<int64_t>(rng() % 20));
  if (maybe(60)) r.golden[4] = maybe(30) ? "yes" : "false";
  r.kinds = rng() % 4;
  r.sources = 1 + rng() % 7;
  r.records = 1 + static_cast<uint32_t>(rng() % 4);
  if (maybe(90)) {
    r.first = (kToday - static_cast<int64_t>(rng() % 40)) * 86400 + static_cast<int64_t>(rng() % 86400);
    r.last = r.first + static_cast<int64_t>(rng() % (20 * 86400));
  }
  return r;
}

RefRow RefOf(const Config& c, const OwnedRow& o) {
  RefRow r;
  for (size_t a = 0; a < o.golden.size(); ++a) {
    if (!o.golden[a].empty()) r.golden[c.attributes[a].name] = o.golden[a];
  }
  for (size_t k = 0; k < c.kinds.size(); ++k) {
    if (o.kinds >> k & 1) r.kinds.insert(c.kinds[k].name);
  }
  for (size_t s = 0; s < c.sources.size(); ++s) {
    if (o.sources >> s & 1) r.sources.insert(c.sources[s].name);
  }
  r.records = o.records;
  r.first = o.first;
  r.last = o.last;
  return r;
}

class SegmentIndexSeeds : public ::testing::TestWithParam<int> {};

TEST_P(SegmentIndexSeeds, CountsAndMembersMatchBruteForce) {
  const int seed = GetParam();
  // Odd seeds: few bitmaps allowed, so most fields fall back to scans and probes. By seed % 3,
  // value bitmaps never, sometimes (the default) or always keep a dense copy.
  const Config c = SegmentConfig(seed % 2 ? 4 : 4096);
  const Normalizers norm(c.engine);
  const uint64_t divisor[] = {0, 64, uint64_t{1} << 40};
  SegmentIndex index(c, divisor[seed % 3]);
  std::mt19937_64 rng(seed);
  std::map<ProfileId, RefRow> ref;
  std::map<ProfileId, OwnedRow> owned;
  for (int round = 0; round < 8; ++round) {
    // One write: some profiles leave (merged away, erased), some change, some arrive.
    std::vector<ProfileId> removed;
    std::vector<OwnedRow> fresh;
    for (auto& [id, row] : owned) {
      if (rng() % 6 == 0) removed.push_back(id);
    }
    for (int n = 0; n < 400; ++n) fresh.push_back(RandomRow(rng, 1 + rng() % 2000));
    std::map<ProfileId, OwnedRow> last;  // the last row of each id counts
    for (OwnedRow& r : fresh) last[r.id] = r;
    std::vector<SegmentRow> rows;
    for (const auto& [id, o] : last) {
      SegmentRow s;
      s.id = id;
      for (const std::string& g : o.golden) s.golden.push_back(g);
      s.kinds = o.kinds;
      s.sources = o.sources;
      s.records = o.records;
      s.first_seen = o.first;
      s.last_seen = o.last;
      rows.push_back(std::move(s));
    }
    index.Apply(removed, rows);
    for (ProfileId id : removed) {
      owned.erase(id);
      ref.erase(id);
    }
    for (const auto& [id, o] : last) {
      owned[id] = o;
      ref[id] = RefOf(c, o);
    }
    EXPECT_EQ(index.Stats().profiles, ref.size());
    CheckQueries(c, norm, index, ref, rng, 40);
  }
}

INSTANTIATE_TEST_SUITE_P(Segments, SegmentIndexSeeds, ::testing::Range(1, 13));

// ---- through the live graph: ingest with merges and splits, then erasure --------------

RefRow RefOfView(const ProfileView& v) {
  RefRow r;
  for (const ProfileField& g : v.golden) r.golden[std::string(g.name)] = std::string(g.value);
  for (const ProfileField& i : v.identifiers) r.kinds.insert(std::string(i.name));
  for (const ProfileRecord& m : v.records) {
    r.sources.insert(std::string(m.source));
    if (m.timestamp == 0) continue;
    r.first = r.first == 0 ? m.timestamp : std::min(r.first, m.timestamp);
    r.last = std::max(r.last, m.timestamp);
  }
  r.records = static_cast<int64_t>(v.records.size());
  return r;
}

std::map<ProfileId, RefRow> LiveProfiles(const LiveGraph& g, ProfileId bound) {
  std::map<ProfileId, RefRow> out;
  for (ProfileId id = 1; id < bound; ++id) {
    const ProfileViewPtr v = g.Profile(id);
    if (v && v->id == id) out[id] = RefOfView(*v);
  }
  return out;
}

TEST(SegmentLive, IndexFollowsMergesSplitsAndErasure) {
  const Config c = SegmentConfig();
  const Normalizers norm(c.engine);
  LiveGraph g(c, std::nullopt);
  std::mt19937_64 rng(7);
  ProfileId bound = 1;
  uint64_t merges = 0, splits = 0;
  for (int batch = 0; batch < 12; ++batch) {
    std::vector<IncomingRecord> recs;
    for (int i = 0; i < 150; ++i) {
      IncomingRecord r;
      r.source = c.sources[rng() % 3].name;
      r.id = std::to_string(batch) + "-" + std::to_string(i);
      r.timestamp = (kToday - static_cast<int64_t>(rng() % 40)) * 86400;
      // Few emails and phones, so records join; a phone past its cap of 3 parts profiles.
      if (rng() % 3) r.identifiers.push_back({"email", "p" + std::to_string(rng() % 300) + "@x.org"});
      if (rng() % 3 == 0) r.identifiers.push_back({"phone", std::to_string(rng() % 200)});
      if (rng() % 5) r.attributes.push_back({"country", kCountries[rng() % std::size(kCountries)]});
      if (rng() % 4) r.attributes.push_back({"city", kCities[rng() % std::size(kCities)]});
      if (rng() % 4) r.attributes.push_back({"age", std::to_string(18 + rng() % 50)});
      if (rng() % 2) r.attributes.push_back({"vip", rng() % 2 ? "true" : "no"});
      recs.push_back(std::move(r));
    }
    const IngestResult res = g.Ingest(recs);
    merges += res.merges.size();
    splits += res.splits.size();
    for (ProfileId p : res.profiles) bound = std::max(bound, p + 1);
    for (const ProfileSplit& s : res.splits) {
      for (ProfileId p : s.parts) bound = std::max(bound, p + 1);
    }
    if (batch % 3 == 2) {  // erase a few people, by profile and by identifier
      for (int e = 0; e < 5; ++e) {
        const EraseResult er = g.EraseProfile(1 + rng() % (bound - 1));
        for (const ProfileSplit& s : er.splits) {
          for (ProfileId p : s.parts) bound = std::max(bound, p + 1);
        }
      }
      g.EraseIdentifier("email", "p" + std::to_string(rng() % 300) + "@x.org");
    }
    const std::map<ProfileId, RefRow> ref = LiveProfiles(g, bound + 64);
    ASSERT_EQ(g.SegmentStats().profiles, ref.size());
    CheckQueries(c, norm, g.segments(), ref, rng, 30);
  }
  EXPECT_GT(merges, 0u);
  EXPECT_GT(splits, 0u);
}

TEST(SegmentLive, CountsUseTodayAndTypedAttributes) {
  const Config c = SegmentConfig();
  LiveGraph g(c, std::nullopt);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<IncomingRecord> recs(3);
  recs[0] = {"pos", "1", now - 2 * 86400, {{"email", "a@x.org"}}, {{"country", "de"}, {"age", "31"}}};
  recs[1] = {"web", "2", now - 90 * 86400, {{"email", "b@x.org"}}, {{"country", "DE"}, {"age", "x"}}};
  recs[2] = {"web", "3", now - 1 * 86400, {{"email", "a@x.org"}}, {{"vip", "yes"}}};
  g.Ingest(recs);
  auto count = [&](std::string_view q) { return g.SegmentCount(g.ParseSegment(q)); };
  EXPECT_EQ(count("country = \"DE\""), 2u);
  EXPECT_EQ(count("last_seen > now - 30d"), 1u);             // records 1 and 3 are one person
  EXPECT_EQ(count("age >= 30 AND source = \"pos\""), 1u);
  EXPECT_EQ(count("age >= 0"), 1u);                          // "x" is no integer: absent
  EXPECT_EQ(count("NOT age >= 0"), 1u);
  EXPECT_EQ(count("vip = true AND records = 2"), 1u);
  EXPECT_EQ(count("source != \"pos\""), 1u);
  EXPECT_EQ(count("first_seen <= now - 12w"), 1u);
  g.EraseIdentifier("email", "a@x.org");
  EXPECT_EQ(count("country = \"DE\""), 1u);
  EXPECT_EQ(count("has(email)"), 1u);
}

TEST(SegmentIndex, RejectsIdsPastThirtyTwoBits) {
  const Config c = SegmentConfig();
  SegmentIndex index(c);
  SegmentRow r;
  r.id = uint64_t{1} << 32;
  EXPECT_THROW(index.Apply({}, std::span<const SegmentRow>(&r, 1)), Error);
}

TEST(SegmentIndex, FieldsPastTheBitmapLimitBucketOrFallBackToColumns) {
  Config c = SegmentConfig(3);
  const Normalizers norm(c.engine);
  SegmentIndex index(c);
  const std::vector<std::string> ages = {"20", "21", "22", "23", "24"};
  const std::vector<std::string> cities = {"a", "b", "c", "d", "e"};
  std::vector<SegmentRow> rows(5);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].id = i + 1;
    rows[i].golden = {"DE", cities[i], ages[i], "", ""};
  }
  index.Apply({}, rows);
  const SegmentIndexStats st = index.Stats();
  EXPECT_TRUE(st.fields[0].bitmaps);   // one country
  EXPECT_FALSE(st.fields[1].bitmaps);  // five cities > 3: the column alone
  EXPECT_TRUE(st.fields[2].bitmaps);   // five ages > 3: buckets of neighbouring ages
  EXPECT_LE(st.fields[2].values, 3u);
  EXPECT_GT(st.bytes, 0u);
  auto count = [&](std::string_view q) { return index.Count(SegmentQuery::Parse(q, c, norm), kToday); };
  EXPECT_EQ(count("age >= 22 AND country = \"DE\""), 3u);
  EXPECT_EQ(count("age = 21"), 1u);  // a bucket accepted in part
  EXPECT_EQ(count("age != 21"), 4u);
  EXPECT_EQ(count("age IN (20, 23, 99)"), 2u);
  EXPECT_EQ(count("city >= \"c\" AND age < 24"), 2u);
}

TEST(SegmentIndex, ColumnsWidenPastSixteenBits) {
  for (uint32_t max_bitmaps : {1u, 4096u}) {
    const Config c = SegmentConfig(max_bitmaps);
    const Normalizers norm(c.engine);
    SegmentIndex index(c);
    const std::vector<std::string> ages = {"7", "-32767", "40000", "32767", ""};
    std::vector<SegmentRow> rows(ages.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      rows[i].id = i + 1;
      rows[i].golden = {"DE", "", ages[i], "", ""};
    }
    index.Apply({}, std::span<const SegmentRow>(rows).first(2));  // 16 bits suffice
    index.Apply({}, std::span<const SegmentRow>(rows).subspan(2));
    auto count = [&](std::string_view q) { return index.Count(SegmentQuery::Parse(q, c, norm), kToday); };
    EXPECT_EQ(count("age > 32767"), 1u);
    EXPECT_EQ(count("age >= 7 AND country = \"DE\""), 3u);
    EXPECT_EQ(count("age < -32766"), 1u);
    EXPECT_EQ(count("country = \"DE\" AND NOT age >= -40000"), 1u);
  }
}

TEST(SegmentIndex, ColumnsWidenForValuesPastThirtyTwoBits) {
  for (uint32_t max_bitmaps : {1u, 4096u}) {  // probed and scanned columns, or bitmaps
    const Config c = SegmentConfig(max_bitmaps);
    const Normalizers norm(c.engine);
    SegmentIndex index(c);
    const std::vector<std::string> ages = {"7", "5000000000", "-3000000000", "", "2147483647"};
    std::vector<SegmentRow> rows(ages.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      rows[i].id = i + 1;
      rows[i].golden = {"DE", "", ages[i], "", ""};
    }
    index.Apply({}, rows);
    auto count = [&](std::string_view q) { return index.Count(SegmentQuery::Parse(q, c, norm), kToday); };
    EXPECT_EQ(count("age > 4000000000"), 1u);
    EXPECT_EQ(count("age < 0 AND country = \"DE\""), 1u);
    EXPECT_EQ(count("age >= 7"), 3u);
    EXPECT_EQ(count("country = \"DE\" AND NOT age >= -3000000000"), 1u);  // the one without
  }
}

// A writer moves "DE" from one profile to another in each write (one leaves, one arrives, as
// in a merge); counts running meanwhile must always see exactly the same number of them.
TEST(SegmentConcurrency, CountsNeverSeeHalfAWrite) {
  const Config c = SegmentConfig();
  const Normalizers norm(c.engine);
  SegmentIndex index(c);
  constexpr ProfileId kHeld = 50;
  std::vector<SegmentRow> rows(kHeld);
  for (ProfileId i = 0; i < kHeld; ++i) {
    rows[i].id = i + 1;
    rows[i].golden = {"DE", "", "", "", ""};
  }
  index.Apply({}, rows);
  const SegmentQuery q = SegmentQuery::Parse("country = \"DE\" AND NOT has(phone)", c, norm);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> wrong{0}, counted{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        if (index.Count(q, kToday) != kHeld) ++wrong;
        ++counted;
      }
    });
  }
  while (counted.load() == 0) std::this_thread::yield();
  // At least 2,000 writes, and on until the readers have counted 500 times meanwhile.
  for (ProfileId w = 0; w < 2000 || counted.load() < 500; ++w) {
    const ProfileId gone = 1 + w, fresh = 1 + w + kHeld;
    SegmentRow r;
    r.id = fresh;
    r.golden = {"DE", "", "", "", ""};
    index.Apply(std::span<const ProfileId>(&gone, 1), std::span<const SegmentRow>(&r, 1));
  }
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_GT(counted.load(), 0u);
  EXPECT_EQ(index.Count(q, kToday), kHeld);
}

}  // namespace
}  // namespace idg
