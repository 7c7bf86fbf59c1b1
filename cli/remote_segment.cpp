#include "cli/remote_segment.h"

#include <cstdio>
#include <vector>

#include "cli/remote_format.h"
#include "rpc/client.h"

namespace idg::cli {
namespace {

void Print(const std::string& text) { std::fputs(text.c_str(), stdout); }

}  // namespace

SegmentCommands::SegmentCommands(CLI::App& app) {
  segment_ = app.add_subcommand("segment", "count and list profiles by a query (server)");
  segment_->require_subcommand(1);
  const char* query_help = "segment query, e.g. 'country = \"DE\" AND records >= 2' (quote it)";

  count_ = AddRemoteCommand(*segment_, "count", "how many profiles match a query", count_c_);
  count_->add_option("query", query_, query_help)->required();

  members_ = AddRemoteCommand(*segment_, "members",
                              "the ids of the profiles matching a query, ascending", members_c_);
  members_->add_option("query", query_, query_help)->required();
  members_->add_option("--limit", limit_, "ids a page (at most the server's max_batch)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  members_->add_option("--cursor", cursor_, "start above this id (a page's `next`)")
      ->capture_default_str();
  members_->add_flag("--all", all_, "every page, --limit ids a call");

  define_ = AddRemoteCommand(*segment_, "define",
                             "save a query under a name, or replace it (writer token)", define_c_);
  define_->add_option("name", name_, "1 to 128 of A-Z a-z 0-9 _ . -")->required();
  define_->add_option("query", query_, query_help)->required();

  list_ = AddRemoteCommand(*segment_, "list", "the saved segments, each counted now", list_c_);
}

bool SegmentCommands::Chosen() const { return segment_->parsed(); }

int SegmentCommands::Run() {
  if (count_->parsed()) return RunCount();
  if (members_->parsed()) return RunMembers();
  if (define_->parsed()) return RunDefine();
  if (list_->parsed()) return RunList();
  return 2;
}

int SegmentCommands::RunCount() {
  rpc::Client client(count_c_.server, count_c_.token);
  const uint64_t n = client.SegmentCount(query_);
  Print(count_c_.json ? "{\"count\":" + std::to_string(n) + "}\n" : std::to_string(n) + "\n");
  return 0;
}

// Text: one id a line, printed a page at a time; JSON: one object with every id fetched.
int SegmentCommands::RunMembers() {
  rpc::Client client(members_c_.server, members_c_.token);
  SegmentPage all;  // JSON: the pages together
  SegmentPage page;
  ProfileId cursor = cursor_;
  do {
    page = client.SegmentMembers(query_, limit_, cursor);
    if (members_c_.json) {
      all.ids.insert(all.ids.end(), page.ids.begin(), page.ids.end());
    } else {
      Print(SegmentIdsText(page.ids));
    }
    cursor = page.next;
  } while (all_ && cursor != 0);
  all.total = page.total;
  all.next = page.next;
  if (members_c_.json) {
    std::printf("%s\n", SegmentMembersJson(all).c_str());
  } else if (page.total == 0) {
    std::fputs("no profile matches\n", stderr);
  } else if (page.next != 0) {
    std::fprintf(stderr, "%zu ids shown, %llu match; the next page: --cursor %llu (or --all)\n",
                 page.ids.size(), static_cast<unsigned long long>(page.total),
                 static_cast<unsigned long long>(page.next));
  }
  return page.total == 0 ? 1 : 0;
}

int SegmentCommands::RunDefine() {
  rpc::Client client(define_c_.server, define_c_.token);
  const rpc::Segment s{name_, query_, client.DefineSegment(name_, query_)};
  Print(define_c_.json ? SegmentJson(s) + "\n"
                       : "segment " + s.name + " saved: " + std::to_string(s.count) +
                             (s.count == 1 ? " profile" : " profiles") + " match now\n");
  return 0;
}

int SegmentCommands::RunList() {
  rpc::Client client(list_c_.server, list_c_.token);
  const std::vector<rpc::Segment> segments = client.ListSegments();
  if (list_c_.json) {
    Print(SegmentsJson(segments) + "\n");
  } else if (segments.empty()) {
    std::fputs("no segments saved\n", stderr);
  } else {
    Print(SegmentsText(segments));
  }
  return 0;
}

}  // namespace idg::cli
