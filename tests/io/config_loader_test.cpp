#include "io/config_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/error.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::ReadFile;

testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "[" << text << "] does not contain [" << part << "]";
}

// The message of the idg::Error that parsing `toml` throws, or "" when it parses.
std::string ErrorOf(const std::string& toml) {
  try {
    ParseConfig(toml, "t.toml", "/base");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A small valid config; tests splice one broken line into it.
constexpr const char* kKinds =
    "[kinds.email]\n"            // line 1
    "normalizer = \"email\"\n"   // line 2
    "[kinds.phone]\n"            // line 3
    "normalizer = \"phone\"\n";  // line 4
constexpr const char* kSource =
    "[sources.crm]\n"
    "path = \"crm.csv\"\n"
    "id = \"id\"\n"
    "fields = { mail = \"email\" }\n";

TEST(ParseConfig, ExampleConfigKindsAttributesSourcesInFileOrder) {
  const std::string text = ReadFile(std::string(IDG_SOURCE_DIR) + "/examples/customers.toml");
  ASSERT_FALSE(text.empty());
  const Config c = ParseConfig(text, "customers.toml", "/data");

  EXPECT_EQ(c.engine.default_region, "US");
  EXPECT_EQ(c.engine.date_order, DateOrder::kMDY);

  ASSERT_EQ(c.kinds.size(), 5u);
  const char* kinds[] = {"email", "phone", "customer_id", "loyalty_id", "device_id"};
  for (size_t k = 0; k < 5; ++k) EXPECT_EQ(c.kinds[k].name, kinds[k]) << k;
  EXPECT_EQ(c.kinds[0].normalizer, Normalizer::kEmail);
  EXPECT_EQ(c.kinds[0].max_records, 50u);
  EXPECT_EQ(c.kinds[1].normalizer, Normalizer::kPhone);
  EXPECT_EQ(c.kinds[1].max_records, 25u);
  EXPECT_TRUE(c.kinds[2].unique);
  EXPECT_FALSE(c.kinds[0].unique);
  EXPECT_TRUE(c.kinds[2].deterministic);
  EXPECT_EQ(c.kinds[2].max_records, 0u);
  EXPECT_EQ(c.kinds[3].normalizer, Normalizer::kUpper);
  EXPECT_EQ(c.kinds[4].normalizer, Normalizer::kLower);

  // Junk values are normalized like the data.
  EXPECT_EQ(c.kinds[0].junk, (std::vector<std::string>{"test@test.com", "none@none.com",
                                                       "noemail@example.com", "a@a.com"}));
  ASSERT_EQ(c.kinds[1].junk.size(), 4u);
  EXPECT_EQ(c.kinds[1].junk[3], "+15555555555");
  EXPECT_EQ(c.kinds[4].junk,
            (std::vector<std::string>{"00000000-0000-0000-0000-000000000000", "unknown"}));

  ASSERT_EQ(c.attributes.size(), 7u);
  const char* attrs[] = {"first_name", "last_name", "dob", "street", "city", "zip", "country"};
  for (size_t a = 0; a < 7; ++a) EXPECT_EQ(c.attributes[a].name, attrs[a]) << a;
  EXPECT_EQ(c.attributes[0].survivorship, Survivorship::kMostRecent);
  EXPECT_EQ(c.attributes[2].survivorship, Survivorship::kMostFrequent);
  EXPECT_EQ(c.attributes[2].normalizer, Normalizer::kDate);
  EXPECT_EQ(c.attributes[3].survivorship, Survivorship::kSourcePriority);
  EXPECT_EQ(c.attributes[5].normalizer, Normalizer::kPostcode);

  ASSERT_EQ(c.sources.size(), 4u);
  const char* sources[] = {"crm", "pos", "support", "web"};
  for (size_t s = 0; s < 4; ++s) {
    EXPECT_EQ(c.sources[s].name, sources[s]);
    EXPECT_EQ(c.sources[s].priority, static_cast<int>(s));
  }
  const SourceConfig& crm = c.sources[0];
  EXPECT_EQ(crm.format, InputFormat::kCsv);
  EXPECT_EQ(crm.path, "/data/crm.csv");
  EXPECT_EQ(crm.delimiter, ",");
  EXPECT_EQ(crm.quote, '"');
  EXPECT_EQ(crm.id_column, "customer_id");
  EXPECT_EQ(crm.timestamp_column, "updated_at");
  EXPECT_EQ(crm.on_bad_value, BadValuePolicy::kDropValue);
  // fields in file order, each mapped to the right kind or attribute index.
  struct Want {
    const char* column;
    bool ident;
    uint16_t target;
  };
  const Want crm_fields[] = {{"customer_id", true, 2}, {"email", true, 0},      {"phone", true, 1},
                             {"first_name", false, 0}, {"last_name", false, 1}, {"dob", false, 2},
                             {"street", false, 3},     {"city", false, 4},      {"zip", false, 5},
                             {"country", false, 6}};
  ASSERT_EQ(crm.fields.size(), std::size(crm_fields));
  for (size_t f = 0; f < crm.fields.size(); ++f) {
    EXPECT_EQ(crm.fields[f].column, crm_fields[f].column) << f;
    EXPECT_EQ(crm.fields[f].is_identifier, crm_fields[f].ident) << f;
    EXPECT_EQ(crm.fields[f].target, crm_fields[f].target) << f;
  }
  EXPECT_EQ(c.sources[1].delimiter, ";");
  EXPECT_EQ(c.sources[1].id_column, "txn_id");
  ASSERT_EQ(c.sources[1].fields.size(), 5u);
  EXPECT_EQ(c.sources[1].fields[0].column, "loyalty_id");
  EXPECT_EQ(c.sources[1].fields[0].target, 3);

  const SourceConfig& web = c.sources[3];
  EXPECT_EQ(web.format, InputFormat::kIdentify);
  EXPECT_EQ(web.id_column, "messageId");
  EXPECT_EQ(web.timestamp_column, "timestamp");
  ASSERT_EQ(web.fields.size(), 6u);
  EXPECT_EQ(web.fields[0].column, "userId");
  EXPECT_EQ(web.fields[0].target, 2);
  EXPECT_EQ(web.fields[1].column, "anonymousId");
  EXPECT_EQ(web.fields[1].target, 4);
  EXPECT_EQ(web.fields[2].column, "traits.email");
  EXPECT_TRUE(web.fields[2].is_identifier);
  EXPECT_EQ(web.fields[2].target, 0);
  EXPECT_EQ(web.fields[5].column, "traits.lastName");
  EXPECT_FALSE(web.fields[5].is_identifier);
  EXPECT_EQ(web.fields[5].target, 1);
}

TEST(ParseConfig, IdentifyDefaultsMapOnlyDeclaredTargets) {
  const Config c = ParseConfig(
      "[kinds.email]\nnormalizer = \"email\"\n"
      "[kinds.device_id]\n"
      "[attributes]\nlast_name = { normalizer = \"name\" }\n"
      "[sources.web]\nformat = \"identify\"\npath = \"/abs/web.jsonl\"\n",
      "t.toml", "/base");
  ASSERT_EQ(c.sources.size(), 1u);
  const SourceConfig& web = c.sources[0];
  EXPECT_EQ(web.path, "/abs/web.jsonl");  // absolute paths are kept
  EXPECT_EQ(web.id_column, "messageId");
  EXPECT_EQ(web.timestamp_column, "timestamp");
  ASSERT_EQ(web.fields.size(), 3u);  // no customer_id, phone, first_name declared
  EXPECT_EQ(web.fields[0].column, "anonymousId");
  EXPECT_TRUE(web.fields[0].is_identifier);
  EXPECT_EQ(web.fields[0].target, 1);
  EXPECT_EQ(web.fields[1].column, "traits.email");
  EXPECT_EQ(web.fields[1].target, 0);
  EXPECT_EQ(web.fields[2].column, "traits.lastName");
  EXPECT_FALSE(web.fields[2].is_identifier);
  EXPECT_EQ(web.fields[2].target, 0);
}

TEST(ParseConfig, JunkIsNormalizedAndBlankJunkDropped) {
  const Config c = ParseConfig(std::string(kKinds) +
                                   "junk = [\"(555) 555-5555\", \"+1 000 000 0000\"]\n"
                                   "[kinds.device_id]\nnormalizer = \"lower\"\n"
                                   "junk = [\"UNKNOWN\", \"  \"]\n" +
                                   kSource,
                               "t.toml", "/base");
  // The phone kind's junk list sits under [kinds.phone] (line 5).
  EXPECT_EQ(c.kinds[1].junk, (std::vector<std::string>{"+15555555555", "+10000000000"}));
  EXPECT_EQ(c.kinds[2].junk, (std::vector<std::string>{"unknown"}));

  const Config e =
      ParseConfig("[kinds.email]\nnormalizer = \"email\"\njunk = [\" Test@TEST.com \"]\n" +
                      std::string(kSource),
                  "t.toml", "");
  EXPECT_EQ(e.kinds[0].junk, (std::vector<std::string>{"test@test.com"}));
  EXPECT_EQ(e.sources[0].path, "crm.csv");  // no base dir: kept relative
}

TEST(ParseConfig, SourceOptions) {
  const Config c = ParseConfig(std::string(kKinds) +
                                   "[sources.febrl]\npath = \"f.csv\"\ndelimiter = \", \"\n"
                                   "quote = \"'\"\nid = \"rec_id\"\nrequired = [\"a\", \"b\"]\n"
                                   "on_bad_value = \"reject_row\"\nfields = { p = \"phone\" }\n"
                                   "[sources.events]\nformat = \"jsonl\"\npath = \"e.jsonl\"\n"
                                   "id = \"id\"\n",
                               "t.toml", "/base");
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_EQ(c.sources[0].delimiter, ", ");
  EXPECT_EQ(c.sources[0].quote, '\'');
  EXPECT_EQ(c.sources[0].required, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.sources[0].on_bad_value, BadValuePolicy::kRejectRow);
  EXPECT_EQ(c.sources[0].path, "/base/f.csv");
  EXPECT_EQ(c.sources[1].format, InputFormat::kJsonl);
  EXPECT_TRUE(c.sources[1].timestamp_column.empty());
  EXPECT_TRUE(c.sources[1].fields.empty());
  EXPECT_EQ(c.sources[1].priority, 1);
}

TEST(ParseConfigErrors, UnknownKeyNamesFileLineKeyAndChoices) {
  const std::string msg = ErrorOf(std::string(kKinds) + "maxrecords = 3\n" + kSource);
  EXPECT_TRUE(Contains(msg, "t.toml:5: kinds.phone.maxrecords: unknown key"));
  EXPECT_TRUE(Contains(msg, "max_records"));

  EXPECT_TRUE(Contains(ErrorOf("[engine]\nregion = \"US\"\n" + std::string(kKinds) + kSource),
                       "t.toml:2: engine.region: unknown key"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + kSource + "[extra]\n"),
                       "t.toml:9: extra: unknown key"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + kSource + "pth = \"x\"\n"),
                       "t.toml:9: sources.crm.pth: unknown key"));
}

TEST(ParseConfigErrors, WrongTypes) {
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "max_records = \"x\"\n" + kSource),
                       "t.toml:5: kinds.phone.max_records: expected a non-negative integer"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "max_records = -1\n" + kSource),
                       "t.toml:5: kinds.phone.max_records: expected a non-negative integer"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "unique = \"yes\"\n" + kSource),
                       "t.toml:5: kinds.phone.unique: expected true or false"));
  // docs/config.md: a boolean key takes true or false; an integer is a type error.
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "unique = 1\n" + kSource),
                       "t.toml:5: kinds.phone.unique: expected true or false"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "junk = \"x\"\n" + kSource),
                       "t.toml:5: kinds.phone.junk: expected an array of strings"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "junk = [\"+15555555555\", 3]\n" + kSource),
                       "kinds.phone.junk[1]: expected a string"));
  EXPECT_TRUE(
      Contains(ErrorOf("kinds = 3\n" + std::string(kSource)), "t.toml:1: kinds: expected a table"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + kSource + "quote = \"ab\"\n"),
                       "t.toml:9: sources.crm.quote: expected a single character"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + kSource + "delimiter = \"\"\n"),
                       "t.toml:9: sources.crm.delimiter: expected a non-empty string"));
  EXPECT_TRUE(
      Contains(ErrorOf("[engine]\ndefault_region = \"USA\"\n" + std::string(kKinds) + kSource),
               "t.toml:2: engine.default_region: expected a two-letter region code"));
}

TEST(ParseConfigErrors, BadChoiceNamesTheChoices) {
  const std::string msg = ErrorOf("[kinds.email]\nnormalizer = \"emial\"\n" + std::string(kSource));
  EXPECT_TRUE(Contains(msg, "t.toml:2: kinds.email.normalizer: expected one of"));
  EXPECT_TRUE(Contains(msg, "\"email\""));
  EXPECT_TRUE(Contains(msg, "got \"emial\""));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + kSource + "format = \"xml\"\n"),
                       "t.toml:9: sources.crm.format: expected one of"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + kSource + "on_bad_value = \"skip\"\n"),
                       "t.toml:9: sources.crm.on_bad_value: expected one of"));
  EXPECT_TRUE(Contains(ErrorOf("[engine]\ndate_order = \"DDMM\"\n" + std::string(kKinds) + kSource),
                       "t.toml:2: engine.date_order: expected one of"));
  EXPECT_TRUE(Contains(
      ErrorOf(std::string(kKinds) + "[attributes]\nx = { survivorship = \"oldest\" }\n" + kSource),
      "t.toml:6: attributes.x.survivorship: expected one of"));
}

TEST(ParseConfigErrors, FieldTargetNotDeclared) {
  const std::string msg = ErrorOf(std::string(kKinds) +
                                  "[sources.crm]\npath = \"c.csv\"\nid = \"id\"\n"
                                  "fields = { mail = \"email\", tel = \"telephone\" }\n");
  EXPECT_TRUE(Contains(msg, "t.toml:8: sources.crm.fields.tel"));
  EXPECT_TRUE(
      Contains(msg, "\"telephone\" is neither a declared identifier kind nor an attribute"));
}

TEST(ParseConfigErrors, MissingIdColumnForCsv) {
  const std::string msg = ErrorOf(std::string(kKinds) + "[sources.crm]\npath = \"c.csv\"\n");
  EXPECT_TRUE(Contains(msg, "t.toml:5: sources.crm.id: missing"));
  // jsonl has no default id column either.
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "[sources.ev]\nformat = \"jsonl\"\n"),
                       "sources.ev.id: missing"));
}

TEST(ParseConfigErrors, InvalidJunkValue) {
  const std::string msg =
      ErrorOf(std::string(kKinds) + "junk = [\"+15555555555\", \"not a phone\"]\n" + kSource);
  EXPECT_TRUE(Contains(msg, "t.toml:5: kinds.phone.junk[1]: \"not a phone\""));
  EXPECT_TRUE(Contains(ErrorOf("[kinds.email]\nnormalizer = \"email\"\njunk = [\"nobody\"]\n" +
                               std::string(kSource)),
                       "t.toml:3: kinds.email.junk[0]: \"nobody\""));
}

TEST(ParseConfigErrors, TomlSyntaxErrorNamesLine) {
  const std::string msg = ErrorOf(std::string(kKinds) + "max_records = = 3\n" + kSource);
  EXPECT_TRUE(Contains(msg, "t.toml:5: ")) << msg;
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "[kinds.phone]\n" + kSource), "t.toml:5: "));
}

TEST(ParseConfigErrors, MissingSectionsAndNameClashes) {
  EXPECT_TRUE(Contains(ErrorOf(kSource), "t.toml: kinds: missing"));
  EXPECT_TRUE(Contains(ErrorOf(kKinds), "t.toml: sources: missing"));
  EXPECT_TRUE(Contains(ErrorOf("[kinds]\n" + std::string(kSource)), "t.toml:1: kinds: empty"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "[attributes]\nemail = {}\n" + kSource),
                       "t.toml:6: attributes.email: the name is already an identifier kind"));
}

TEST(ParseConfig, AttributeTypesAndSegmentsSection) {
  const Config c = ParseConfig(std::string(kKinds) +
                                   "[attributes]\nage = { type = \"integer\" }\n"
                                   "born = { type = \"date\", normalizer = \"date\" }\n"
                                   "vip = { type = \"boolean\" }\ncity = { segment = false }\n"
                                   "[segments]\nmax_bitmap_values = 100\n" + kSource,
                               "t.toml", "/base");
  EXPECT_EQ(c.attributes[0].type, AttrType::kInteger);
  EXPECT_EQ(c.attributes[1].type, AttrType::kDate);
  EXPECT_EQ(c.attributes[2].type, AttrType::kBoolean);
  EXPECT_EQ(c.attributes[3].type, AttrType::kString);
  EXPECT_TRUE(c.attributes[0].segment);
  EXPECT_FALSE(c.attributes[3].segment);
  EXPECT_EQ(c.segments.max_bitmap_values, 100u);
  EXPECT_EQ(ParseConfig(std::string(kKinds) + kSource, "t.toml", "/base").segments.max_bitmap_values,
            4096u);
  EXPECT_TRUE(Contains(
      ErrorOf(std::string(kKinds) + "[attributes]\nx = { type = \"float\" }\n" + kSource),
      "t.toml:6: attributes.x.type: expected one of"));
  EXPECT_TRUE(Contains(ErrorOf(std::string(kKinds) + "[segments]\nbitmaps = 3\n" + kSource),
                       "segments.bitmaps"));
}

TEST(ParseConfig, ServerSection) {
  const Config defaults = ParseConfig(std::string(kKinds) + kSource, "t.toml", "/base");
  EXPECT_EQ(defaults.server.listen, "127.0.0.1:7420");
  EXPECT_EQ(defaults.server.threads, 0u);
  EXPECT_EQ(defaults.server.poll_us, 200u);
  EXPECT_EQ(defaults.server.max_batch, 10000u);
  EXPECT_EQ(defaults.server.max_message_bytes, 64u << 20);
  EXPECT_TRUE(defaults.server.tokens.empty());

  const Config c = ParseConfig(std::string(kKinds) + kSource +
                                   "[server]\n"
                                   "listen = \"0.0.0.0:9000\"\n"
                                   "threads = 4\n"
                                   "poll_us = 0\n"
                                   "max_batch = 500\n"
                                   "max_message_bytes = 1048576\n"
                                   "tokens = [\n"
                                   "  { token = \"r\", role = \"reader\" },\n"
                                   "  { token = \"w\", role = \"writer\" },\n"
                                   "  { token = \"a\", role = \"admin\" },\n"
                                   "]\n",
                               "t.toml", "/base");
  EXPECT_EQ(c.server.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.server.threads, 4u);
  EXPECT_EQ(c.server.poll_us, 0u);
  EXPECT_EQ(c.server.max_batch, 500u);
  EXPECT_EQ(c.server.max_message_bytes, 1048576u);
  ASSERT_EQ(c.server.tokens.size(), 3u);
  EXPECT_EQ(c.server.tokens[0].token, "r");
  EXPECT_EQ(c.server.tokens[0].role, Role::kReader);
  EXPECT_EQ(c.server.tokens[1].role, Role::kWriter);
  EXPECT_EQ(c.server.tokens[2].token, "a");
  EXPECT_EQ(c.server.tokens[2].role, Role::kAdmin);
  // Tokens as an array of tables; IPv6 in brackets.
  const Config tables = ParseConfig(std::string(kKinds) + kSource +
                                        "[server]\nlisten = \"[::1]:0\"\n"
                                        "[[server.tokens]]\ntoken = \"t\"\nrole = \"writer\"\n",
                                    "t.toml", "");
  ASSERT_EQ(tables.server.tokens.size(), 1u);
  EXPECT_EQ(tables.server.tokens[0].role, Role::kWriter);
  EXPECT_EQ(tables.server.listen, "[::1]:0");
}

TEST(ParseConfigErrors, ServerSection) {
  const std::string base = std::string(kKinds) + kSource + "[server]\n";  // [server] on line 9
  EXPECT_TRUE(Contains(ErrorOf(base + "port = 1\n"), "t.toml:10: server.port: unknown key"));
  EXPECT_TRUE(Contains(ErrorOf(base + "listen = \"localhost\"\n"),
                       "t.toml:10: server.listen: expected HOST:PORT"));
  EXPECT_TRUE(Contains(ErrorOf(base + "listen = \"h:70000\"\n"), "server.listen: expected"));
  EXPECT_TRUE(Contains(ErrorOf(base + "threads = -1\n"),
                       "t.toml:10: server.threads: expected a non-negative integer"));
  EXPECT_TRUE(Contains(ErrorOf(base + "poll_us = 2000000\n"),
                       "t.toml:10: server.poll_us: expected at most 1000000"));
  EXPECT_TRUE(Contains(ErrorOf(base + "max_batch = 0\n"),
                       "t.toml:10: server.max_batch: expected a positive integer"));
  EXPECT_TRUE(Contains(ErrorOf(base + "max_message_bytes = 10\n"),
                       "server.max_message_bytes: expected an integer of at least 4096"));
  EXPECT_TRUE(Contains(ErrorOf(base + "tokens = \"x\"\n"),
                       "t.toml:10: server.tokens: expected an array"));
  EXPECT_TRUE(Contains(ErrorOf(base + "tokens = [{ token = \"x\", role = \"root\" }]\n"),
                       "server.tokens[0].role: expected one of \"reader\", \"writer\", "
                       "\"admin\", got \"root\""));
  EXPECT_TRUE(Contains(ErrorOf(base + "tokens = [{ token = \"x\", rol = \"admin\" }]\n"),
                       "server.tokens[0].rol: unknown key"));
  EXPECT_TRUE(Contains(ErrorOf(base + "tokens = [{ token = \"x\" }]\n"),
                       "server.tokens[0].role: missing"));
  EXPECT_TRUE(Contains(ErrorOf(base + "tokens = [{ role = \"admin\" }]\n"),
                       "server.tokens[0].token: missing"));
  EXPECT_TRUE(Contains(ErrorOf(base + "tokens = [{ token = \"\", role = \"admin\" }]\n"),
                       "server.tokens[0].token: expected a non-empty string"));
  const std::string twice = ErrorOf(base +
                                    "tokens = [{ token = \"s3cret\", role = \"admin\" },\n"
                                    "          { token = \"s3cret\", role = \"reader\" }]\n");
  EXPECT_TRUE(Contains(twice, "server.tokens[1].token: the same token is listed twice"));
  EXPECT_EQ(twice.find("s3cret"), std::string::npos);  // secrets stay out of messages
}

TEST(LoadConfig, MissingFileAndRelativePaths) {
  try {
    LoadConfig("/nonexistent/idg/none.toml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), "/nonexistent/idg/none.toml: cannot read"));
  }
  const std::string path = testing::TempDir() + "idg_config_loader_test.toml";
  std::ofstream(path) << kKinds << kSource << "max_records = 1\n";
  try {
    LoadConfig(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    // Errors from a file name the file's path.
    EXPECT_TRUE(Contains(e.what(), path + ":9: sources.crm.max_records: unknown key"));
  }
  std::ofstream(path) << kKinds << kSource;
  const Config c = LoadConfig(path);
  EXPECT_EQ(c.sources[0].path, (std::filesystem::path(path).parent_path() / "crm.csv").string());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace idg
