// End-to-end benchmark of segment counts (graph/segment_index.h) on generated profiles:
//
//   build/bench/segment_bench [PROFILES] [REPS] [OUT_DIR]     (defaults: 10000000 200 none)
//
// Builds a config in code (attributes country, city, age, birth_date, vip; kinds email, phone,
// device; sources web, crm, pos), generates PROFILES golden records with a seeded
// std::mt19937_64 (ids 1..PROFILES; a smaller run is a prefix of a larger one), and loads them
// with SegmentIndex::Apply in chunks of 100,000 (the load time is the sum of the Apply calls).
// Then each query of kQueries is parsed once, counted 5 times untimed and REPS times timed
// (steady_clock around each Count): count, p50 and p99 in microseconds. `now` is pinned to
// kToday so every run counts the same profiles. The memory of the index is Stats()'s bytes
// per profile, in all and per field, beside the growth of the resident set over the load.
//
// With OUT_DIR, the same golden records are also written there as raw little-endian columns,
// one file per column, row k = profile k + 1, for bench/segments_duckdb.py to load:
//   country.i32, city.i32   code into country.dict / city.dict (one value a line, line k =
//                           code k); -1: absent
//   age.i16                 -1: absent
//   birth_date.i32          days since 1970-01-01; INT32_MIN: absent
//   vip.u8                  0 false, 1 true, 255: absent
//   has_email.u8, has_phone.u8, has_device.u8, from_web.u8, from_crm.u8, from_pos.u8   0/1
//   records.u8              member records, 1-5
//   first_seen.i32, last_seen.i32   days since 1970-01-01 (UTC) of the member timestamps
// and OUT_DIR/idgraph.json gets the JSON this prints: per query its text, hand-written SQL of
// the same meaning over a table `profiles` of those columns (comparisons hold only for values
// that are there, as in segment queries), and the figures.
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/config.h"
#include "base/error.h"
#include "base/process.h"
#include "graph/segment_index.h"
#include "graph/segment_query.h"
#include "match/normalize.h"

namespace idg {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kToday = "2026-11-23";  // what `now` stands for, in idgraph and in SQL
constexpr uint64_t kSeed = 20261123;
constexpr size_t kChunk = 100'000;
constexpr int kWarmup = 5;

struct BenchQuery {
  const char* name;
  const char* text;  // segment query
  const char* sql;   // the same count over the column files (DATE '2026-11-23' is kToday)
};

// 1, 3 and 6 predicates; bitmaps (country, has, source), ranges (age, last_seen: many values
// each, answered from bitmaps or by reading columns) and a field
// with too many values for one bitmap each (birth_date: about 26,000 days, kept in buckets).
const BenchQuery kQueries[] = {
    {"q1_country", R"(country = "DE")", "SELECT count(*) FROM profiles WHERE country = 'DE'"},
    {"q1_recent", R"(last_seen > now - 30d)",
     "SELECT count(*) FROM profiles WHERE last_seen > DATE '2026-11-23' - 30"},
    {"q3_country_email_recent", R"(country = "DE" AND has(email) AND last_seen > now - 30d)",
     "SELECT count(*) FROM profiles WHERE country = 'DE' AND has_email AND "
     "last_seen > DATE '2026-11-23' - 30"},
    {"q3_country_email_pos", R"(country = "DE" AND has(email) AND source = "pos")",
     "SELECT count(*) FROM profiles WHERE country = 'DE' AND has_email AND from_pos"},
    {"q3_age_pos", R"(age >= 30 AND age <= 45 AND source = "pos")",
     "SELECT count(*) FROM profiles WHERE age >= 30 AND age <= 45 AND from_pos"},
    {"q6_mixed",
     R"(country IN ("DE", "AT", "CH") AND has(email) AND age >= 30 AND age <= 45 AND )"
     R"(source = "pos" AND NOT has(phone))",
     "SELECT count(*) FROM profiles WHERE country IN ('DE', 'AT', 'CH') AND has_email AND "
     "age >= 30 AND age <= 45 AND from_pos AND NOT has_phone"},
    {"q2_birth_date_vip", R"(birth_date >= "1990-01-01" AND vip = true)",
     "SELECT count(*) FROM profiles WHERE birth_date >= DATE '1990-01-01' AND vip = true"},
};

Config BenchConfig() {
  Config c;
  for (const char* k : {"email", "phone", "device"}) c.kinds.emplace_back().name = k;
  auto attr = [&](const char* name, Normalizer n, AttrType t) {
    AttributeConfig& a = c.attributes.emplace_back();
    a.name = name;
    a.normalizer = n;
    a.type = t;
  };
  attr("country", Normalizer::kUpper, AttrType::kString);
  attr("city", Normalizer::kLower, AttrType::kString);
  attr("age", Normalizer::kTrim, AttrType::kInteger);
  attr("birth_date", Normalizer::kDate, AttrType::kDate);
  attr("vip", Normalizer::kLower, AttrType::kBoolean);
  for (const char* s : {"web", "crm", "pos"}) c.sources.emplace_back().name = s;
  return c;
}

// Indices into BenchConfig's attributes, kinds and sources.
enum Attr : size_t { kCountry, kCity, kAge, kBirthDate, kVip, kAttrs };
enum Kind : int { kEmail, kPhone, kDevice };
enum Source : int { kWeb, kCrm, kPos };

std::string DayString(int64_t days) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buf;
}

// Cumulative weights 1/(k + offset) over n values: a Zipf-like skew.
std::vector<double> ZipfCdf(size_t n, double offset) {
  std::vector<double> cdf(n);
  double sum = 0;
  for (size_t k = 0; k < n; ++k) cdf[k] = sum += 1.0 / (double(k) + offset);
  for (double& x : cdf) x /= sum;
  return cdf;
}

// A chunk's profiles as the column files hold them (sentinels for absent values).
struct Columns {
  std::vector<int32_t> country, city, birth_date, first_seen, last_seen;
  std::vector<int16_t> age;
  std::vector<uint8_t> vip, has_email, has_phone, has_device, from_web, from_crm, from_pos, records;
};

// Draws golden records. The strings every row points to live here, as long as the generator.
class ProfileGen {
 public:
  explicit ProfileGen(int64_t today) : today_(today), rng_(kSeed) {
    // DE ~13 %, US ~10 %, FR ~8 %, ... (order = rank).
    countries_ = {"DE", "US", "FR", "GB", "IT", "ES", "NL", "PL", "AT", "CH",
                  "BE", "SE", "DK", "NO", "FI", "IE", "PT", "CZ", "HU", "RO",
                  "GR", "CA", "AU", "JP", "BR", "MX", "IN", "TR", "ZA", "NZ"};
    country_cdf_ = ZipfCdf(countries_.size(), 3);
    for (int k = 1; k <= 2000; ++k) cities_.push_back("city-" + std::to_string(k));
    city_cdf_ = ZipfCdf(cities_.size(), 10);
    for (int a = 0; a <= kMaxAge; ++a) ages_.push_back(std::to_string(a));
    first_birth_day_ = today - int64_t(std::ceil((kMaxAge + 1) * 365.2425));
    for (int64_t d = first_birth_day_; d <= today; ++d) birth_days_.push_back(DayString(d));
  }
  const std::vector<std::string>& countries() const { return countries_; }
  const std::vector<std::string>& cities() const { return cities_; }

  // Fills `row` (strings borrowed from this generator) and appends to `cols`.
  void Next(ProfileId id, SegmentRow& row, Columns& cols) {
    row.id = id;
    row.golden.assign(kAttrs, std::string_view());
    const int32_t country = Bernoulli(0.98) ? Pick(country_cdf_) : -1;
    const int32_t city = Bernoulli(0.95) ? Pick(city_cdf_) : -1;
    const int age = kMinAge + int(rng_() % (kMaxAge - kMinAge + 1));
    const bool has_age = Bernoulli(0.9);
    int32_t birth = INT32_MIN;
    if (Bernoulli(0.7)) {  // consistent with the age: between age and age + 1 years ago
      birth = int32_t(today_ - int64_t(age * 365.2425) - int64_t(rng_() % 365));
    }
    uint8_t vip = 255;
    if (Bernoulli(0.85)) vip = Bernoulli(0.06) ? 1 : 0;
    if (country >= 0) row.golden[kCountry] = countries_[country];
    if (city >= 0) row.golden[kCity] = cities_[city];
    if (has_age) row.golden[kAge] = ages_[age];
    if (birth != INT32_MIN) row.golden[kBirthDate] = birth_days_[birth - first_birth_day_];
    if (vip != 255) row.golden[kVip] = vip ? "true" : "false";

    // Records 1-5; each comes from one source (web 50 %, crm 30 %, pos 20 %).
    const double r = Uniform();
    row.records = r < 0.45 ? 1 : r < 0.70 ? 2 : r < 0.85 ? 3 : r < 0.95 ? 4 : 5;
    row.sources = 0;
    for (uint32_t k = 0; k < row.records; ++k) {
      const double s = Uniform();
      row.sources |= 1ull << (s < 0.5 ? kWeb : s < 0.8 ? kCrm : kPos);
    }
    row.kinds = (Bernoulli(0.7) ? 1ull << kEmail : 0) | (Bernoulli(0.5) ? 1ull << kPhone : 0) |
                (Bernoulli(0.35) ? 1ull << kDevice : 0);
    // Last seen within two years before the end of kToday, skewed to recent (~20 % in the
    // last 30 days); first seen up to the rest of that window earlier when several records.
    constexpr int64_t kSpan = 730 * 86400;
    const int64_t end = (today_ + 1) * 86400 - 1;
    const double u = Uniform();
    row.last_seen = end - int64_t(u * u * kSpan);
    row.first_seen =
        row.records > 1 ? row.last_seen - int64_t(Uniform() * double(row.last_seen - (end - kSpan)))
                        : row.last_seen;

    cols.country.push_back(country);
    cols.city.push_back(city);
    cols.age.push_back(int16_t(has_age ? age : -1));
    cols.birth_date.push_back(birth);
    cols.vip.push_back(vip);
    cols.has_email.push_back(row.kinds >> kEmail & 1);
    cols.has_phone.push_back(row.kinds >> kPhone & 1);
    cols.has_device.push_back(row.kinds >> kDevice & 1);
    cols.from_web.push_back(row.sources >> kWeb & 1);
    cols.from_crm.push_back(row.sources >> kCrm & 1);
    cols.from_pos.push_back(row.sources >> kPos & 1);
    cols.records.push_back(uint8_t(row.records));
    cols.first_seen.push_back(int32_t(DaysOf(row.first_seen)));
    cols.last_seen.push_back(int32_t(DaysOf(row.last_seen)));
  }

 private:
  static constexpr int kMinAge = 18, kMaxAge = 90;
  double Uniform() { return double(rng_() >> 11) * 0x1.0p-53; }
  bool Bernoulli(double p) { return Uniform() < p; }
  int32_t Pick(const std::vector<double>& cdf) {
    const auto it = std::upper_bound(cdf.begin(), cdf.end(), Uniform());
    return int32_t(std::min<size_t>(it - cdf.begin(), cdf.size() - 1));
  }

  int64_t today_;
  std::mt19937_64 rng_;
  std::vector<std::string> countries_, cities_, ages_, birth_days_;
  std::vector<double> country_cdf_, city_cdf_;
  int64_t first_birth_day_ = 0;
};

// Appends each chunk's columns to OUT_DIR/<name>.<type>.
class ColumnWriter {
 public:
  explicit ColumnWriter(const fs::path& dir) : dir_(dir) {}
  void Append(const Columns& c) {
    Put("country.i32", c.country);
    Put("city.i32", c.city);
    Put("age.i16", c.age);
    Put("birth_date.i32", c.birth_date);
    Put("vip.u8", c.vip);
    Put("has_email.u8", c.has_email);
    Put("has_phone.u8", c.has_phone);
    Put("has_device.u8", c.has_device);
    Put("from_web.u8", c.from_web);
    Put("from_crm.u8", c.from_crm);
    Put("from_pos.u8", c.from_pos);
    Put("records.u8", c.records);
    Put("first_seen.i32", c.first_seen);
    Put("last_seen.i32", c.last_seen);
  }
  void Dictionary(const char* name, const std::vector<std::string>& values) {
    std::ofstream out(dir_ / name);
    for (const std::string& v : values) out << v << '\n';
    IDG_REQUIRE(out.good(), "cannot write " + (dir_ / name).string());
  }

 private:
  template <typename T>
  void Put(const char* name, const std::vector<T>& v) {  // x86-64: little-endian as it stands
    std::ofstream& out = files_.try_emplace(name, dir_ / name, std::ios::binary).first->second;
    out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(T)));
    IDG_REQUIRE(out.good(), "cannot write " + (dir_ / name).string());
  }
  fs::path dir_;
  std::map<std::string, std::ofstream> files_;
};

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + '"';
}

std::string Fixed(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

int Main(int argc, char** argv) {
  const uint64_t profiles = argc > 1 ? std::stoull(argv[1]) : 10'000'000;
  const int reps = argc > 2 ? std::stoi(argv[2]) : 200;
  const fs::path out_dir = argc > 3 ? fs::path(argv[3]) : fs::path();
  IDG_REQUIRE(profiles > 0 && reps > 0, "PROFILES and REPS must be positive");
  if (!out_dir.empty()) fs::create_directories(out_dir);

  const Config config = BenchConfig();
  const Normalizers norm(config.engine);
  const int64_t today = *ParseDateDays(kToday);
  ProfileGen gen(today);
  std::optional<ColumnWriter> writer;
  if (!out_dir.empty()) {
    writer.emplace(out_dir);
    writer->Dictionary("country.dict", gen.countries());
    writer->Dictionary("city.dict", gen.cities());
  }

  // Load.
  const uint64_t rss_before = CurrentRssBytes();
  SegmentIndex index(config);
  std::vector<SegmentRow> rows(kChunk);
  Columns cols;
  double apply_s = 0;
  const auto wall = Clock::now();
  for (uint64_t first = 0; first < profiles; first += kChunk) {
    const size_t n = size_t(std::min<uint64_t>(kChunk, profiles - first));
    cols = Columns();
    for (size_t k = 0; k < n; ++k) gen.Next(ProfileId(first + k + 1), rows[k], cols);
    const auto t = Clock::now();
    index.Apply({}, std::span<const SegmentRow>(rows).first(n));
    apply_s += std::chrono::duration<double>(Clock::now() - t).count();
    if (writer) writer->Append(cols);
  }
  writer.reset();
  rows = {};
  cols = Columns();
  const double wall_s = std::chrono::duration<double>(Clock::now() - wall).count();
  const uint64_t rss_after = CurrentRssBytes();

  std::string out =
      "{\"profiles\": " + std::to_string(profiles) + ", \"reps\": " + std::to_string(reps) +
      ", \"warmup\": " + std::to_string(kWarmup) + ", \"today\": \"" + kToday +
      "\", \"chunk\": " + std::to_string(kChunk) +
      ", \"max_bitmap_values\": " + std::to_string(config.segments.max_bitmap_values) +
      ", \"apply_seconds\": " + Fixed(apply_s, 3) + ", \"load_wall_seconds\": " + Fixed(wall_s, 3) +
      ", \"apply_profiles_per_s\": " + Fixed(double(profiles) / apply_s, 0);

  const SegmentIndexStats stats = index.Stats();
  IDG_REQUIRE(stats.profiles == profiles, "the index holds " + std::to_string(stats.profiles) +
                                              " profiles, not " + std::to_string(profiles));
  out += ", \"index\": {\"bytes\": " + std::to_string(stats.bytes) +
         ", \"bytes_per_profile\": " + Fixed(double(stats.bytes) / double(profiles), 2) +
         ", \"rss_growth_per_profile\": " +
         Fixed((double(rss_after) - double(rss_before)) / double(profiles), 2) + ", \"fields\": [";
  for (size_t f = 0; f < stats.fields.size(); ++f) {
    const SegmentFieldStats& s = stats.fields[f];
    out += std::string(f ? ", " : "") + "{\"name\": " + JsonString(s.name) +
           ", \"values\": " + std::to_string(s.values) +
           ", \"bucket\": " + std::to_string(s.bucket) +
           ", \"bitmaps\": " + (s.bitmaps ? "true" : "false") +
           ", \"bytes\": " + std::to_string(s.bytes) +
           ", \"bytes_per_profile\": " + Fixed(double(s.bytes) / double(profiles), 2) + "}";
  }
  out += "]}, \"queries\": [";

  // Counts.
  // IDG_BENCH_QUERY=NAME runs only the queries whose name starts with NAME (for profiling).
  const char* only = std::getenv("IDG_BENCH_QUERY");
  bool first = true;
  for (size_t q = 0; q < std::size(kQueries); ++q) {
    const BenchQuery& bq = kQueries[q];
    if (only && !std::string_view(bq.name).starts_with(only)) continue;
    const SegmentQuery query = SegmentQuery::Parse(bq.text, config, norm);
    std::fprintf(stderr, "%s: %s\n", bq.name, query.text().c_str());
    const uint64_t count = index.Count(query, today);
    for (int k = 1; k < kWarmup; ++k) IDG_ASSERT(index.Count(query, today) == count);
    std::vector<double> us(static_cast<size_t>(reps));
    for (double& x : us) {
      const auto t = Clock::now();
      const uint64_t c = index.Count(query, today);
      x = std::chrono::duration<double, std::micro>(Clock::now() - t).count();
      IDG_ASSERT(c == count);
    }
    std::sort(us.begin(), us.end());
    out += std::string(first ? "" : ", ") + "{\"name\": " + JsonString(bq.name) +
           ", \"query\": " + JsonString(query.text()) +
           ", \"predicates\": " + std::to_string(query.predicates()) +
           ", \"sql\": " + JsonString(bq.sql) + ", \"count\": " + std::to_string(count) +
           ", \"p50_us\": " + Fixed(us[us.size() / 2], 1) +
           ", \"p99_us\": " + Fixed(us[us.size() * 99 / 100], 1) +
           ", \"min_us\": " + Fixed(us.front(), 1) + ", \"max_us\": " + Fixed(us.back(), 1) + "}";
    first = false;
  }
  out += "], \"peak_rss_bytes\": " + std::to_string(PeakRssBytes()) + "}\n";

  std::fputs(out.c_str(), stdout);
  if (!out_dir.empty()) {
    std::ofstream json(out_dir / "idgraph.json");
    json << out;
    IDG_REQUIRE(json.good(), "cannot write " + (out_dir / "idgraph.json").string());
  }
  return 0;
}

}  // namespace
}  // namespace idg

int main(int argc, char** argv) { return idg::Main(argc, argv); }
