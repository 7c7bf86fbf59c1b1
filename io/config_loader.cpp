#include "io/config_loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "match/normalize.h"

namespace idg {
namespace {

class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void Fail(const toml::node* node, const std::string& key,
                         const std::string& what) const {
    std::string where = origin_;
    if (node != nullptr && node->source().begin.line > 0) {
      where += ":" + std::to_string(node->source().begin.line);
    }
    throw Error(where + ": " + key + ": " + what);
  }

  // Entries of a table in the order they appear in the file (toml++ keeps keys sorted).
  std::vector<std::pair<std::string, const toml::node*>> Ordered(const toml::table& t) const {
    std::vector<std::pair<std::string, const toml::node*>> out;
    for (const auto& [k, v] : t) out.push_back({std::string(k.str()), &v});
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      const auto& sa = a.second->source().begin;
      const auto& sb = b.second->source().begin;
      return sa.line != sb.line ? sa.line < sb.line : sa.column < sb.column;
    });
    return out;
  }

  const toml::table& Table(const toml::node& n, const std::string& key) const {
    const toml::table* t = n.as_table();
    if (t == nullptr) Fail(&n, key, "expected a table");
    return *t;
  }

  std::string String(const toml::node& n, const std::string& key) const {
    auto v = n.value<std::string>();
    if (!v) Fail(&n, key, "expected a string");
    return *v;
  }

  bool Bool(const toml::node& n, const std::string& key) const {
    auto v = n.value_exact<bool>();  // value<bool>() would also take integers
    if (!v) Fail(&n, key, "expected true or false");
    return *v;
  }

  uint32_t Count(const toml::node& n, const std::string& key) const {
    auto v = n.value<int64_t>();
    if (!v || *v < 0 || *v > UINT32_MAX) Fail(&n, key, "expected a non-negative integer");
    return static_cast<uint32_t>(*v);
  }

  std::vector<std::string> Strings(const toml::node& n, const std::string& key) const {
    const toml::array* a = n.as_array();
    if (a == nullptr) Fail(&n, key, "expected an array of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < a->size(); ++i) out.push_back(String((*a)[i], key + "[" + std::to_string(i) + "]"));
    return out;
  }

  template <typename T>
  T Choice(const toml::node& n, const std::string& key,
           std::initializer_list<std::pair<const char*, T>> choices) const {
    const std::string s = String(n, key);
    std::string names;
    for (const auto& [name, value] : choices) {
      if (s == name) return value;
      names += names.empty() ? "" : ", ";
      names += std::string("\"") + name + "\"";
    }
    Fail(&n, key, "expected one of " + names + ", got \"" + s + "\"");
  }

  void NoUnknownKeys(const toml::table& t, const std::string& prefix,
                     std::initializer_list<const char*> known) const {
    for (const auto& [k, v] : t) {
      if (std::find_if(known.begin(), known.end(), [&](const char* x) { return k.str() == x; }) ==
          known.end()) {
        std::string names;
        for (const char* x : known) names += (names.empty() ? "" : ", ") + std::string(x);
        Fail(&v, prefix + std::string(k.str()), "unknown key (expected one of: " + names + ")");
      }
    }
  }

 private:
  std::string origin_;
};

Normalizer ParseNormalizer(const Reader& rd, const toml::node& n, const std::string& key) {
  return rd.Choice<Normalizer>(n, key,
                               {{"none", Normalizer::kNone},
                                {"trim", Normalizer::kTrim},
                                {"lower", Normalizer::kLower},
                                {"upper", Normalizer::kUpper},
                                {"email", Normalizer::kEmail},
                                {"phone", Normalizer::kPhone},
                                {"name", Normalizer::kName},
                                {"street", Normalizer::kStreet},
                                {"date", Normalizer::kDate},
                                {"postcode", Normalizer::kPostcode}});
}

// The built-in mapping of identify events, for targets the config declares.
void DefaultIdentifyFields(Config& c, SourceConfig& s) {
  const std::pair<const char*, const char*> defaults[] = {
      {"userId", "customer_id"},       {"anonymousId", "device_id"},
      {"traits.email", "email"},       {"traits.phone", "phone"},
      {"traits.firstName", "first_name"}, {"traits.lastName", "last_name"}};
  for (const auto& [column, target] : defaults) {
    if (auto k = c.FindKind(target)) {
      s.fields.push_back({column, true, *k});
    } else if (auto a = c.FindAttribute(target)) {
      s.fields.push_back({column, false, *a});
    }
  }
}

// "surname:prefix3 & postcode" -> parts.
MatchingConfig::Rule ParseBlockingRule(const Reader& rd, const toml::node& n, const std::string& key,
                                       const Config& c) {
  MatchingConfig::Rule rule;
  rule.name = rd.String(n, key);
  std::string_view rest = rule.name;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string part(rest.substr(0, amp));
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    const size_t colon = part.find(':');
    const std::string attr = part.substr(0, colon);
    const std::string how = colon == std::string::npos ? "exact" : part.substr(colon + 1);
    auto a = c.FindAttribute(attr);
    if (!a) rd.Fail(&n, key, "\"" + attr + "\" is not a declared attribute");
    MatchingConfig::Part p;
    p.attr = *a;
    if (how == "exact") {
      p.transform = KeyTransform::kExact;
    } else if (how == "soundex") {
      p.transform = KeyTransform::kSoundex;
    } else if (how == "year") {
      p.transform = KeyTransform::kYear;
    } else if (how.rfind("prefix", 0) == 0 && how.size() > 6 &&
               how.find_first_not_of("0123456789", 6) == std::string::npos && how.size() < 9) {
      p.transform = KeyTransform::kPrefix;
      p.length = static_cast<uint8_t>(std::stoi(how.substr(6)));
    } else {
      rd.Fail(&n, key, "\"" + how + "\": expected exact, prefixN, soundex or year");
    }
    rule.parts.push_back(p);
  }
  if (rule.parts.empty()) rd.Fail(&n, key, "an empty blocking rule");
  return rule;
}

void ParseMatching(const Reader& rd, const toml::node& node, Config& c) {
  const toml::table& t = rd.Table(node, "matching");
  rd.NoUnknownKeys(t, "matching.", {"threshold", "max_block_size", "random_pairs", "seed",
                                    "em_iterations", "clustering", "blocking", "comparisons"});
  MatchingConfig& m = c.matching;
  m.enabled = true;
  if (const toml::node* n = t.get("threshold")) {
    auto v = n->value<double>();
    if (!v || *v <= 0 || *v >= 1) rd.Fail(n, "matching.threshold", "expected a probability between 0 and 1");
    m.threshold = *v;
  }
  if (const toml::node* n = t.get("max_block_size")) m.max_block_size = rd.Count(*n, "matching.max_block_size");
  if (const toml::node* n = t.get("random_pairs")) m.random_pairs = rd.Count(*n, "matching.random_pairs");
  if (const toml::node* n = t.get("seed")) m.seed = rd.Count(*n, "matching.seed");
  if (const toml::node* n = t.get("em_iterations")) m.em_iterations = static_cast<int>(rd.Count(*n, "matching.em_iterations"));
  if (const toml::node* n = t.get("clustering")) {
    m.strict_clustering = rd.Choice<bool>(*n, "matching.clustering", {{"connected", false}, {"strict", true}});
  }
  const toml::node* blocking = t.get("blocking");
  if (blocking == nullptr) rd.Fail(&node, "matching.blocking", "missing: give at least one blocking rule");
  const toml::array* rules = blocking->as_array();
  if (rules == nullptr || rules->empty()) rd.Fail(blocking, "matching.blocking", "expected an array of rules such as [\"surname:prefix3 & zip\"]");
  for (size_t i = 0; i < rules->size(); ++i) {
    m.blocking.push_back(ParseBlockingRule(rd, (*rules)[i], "matching.blocking[" + std::to_string(i) + "]", c));
  }
  const toml::node* comps = t.get("comparisons");
  if (comps == nullptr) rd.Fail(&node, "matching.comparisons", "missing: compare at least one attribute");
  for (const auto& [name, cn] : rd.Ordered(rd.Table(*comps, "matching.comparisons"))) {
    const std::string key = "matching.comparisons." + name;
    auto a = c.FindAttribute(name);
    if (!a) rd.Fail(cn, key, "\"" + name + "\" is not a declared attribute");
    const toml::table& ct = rd.Table(*cn, key);
    rd.NoUnknownKeys(ct, key + ".", {"method", "thresholds", "term_frequency"});
    MatchingConfig::Comparison cmp;
    cmp.attr = *a;
    if (const toml::node* n = ct.get("method")) {
      cmp.method = rd.Choice<CompareMethod>(*n, key + ".method",
                                            {{"exact", CompareMethod::kExact},
                                             {"jaro_winkler", CompareMethod::kJaroWinkler},
                                             {"levenshtein", CompareMethod::kLevenshtein},
                                             {"osa", CompareMethod::kOsa},
                                             {"jaccard", CompareMethod::kJaccard},
                                             {"date_days", CompareMethod::kDateDays},
                                             {"numeric", CompareMethod::kNumeric}});
    }
    if (const toml::node* n = ct.get("thresholds")) {
      const toml::array* arr = n->as_array();
      if (arr == nullptr || arr->size() > 6) rd.Fail(n, key + ".thresholds", "expected up to 6 numbers");
      for (size_t i = 0; i < arr->size(); ++i) {
        auto v = (*arr)[i].value<double>();
        if (!v) rd.Fail(n, key + ".thresholds", "expected numbers");
        cmp.thresholds.push_back(static_cast<float>(*v));
      }
    }
    if (cmp.method == CompareMethod::kExact && !cmp.thresholds.empty()) {
      rd.Fail(cn, key + ".thresholds", "the exact method takes no thresholds");
    }
    if (const toml::node* n = ct.get("term_frequency")) cmp.term_frequency = rd.Bool(*n, key + ".term_frequency");
    m.comparisons.push_back(std::move(cmp));
  }
  if (m.comparisons.empty()) rd.Fail(comps, "matching.comparisons", "compare at least one attribute");
}

// "HOST:PORT" with a port in 0..65535; rpc/ resolves the host.
bool IsHostPort(const std::string& s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size() || s.size() - colon > 6) {
    return false;
  }
  const std::string port = s.substr(colon + 1);
  return port.find_first_not_of("0123456789") == std::string::npos && std::stoi(port) <= 65535;
}

void ParseServer(const Reader& rd, const toml::node& node, Config& c) {
  const toml::table& t = rd.Table(node, "server");
  rd.NoUnknownKeys(t, "server.", {"listen", "threads", "poll_us", "max_batch", "max_message_bytes",
                                     "tokens"});
  ServerConfig& s = c.server;
  if (const toml::node* n = t.get("listen")) {
    s.listen = rd.String(*n, "server.listen");
    if (!IsHostPort(s.listen)) {
      rd.Fail(n, "server.listen",
              "expected HOST:PORT such as \"127.0.0.1:7420\", got \"" + s.listen + "\"");
    }
  }
  if (const toml::node* n = t.get("threads")) s.threads = rd.Count(*n, "server.threads");
  if (const toml::node* n = t.get("poll_us")) {
    s.poll_us = rd.Count(*n, "server.poll_us");
    if (s.poll_us > 1'000'000) rd.Fail(n, "server.poll_us", "expected at most 1000000 (one second)");
  }
  if (const toml::node* n = t.get("max_batch")) {
    s.max_batch = rd.Count(*n, "server.max_batch");
    if (s.max_batch == 0) rd.Fail(n, "server.max_batch", "expected a positive integer");
  }
  if (const toml::node* n = t.get("max_message_bytes")) {
    auto v = n->value<int64_t>();
    if (!v || *v < 4096)
      rd.Fail(n, "server.max_message_bytes", "expected an integer of at least 4096");
    s.max_message_bytes = static_cast<uint64_t>(*v);
  }
  if (const toml::node* n = t.get("tokens")) {
    const toml::array* a = n->as_array();
    if (a == nullptr)
      rd.Fail(n, "server.tokens", "expected an array of { token = \"...\", role = \"...\" }");
    for (size_t i = 0; i < a->size(); ++i) {
      const std::string key = "server.tokens[" + std::to_string(i) + "]";
      const toml::table& tt = rd.Table((*a)[i], key);
      rd.NoUnknownKeys(tt, key + ".", {"token", "role"});
      TokenConfig tc;
      const toml::node* token = tt.get("token");
      if (token == nullptr) rd.Fail(&(*a)[i], key + ".token", "missing");
      tc.token = rd.String(*token, key + ".token");
      if (tc.token.empty()) rd.Fail(token, key + ".token", "expected a non-empty string");
      for (const TokenConfig& other : s.tokens) {
        if (other.token == tc.token)
          rd.Fail(token, key + ".token", "the same token is listed twice");
      }
      const toml::node* role = tt.get("role");
      if (role == nullptr) rd.Fail(&(*a)[i], key + ".role", "missing: reader, writer or admin");
      tc.role = rd.Choice<Role>(
          *role, key + ".role",
          {{"reader", Role::kReader}, {"writer", Role::kWriter}, {"admin", Role::kAdmin}});
      s.tokens.push_back(std::move(tc));
    }
  }
}

}  // namespace

Config ParseConfig(std::string_view toml_text, const std::string& origin,
                   const std::string& base_dir) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    throw Error(origin + ":" + std::to_string(e.source().begin.line) + ": " +
                std::string(e.description()));
  }
  Reader rd(origin);
  Config c;
  rd.NoUnknownKeys(root, "", {"engine", "kinds", "attributes", "sources", "matching", "server",
                             "segments"});

  if (const toml::node* engine = root.get("engine")) {
    const toml::table& t = rd.Table(*engine, "engine");
    rd.NoUnknownKeys(t, "engine.", {"default_region", "date_order"});
    if (const toml::node* n = t.get("default_region")) {
      c.engine.default_region = rd.String(*n, "engine.default_region");
      if (c.engine.default_region.size() != 2) {
        rd.Fail(n, "engine.default_region", "expected a two-letter region code such as \"US\"");
      }
    }
    if (const toml::node* n = t.get("date_order")) {
      c.engine.date_order = rd.Choice<DateOrder>(
          *n, "engine.date_order",
          {{"MDY", DateOrder::kMDY}, {"DMY", DateOrder::kDMY}, {"YMD", DateOrder::kYMD}});
    }
  }

  const toml::node* kinds = root.get("kinds");
  if (kinds == nullptr) rd.Fail(nullptr, "kinds", "missing: declare at least one identifier kind");
  std::vector<std::pair<std::vector<std::string>, const toml::node*>> junk_raw;
  for (const auto& [name, node] : rd.Ordered(rd.Table(*kinds, "kinds"))) {
    const std::string key = "kinds." + name;
    const toml::table& t = rd.Table(*node, key);
    rd.NoUnknownKeys(t, key + ".", {"normalizer", "deterministic", "unique", "max_records", "junk"});
    KindConfig k;
    k.name = name;
    if (const toml::node* n = t.get("normalizer")) k.normalizer = ParseNormalizer(rd, *n, key + ".normalizer");
    if (const toml::node* n = t.get("deterministic")) k.deterministic = rd.Bool(*n, key + ".deterministic");
    if (const toml::node* n = t.get("unique")) k.unique = rd.Bool(*n, key + ".unique");
    if (const toml::node* n = t.get("max_records")) k.max_records = rd.Count(*n, key + ".max_records");
    if (const toml::node* n = t.get("junk")) k.junk = rd.Strings(*n, key + ".junk");
    junk_raw.push_back({k.junk, t.get("junk")});
    c.kinds.push_back(std::move(k));
  }
  if (c.kinds.empty()) rd.Fail(kinds, "kinds", "empty: declare at least one identifier kind");
  IDG_REQUIRE(c.kinds.size() < 65535, origin + ": too many identifier kinds");

  if (const toml::node* attrs = root.get("attributes")) {
    for (const auto& [name, node] : rd.Ordered(rd.Table(*attrs, "attributes"))) {
      const std::string key = "attributes." + name;
      const toml::table& t = rd.Table(*node, key);
      rd.NoUnknownKeys(t, key + ".", {"normalizer", "survivorship", "type", "segment"});
      if (c.FindKind(name)) rd.Fail(node, key, "the name is already an identifier kind");
      AttributeConfig a;
      a.name = name;
      if (const toml::node* n = t.get("normalizer")) a.normalizer = ParseNormalizer(rd, *n, key + ".normalizer");
      if (const toml::node* n = t.get("survivorship")) {
        a.survivorship = rd.Choice<Survivorship>(*n, key + ".survivorship",
                                                 {{"most_recent", Survivorship::kMostRecent},
                                                  {"most_frequent", Survivorship::kMostFrequent},
                                                  {"source_priority", Survivorship::kSourcePriority}});
      }
      if (const toml::node* n = t.get("type")) {
        a.type = rd.Choice<AttrType>(*n, key + ".type",
                                     {{"string", AttrType::kString},
                                      {"integer", AttrType::kInteger},
                                      {"date", AttrType::kDate},
                                      {"boolean", AttrType::kBoolean}});
      }
      if (const toml::node* n = t.get("segment")) {
        a.segment = rd.Bool(*n, key + ".segment");
      }
      c.attributes.push_back(std::move(a));
    }
  }

  const toml::node* sources = root.get("sources");
  if (sources == nullptr) rd.Fail(nullptr, "sources", "missing: declare at least one source");
  for (const auto& [name, node] : rd.Ordered(rd.Table(*sources, "sources"))) {
    const std::string key = "sources." + name;
    const toml::table& t = rd.Table(*node, key);
    rd.NoUnknownKeys(t, key + ".", {"format", "path", "delimiter", "quote", "id", "timestamp",
                                    "fields", "required", "on_bad_value"});
    SourceConfig s;
    s.name = name;
    s.priority = static_cast<int>(c.sources.size());
    if (const toml::node* n = t.get("format")) {
      s.format = rd.Choice<InputFormat>(*n, key + ".format",
                                        {{"csv", InputFormat::kCsv},
                                         {"jsonl", InputFormat::kJsonl},
                                         {"identify", InputFormat::kIdentify}});
    }
    if (const toml::node* n = t.get("path")) {
      std::filesystem::path p = rd.String(*n, key + ".path");
      s.path = p.is_absolute() || base_dir.empty() ? p.string()
                                                   : (std::filesystem::path(base_dir) / p).string();
    }
    if (const toml::node* n = t.get("delimiter")) {
      s.delimiter = rd.String(*n, key + ".delimiter");
      if (s.delimiter.empty()) rd.Fail(n, key + ".delimiter", "expected a non-empty string");
    }
    if (const toml::node* n = t.get("quote")) {
      const std::string q = rd.String(*n, key + ".quote");
      if (q.size() != 1) rd.Fail(n, key + ".quote", "expected a single character");
      s.quote = q[0];
    }
    const bool identify = s.format == InputFormat::kIdentify;
    if (const toml::node* n = t.get("id")) {
      s.id_column = rd.String(*n, key + ".id");
    } else if (identify) {
      s.id_column = "messageId";
    } else {
      rd.Fail(node, key + ".id", "missing: name the column that holds the source record id");
    }
    if (const toml::node* n = t.get("timestamp")) {
      s.timestamp_column = rd.String(*n, key + ".timestamp");
    } else if (identify) {
      s.timestamp_column = "timestamp";
    }
    if (const toml::node* n = t.get("fields")) {
      for (const auto& [column, target_node] : rd.Ordered(rd.Table(*n, key + ".fields"))) {
        const std::string target = rd.String(*target_node, key + ".fields." + column);
        if (auto k = c.FindKind(target)) {
          s.fields.push_back({column, true, *k});
        } else if (auto a = c.FindAttribute(target)) {
          s.fields.push_back({column, false, *a});
        } else {
          rd.Fail(target_node, key + ".fields." + column,
                  "\"" + target + "\" is neither a declared identifier kind nor an attribute");
        }
      }
    } else if (identify) {
      DefaultIdentifyFields(c, s);
    }
    if (const toml::node* n = t.get("required")) s.required = rd.Strings(*n, key + ".required");
    if (const toml::node* n = t.get("on_bad_value")) {
      s.on_bad_value = rd.Choice<BadValuePolicy>(
          *n, key + ".on_bad_value",
          {{"drop_value", BadValuePolicy::kDropValue}, {"reject_row", BadValuePolicy::kRejectRow}});
    }
    c.sources.push_back(std::move(s));
  }
  IDG_REQUIRE(!c.sources.empty(), origin + ": sources: declare at least one source");

  if (const toml::node* m = root.get("matching")) ParseMatching(rd, *m, c);
  if (const toml::node* server = root.get("server")) ParseServer(rd, *server, c);
  if (const toml::node* seg = root.get("segments")) {
    const toml::table& t = rd.Table(*seg, "segments");
    rd.NoUnknownKeys(t, "segments.", {"max_bitmap_values"});
    if (const toml::node* n = t.get("max_bitmap_values")) {
      c.segments.max_bitmap_values = rd.Count(*n, "segments.max_bitmap_values");
    }
  }

  // Junk values are compared with normalized values, so normalize them the same way.
  Normalizers norm(c.engine);
  std::string out;
  for (size_t k = 0; k < c.kinds.size(); ++k) {
    std::vector<std::string> normalized;
    for (size_t i = 0; i < c.kinds[k].junk.size(); ++i) {
      NormResult r = norm.Normalize(c.kinds[k].normalizer, c.kinds[k].junk[i], out);
      if (r.status == NormStatus::kInvalid) {
        rd.Fail(junk_raw[k].second, "kinds." + c.kinds[k].name + ".junk[" + std::to_string(i) + "]",
                "\"" + c.kinds[k].junk[i] + "\": " + r.reason);
      }
      if (r.status == NormStatus::kOk) normalized.push_back(out);
    }
    c.kinds[k].junk = std::move(normalized);
  }
  return c;
}

Config LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  IDG_REQUIRE(in.good(), path + ": cannot read the config file");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return ParseConfig(ss.str(), path, dir);
}

}  // namespace idg
