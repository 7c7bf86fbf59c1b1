#include "base/config.h"

namespace idg {
namespace {
template <typename Id, typename Vec>
std::optional<Id> FindByName(const Vec& items, std::string_view name) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == name) return static_cast<Id>(i);
  }
  return std::nullopt;
}
}  // namespace

std::optional<KindId> Config::FindKind(std::string_view name) const {
  return FindByName<KindId>(kinds, name);
}
std::optional<AttrId> Config::FindAttribute(std::string_view name) const {
  return FindByName<AttrId>(attributes, name);
}
std::optional<SourceId> Config::FindSource(std::string_view name) const {
  return FindByName<SourceId>(sources, name);
}

}  // namespace idg
