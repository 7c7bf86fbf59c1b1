// The engine's configuration as plain values. io/config_loader.h reads it from TOML;
// tests build it directly. Nothing here touches files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/compare_method.h"
#include "base/ids.h"

namespace idg {

// How a raw value becomes its canonical form (match/normalize.h implements each).
enum class Normalizer : uint8_t {
  kNone,      // keep as is
  kTrim,      // trim surrounding whitespace
  kLower,     // trim + ASCII/Unicode lowercase
  kUpper,     // trim + uppercase
  kEmail,     // trim, lowercase, must look like local@domain
  kPhone,     // E.164 ("+14155552671"), default region from EngineConfig
  kName,      // Unicode NFKC, case fold, strip accents, collapse spaces
  kStreet,    // as kName, then street types and directions abbreviated (Street -> st)
  kDate,      // common formats -> ISO "YYYY-MM-DD"
  kPostcode,  // uppercase, canonical spacing
};

enum class DateOrder : uint8_t { kMDY, kDMY, kYMD };

// An identifier kind: email, phone, customer_id, device_id, ...
struct KindConfig {
  std::string name;
  Normalizer normalizer = Normalizer::kTrim;
  bool deterministic = true;  // records sharing a value are one person
  bool unique = false;        // at most one value per profile: merge protection
  uint32_t max_records = 0;   // fan-out cap: more records than this -> quarantined (0 = no cap)
  std::vector<std::string> junk;  // normalized values that never link
};

enum class Survivorship : uint8_t { kMostRecent, kMostFrequent, kSourcePriority };

// What a golden value means to segment queries (graph/segment_query.h): strings compare
// bytewise, integers and dates ("YYYY-MM-DD", day resolution) by value, booleans are
// true/false. A golden value that does not parse as its type counts as absent.
enum class AttrType : uint8_t { kString, kInteger, kDate, kBoolean };

struct AttributeConfig {
  std::string name;
  Normalizer normalizer = Normalizer::kTrim;
  Survivorship survivorship = Survivorship::kMostRecent;
  AttrType type = AttrType::kString;
  bool segment = true;  // indexed for segment queries (graph/segment_index.h)
};

enum class InputFormat : uint8_t { kCsv, kJsonl, kIdentify };

// What to do with a value that fails normalization (an unparseable phone, say).
enum class BadValuePolicy : uint8_t { kDropValue, kRejectRow };

// Where a field of a source goes: an identifier kind or an attribute.
struct FieldMapping {
  std::string column;   // CSV header name, or dotted JSON path ("traits.email")
  bool is_identifier;   // true: kind index; false: attribute index
  uint16_t target;
};

struct SourceConfig {
  std::string name;
  InputFormat format = InputFormat::kCsv;
  std::string path;             // input file; may be overridden on the command line
  std::string delimiter = ",";  // CSV only; may be several characters (", " in FEBRL)
  char quote = '"';             // CSV only
  std::string id_column;        // source_record_id; required in every row
  std::string timestamp_column; // optional; empty = none
  std::vector<FieldMapping> fields;
  std::vector<std::string> required;  // further columns that must be present and non-empty
  BadValuePolicy on_bad_value = BadValuePolicy::kDropValue;
  int priority = 0;  // lower wins under source-priority survivorship (order in config)
};

// How a blocking key is made from an attribute value (match/blocking.h).
enum class KeyTransform : uint8_t {
  kExact,    // the value itself
  kPrefix,   // its first `length` bytes
  kSoundex,  // its Soundex code (names)
  kYear,     // the first four bytes of an ISO date
};

// Probabilistic matching: blocking rules, comparisons, and the link threshold.
struct MatchingConfig {
  struct Part {
    AttrId attr;
    KeyTransform transform = KeyTransform::kExact;
    uint8_t length = 0;  // for kPrefix
  };
  struct Rule {
    std::string name;  // as written in the config
    std::vector<Part> parts;
  };
  struct Comparison {
    AttrId attr;
    CompareMethod method = CompareMethod::kJaroWinkler;
    std::vector<float> thresholds;
    bool term_frequency = false;  // exact agreement on a rare value weighs more
  };
  bool enabled = false;
  double threshold = 0.5;          // match probability at or above which a pair links
  uint32_t max_block_size = 500;   // larger blocks are skipped and counted
  uint64_t random_pairs = 1000000; // sampled to estimate u
  uint64_t seed = 42;
  int em_iterations = 100;
  bool strict_clustering = false;  // see graph/resolver.h ClusteringOptions
  std::vector<Rule> blocking;
  std::vector<Comparison> comparisons;
};

struct EngineConfig {
  std::string default_region = "US";  // for phones without a country code
  DateOrder date_order = DateOrder::kMDY;
};

// What a token may do over RPC (DESIGN.md decision 6). Roles are cumulative: a writer also
// reads, an admin also writes.
enum class Role : uint8_t { kReader, kWriter, kAdmin };

struct TokenConfig {
  std::string token;
  Role role = Role::kReader;
};

// The real-time service (rpc/).
struct ServerConfig {
  std::string listen = "127.0.0.1:7420";  // HOST:PORT; port 0 takes a free port
  uint32_t threads = 0;                   // event-loop threads; 0 = one per core
  // A loop polls its sockets, without sleeping, until this long passes with no read
  // (rpc/busy_poll.h); 0 = sleeps whenever idle.
  uint32_t poll_us = 200;
  uint32_t max_batch = 10000;             // most records per ingest, keys per lookup batch
  uint64_t max_message_bytes = 64ull << 20;  // largest request the server reads
  std::vector<TokenConfig> tokens;        // no tokens: nobody can log in
};

// Segment indexes (graph/segment_index.h).
struct SegmentsConfig {
  // A field keeps one bitmap per distinct value while it has at most this many values; past
  // that it is answered from its column alone (scans).
  uint32_t max_bitmap_values = 4096;
};

struct Config {
  EngineConfig engine;
  std::vector<KindConfig> kinds;
  std::vector<AttributeConfig> attributes;
  std::vector<SourceConfig> sources;
  MatchingConfig matching;
  ServerConfig server;
  SegmentsConfig segments;

  std::optional<KindId> FindKind(std::string_view name) const;
  std::optional<AttrId> FindAttribute(std::string_view name) const;
  std::optional<SourceId> FindSource(std::string_view name) const;
};

}  // namespace idg
