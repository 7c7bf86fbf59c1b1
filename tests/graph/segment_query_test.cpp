// Segment query parsing: precedence, normalized values, errors with their positions, typed
// values, and attributes left out of segments.
#include "graph/segment_query.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/segment_index.h"
#include "match/normalize.h"
#include "segment_config.h"

namespace idg {
namespace {

using testing::kToday;
using testing::SegmentConfig;

TEST(SegmentQuery, ParsesPrecedenceAndNormalizesValues) {
  const Config c = SegmentConfig();
  const Normalizers norm(c.engine);
  const SegmentQuery q = SegmentQuery::Parse(
      "country = 'de' or NOT has(email) AND (age >= 30 or vip = TRUE)", c, norm);
  ASSERT_EQ(q.root().type, QueryNode::Type::kOr);  // AND binds tighter than OR
  ASSERT_EQ(q.root().children.size(), 2u);
  EXPECT_EQ(q.root().children[0].values[0].text, "DE");
  const QueryNode& a = q.root().children[1];
  ASSERT_EQ(a.type, QueryNode::Type::kAnd);
  EXPECT_EQ(a.children[0].type, QueryNode::Type::kNot);
  EXPECT_EQ(a.children[1].type, QueryNode::Type::kOr);
  EXPECT_EQ(q.predicates(), 4u);
  const SegmentQuery d = SegmentQuery::Parse("last_seen >= now - 2w AND birth < \"1990-01-01\"", c, norm);
  EXPECT_TRUE(d.root().children[0].values[0].relative);
  EXPECT_EQ(d.root().children[0].values[0].number, -14);
  EXPECT_EQ(d.root().children[1].values[0].number, 7305);
}

TEST(SegmentQuery, ErrorsNamePositionAndExpectation) {
  const Config c = SegmentConfig();
  const Normalizers norm(c.engine);
  struct Case {
    const char* query;
    size_t position;
    const char* says;
  };
  const Case cases[] = {
      {"", 0, "expected a field name"},
      {"colour = \"red\"", 0, "expected a field name (country, city, age"},
      {"country = ", 10, "expected a string in quotes for country"},
      {"country = \"DE\" AND", 18, "expected a field name"},
      {"age >= \"30\"", 7, "expected an integer for age"},
      {"age ^= \"3\"", 4, "'^=' (prefix) needs a string field"},
      {"vip < true", 4, "'<' does not apply to vip"},
      {"birth > \"1990-13-01\"", 8, "expected a date as \"YYYY-MM-DD\""},
      {"last_seen > now - 30y", 20, "expected a unit: d (days) or w (weeks)"},
      {"has(fax)", 4, "expected an identifier kind (email, phone)"},
      {"source = \"mail\"", 9, "unknown source \"mail\" (web, crm, pos)"},
      {"(country = \"DE\"", 15, "expected ')'"},
      {"country = \"DE\" city = \"x\"", 15, "expected AND, OR or the end of the query"},
      {"country = \"DE", 10, "unterminated string"},
      {"age > 3 # 4", 8, "unexpected character '#'"},
      {"country IN (\"DE\" \"FR\")", 17, "expected ')'"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.query);
    try {
      SegmentQuery::Parse(k.query, c, norm);
      ADD_FAILURE() << "parsed";
    } catch (const QueryError& e) {
      EXPECT_EQ(e.position, k.position) << e.what();
      EXPECT_NE(std::string(e.what()).find(k.says), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("position " + std::to_string(k.position) + ": ", 0), 0u);
    }
  }
}

TEST(SegmentQuery, AttributesLeftOutOfSegmentsAreRefused) {
  Config c = SegmentConfig();
  c.attributes[1].segment = false;  // city
  const Normalizers norm(c.engine);
  try {
    SegmentQuery::Parse("country = \"DE\" OR city = \"bern\"", c, norm);
    ADD_FAILURE() << "parsed";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.position, 18u);
    EXPECT_NE(std::string(e.what()).find("city is not indexed for segments"), std::string::npos);
  }
  SegmentIndex index(c);
  std::vector<SegmentRow> rows(2);
  rows[0].id = 1;
  rows[0].golden = {"DE", "bern", "", "", ""};
  rows[1].id = 2;
  rows[1].golden = {"FR", "paris", "", "", ""};
  index.Apply({}, rows);
  const SegmentIndexStats st = index.Stats();
  EXPECT_EQ(st.fields[1].values, 0u);  // nothing kept for city
  EXPECT_EQ(st.fields[1].bytes, 0u);
  EXPECT_EQ(index.Count(SegmentQuery::Parse("country != \"DE\"", c, norm), kToday), 1u);
}

TEST(SegmentQuery, TypedValues) {
  EXPECT_EQ(ParseInteger("-42"), -42);
  EXPECT_EQ(ParseInteger("+7"), 7);
  EXPECT_FALSE(ParseInteger("4x"));
  EXPECT_FALSE(ParseInteger(""));
  EXPECT_EQ(ParseDateDays("1970-01-02"), 1);
  EXPECT_EQ(ParseDateDays("2024-10-04"), kToday);
  EXPECT_FALSE(ParseDateDays("2023-02-29"));
  EXPECT_FALSE(ParseDateDays("2024-1-04"));
  EXPECT_EQ(ParseBoolean("Yes"), 1);
  EXPECT_EQ(ParseBoolean("f"), 0);
  EXPECT_FALSE(ParseBoolean("maybe"));
  EXPECT_EQ(DaysOf(-1), -1);
  EXPECT_EQ(DaysOf(86399), 0);
}

}  // namespace
}  // namespace idg
