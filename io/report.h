// Human-readable and JSON summaries of a resolve job.
#pragma once

#include <string>

#include "io/job.h"
#include "match/eval.h"

namespace idg {

// The summary a terminal user reads: counts per source, guardrails, profiles, stage times.
// `top` bounds the lists (quarantined identifiers, largest profiles).
std::string SummaryText(const ResolvedGraph& g, size_t top = 10);

// The same facts as one JSON object, for scripts and benchmark records.
std::string SummaryJson(const ResolvedGraph& g, size_t top = 10);

// One profile for people: golden record, identifiers, member records.
std::string ProfileText(const ResolvedGraph& g, uint32_t profile_index, size_t max_members = 12);

std::string MetricsText(const PairMetrics& m);
std::string MetricsJson(const PairMetrics& m);

// 1234567 -> "1,234,567".
std::string Thousands(uint64_t n);

}  // namespace idg
