// Configs are compared member by member. Each config struct is taken apart with a structured
// binding that names every member: a struct that gains a member stops compiling here, so a
// new setting cannot slip past the comparison (and be "reloaded" without effect) unnoticed.
#include "rpc/config_reload.h"

#include <algorithm>
#include <tuple>
#include <type_traits>
#include <utility>

#include "base/error.h"
#include "io/config_loader.h"

namespace idg::rpc {
namespace {

// ---- each config struct as a tuple of references to its members -------------------------

auto Members(const EngineConfig& x) {
  const auto& [default_region, date_order] = x;
  return std::tie(default_region, date_order);
}
auto Members(const KindConfig& x) {
  const auto& [name, normalizer, deterministic, unique, max_records, junk] = x;
  return std::tie(name, normalizer, deterministic, unique, max_records, junk);
}
auto Members(const AttributeConfig& x) {
  const auto& [name, normalizer, survivorship, type, segment] = x;
  return std::tie(name, normalizer, survivorship, type, segment);
}
auto Members(const FieldMapping& x) {
  const auto& [column, is_identifier, target] = x;
  return std::tie(column, is_identifier, target);
}
auto Members(const SourceConfig& x) {
  const auto& [name, format, path, delimiter, quote, id_column, timestamp_column, fields, required,
               on_bad_value, priority] = x;
  return std::tie(name, format, path, delimiter, quote, id_column, timestamp_column, fields,
                  required, on_bad_value, priority);
}
auto Members(const MatchingConfig::Part& x) {
  const auto& [attr, transform, length] = x;
  return std::tie(attr, transform, length);
}
auto Members(const MatchingConfig::Rule& x) {
  const auto& [name, parts] = x;
  return std::tie(name, parts);
}
auto Members(const MatchingConfig::Comparison& x) {
  const auto& [attr, method, thresholds, term_frequency] = x;
  return std::tie(attr, method, thresholds, term_frequency);
}
auto Members(const MatchingConfig& x) {
  const auto& [enabled, threshold, max_block_size, random_pairs, seed, em_iterations,
               strict_clustering, blocking, comparisons] = x;
  return std::tie(enabled, threshold, max_block_size, random_pairs, seed, em_iterations,
                  strict_clustering, blocking, comparisons);
}
auto Members(const TokenConfig& x) {
  const auto& [token, role] = x;
  return std::tie(token, role);
}
auto Members(const SegmentsConfig& x) {
  const auto& [max_bitmap_values] = x;
  return std::tie(max_bitmap_values);
}

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};

template <typename T>
bool Same(const T& a, const T& b);

template <typename Tuple, size_t... I>
bool SameMembers(const Tuple& a, const Tuple& b, std::index_sequence<I...>) {
  return (Same(std::get<I>(a), std::get<I>(b)) && ...);
}

// Values, vectors element by element, config structs member by member.
template <typename T>
bool Same(const T& a, const T& b) {
  if constexpr (IsVector<T>::value) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const auto& x, const auto& y) { return Same(x, y); });
  } else if constexpr (requires { Members(a); }) {
    const auto members = Members(a);
    return SameMembers(members, Members(b),
                       std::make_index_sequence<std::tuple_size_v<decltype(members)>>{});
  } else {
    return a == b;
  }
}

bool Reloadable(const std::string& setting) {
  return setting == "server.tokens" || setting == "server.max_batch";
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::vector<std::string> ConfigDifferences(const Config& a, const Config& b) {
  // Every section by name: a new one stops this from compiling until it is listed.
  const auto& [engine, kinds, attributes, sources, matching, server, segments] = a;
  const auto& [listen, threads, poll_us, max_batch, max_message_bytes, tokens] = server;
  std::vector<std::string> out;
  auto check = [&out](const auto& x, const auto& y, const char* name) {
    if (!Same(x, y)) out.emplace_back(name);
  };
  check(engine, b.engine, "engine");
  check(kinds, b.kinds, "kinds");
  check(attributes, b.attributes, "attributes");
  check(sources, b.sources, "sources");
  check(matching, b.matching, "matching");
  check(listen, b.server.listen, "server.listen");
  check(threads, b.server.threads, "server.threads");
  check(poll_us, b.server.poll_us, "server.poll_us");
  check(max_batch, b.server.max_batch, "server.max_batch");
  check(max_message_bytes, b.server.max_message_bytes, "server.max_message_bytes");
  check(tokens, b.server.tokens, "server.tokens");
  check(segments, b.segments, "segments");
  return out;
}

LiveSettings::LiveSettings(const ServerConfig& server, std::optional<ConfigFile> file)
    : file_(std::move(file)),
      tokens_(std::make_shared<const std::vector<TokenConfig>>(server.tokens)),
      max_batch_(server.max_batch) {
  if (file_) running_ = file_->started;
  running_.server = server;
}

std::shared_ptr<const std::vector<TokenConfig>> LiveSettings::tokens() const {
  std::lock_guard lock(tokens_mutex_);
  return tokens_;
}

std::vector<std::string> LiveSettings::Reload() {
  IDG_REQUIRE(file_.has_value(), "no config file to reload");
  std::lock_guard lock(reload_mutex_);
  Config fresh = LoadConfig(file_->path);
  if (file_->adjust) file_->adjust(fresh);
  const std::vector<std::string> changed = ConfigDifferences(running_, fresh);
  std::vector<std::string> restart;
  for (const std::string& setting : changed) {
    if (!Reloadable(setting)) restart.push_back(setting);
  }
  IDG_REQUIRE(restart.empty(), file_->path + ": " + Join(restart) +
                                   " changed, which takes a restart of the server; nothing "
                                   "was applied (only server.tokens and server.max_batch "
                                   "reload)");
  running_.server.tokens = fresh.server.tokens;
  running_.server.max_batch = fresh.server.max_batch;
  auto tokens = std::make_shared<const std::vector<TokenConfig>>(std::move(fresh.server.tokens));
  {
    std::lock_guard tokens_lock(tokens_mutex_);
    tokens_.swap(tokens);
  }
  max_batch_.store(fresh.server.max_batch, std::memory_order_relaxed);
  return changed;  // `tokens` (the old list) is released here, outside the lock
}

std::string ReloadedLine(const std::vector<std::string>& applied) {
  return "config reloaded: " + (applied.empty() ? std::string("nothing changed") : Join(applied));
}

}  // namespace idg::rpc
