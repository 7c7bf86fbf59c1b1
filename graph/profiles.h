// Profiles: the components of a resolution with stable ProfileIds (DESIGN.md decision 4).
//
// Given each record's ProfileId from an earlier resolution, a new component keeps the old id
// with which it shares the most records (ties: smaller old id), each old id going to at most
// one component; the rest get fresh ids. Merges (one profile now holds records of several old
// ones) and splits (an old profile's records now lie in several) are reported.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/ids.h"

namespace idg {

struct ProfileMerge {
  ProfileId survivor;               // the id the merged profile has now
  std::vector<ProfileId> absorbed;  // earlier ids that no longer exist, ascending
};

struct ProfileSplit {
  ProfileId from;                // the earlier profile
  std::vector<ProfileId> parts;  // ids of the profiles that now hold its records, ascending
};

class Profiles {
 public:
  // `component`: per record, its representative (smallest RecordId of its component).
  // `previous`: empty, or per record its earlier ProfileId (kNoProfile for new records).
  // Fresh ids start at `first_free` or after the largest earlier id, whichever is larger.
  static Profiles Build(std::span<const RecordId> component, std::span<const ProfileId> previous,
                        ProfileId first_free = 1);

  size_t size() const { return ids_.size(); }  // number of profiles
  ProfileId id(uint32_t index) const { return ids_[index]; }
  uint32_t index_of(RecordId r) const { return index_of_[r]; }
  ProfileId profile_of(RecordId r) const { return ids_[index_of_[r]]; }
  // Hints that profile_of(r) will be asked soon (a random access on large graphs).
  void Prefetch(RecordId r) const { __builtin_prefetch(&ids_[index_of_[r]]); }
  // The profile's records, ascending.
  std::span<const RecordId> members(uint32_t index) const {
    return {members_.data() + member_begin_[index], members_.data() + member_begin_[index + 1]};
  }
  ProfileId next_free() const { return next_free_; }
  // The index of a ProfileId, by binary search over ids (not stored sorted: see find).
  std::optional<uint32_t> find(ProfileId id) const;

  // Indices of the `k` largest profiles, largest first (ties: smaller id first).
  std::vector<uint32_t> Largest(size_t k) const;
  // Number of profiles of each size: histogram[s] for s < histogram.size()-1, the last bucket
  // counts all larger ones.
  std::vector<uint64_t> SizeHistogram(size_t buckets) const;

  const std::vector<ProfileMerge>& merges() const { return merges_; }
  const std::vector<ProfileSplit>& splits() const { return splits_; }

 private:
  std::vector<ProfileId> ids_;           // per profile index; indices follow the smallest record
  std::vector<uint32_t> index_of_;       // per record
  std::vector<uint64_t> member_begin_;   // size() + 1
  std::vector<RecordId> members_;
  std::vector<uint32_t> by_id_;          // profile indices sorted by id, for find
  ProfileId next_free_ = 1;
  std::vector<ProfileMerge> merges_;
  std::vector<ProfileSplit> splits_;
};

}  // namespace idg
