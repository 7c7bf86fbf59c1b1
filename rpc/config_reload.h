// Reloading a running server's config file (Admin.reloadConfig, SIGHUP to `idgraph serve`):
// what changed between two configs, and the settings a server may change while it serves,
// `[server] tokens` and `max_batch`. Everything else takes a restart. Plain C++.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/config.h"

namespace idg::rpc {

// The config file a server was started from.
struct ConfigFile {
  std::string path;  // re-read by each reload (io/config_loader.h LoadConfig)
  Config started;    // as read from `path` then adjusted: what the server runs with
  // The command line's overrides (source paths, listen address, threads), applied to every
  // re-read so that they do not count as changes; may be empty. Called on the reloading
  // thread; may throw idg::Error.
  std::function<void(Config&)> adjust;
};

// The settings of `b` that differ from `a`, in config order: a section name for a section of
// the engine ("engine", "kinds", "attributes", "sources", "matching", "segments"), and
// "server.KEY" for a key of [server] ("server.listen", "server.threads", "server.max_batch",
// "server.max_message_bytes", "server.tokens"). Empty when they are the same. Lists (kinds,
// sources, tokens, ...) compare in order.
std::vector<std::string> ConfigDifferences(const Config& a, const Config& b);

// The reloadable settings of one server and the file they come from. The event-loop threads
// read them while a reload replaces them: every method is thread-safe, and reloads run one at
// a time.
class LiveSettings {
 public:
  // `server`: what the server runs with (it replaces `file->started.server`); `file`: where
  // reloads read, none for a server started from a Config in memory.
  LiveSettings(const ServerConfig& server, std::optional<ConfigFile> file);

  uint32_t max_batch() const { return max_batch_.load(std::memory_order_relaxed); }
  // The token list as of the call; a reload replaces it and leaves this one alone.
  std::shared_ptr<const std::vector<TokenConfig>> tokens() const;

  // Re-reads the file and applies what changed of `[server] tokens` and `max_batch`; returns
  // the names of the settings applied ("server.tokens", "server.max_batch"), empty when
  // nothing changed. Throws idg::Error, applying nothing, when the server has no file ("no
  // config file to reload"), when the file does not read or parse (the loader's message:
  // file, line, key), or when anything else differs (the message names it and says that it
  // takes a restart). Reads the file on the calling thread.
  std::vector<std::string> Reload();

 private:
  const std::optional<ConfigFile> file_;
  std::mutex reload_mutex_;  // one reload at a time; guards running_
  Config running_;           // the config the server runs with, reloads included
  mutable std::mutex tokens_mutex_;
  std::shared_ptr<const std::vector<TokenConfig>> tokens_;  // guarded by tokens_mutex_
  std::atomic<uint32_t> max_batch_;
};

// What a reload did, as one line for a person: "config reloaded: server.tokens" or
// "config reloaded: nothing changed".
std::string ReloadedLine(const std::vector<std::string>& applied);

}  // namespace idg::rpc
