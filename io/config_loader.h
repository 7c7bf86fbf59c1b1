// Reads the engine configuration from TOML (docs/config.md describes every key).
#pragma once

#include <string>
#include <string_view>

#include "base/config.h"

namespace idg {

// Parses TOML text. `origin` names it in errors ("idgraph.toml"); relative source paths are
// resolved against `base_dir`. Junk values are normalized with their kind's normalizer.
// Throws idg::Error naming the file, line and key, and what was expected.
Config ParseConfig(std::string_view toml_text, const std::string& origin,
                   const std::string& base_dir);

// Reads and parses a TOML file; relative source paths are resolved against its folder.
Config LoadConfig(const std::string& path);

}  // namespace idg
