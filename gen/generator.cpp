#include "gen/generator.h"

#include <tbb/concurrent_queue.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "gen/example_config.h"
#include "gen/people.h"
#include "gen/rows.h"

namespace idg {
namespace {

// A file being written. Every failure throws idg::Error naming the path.
class OutFile {
 public:
  explicit OutFile(std::filesystem::path path)
      : path_(std::move(path)), file_(std::fopen(path_.c_str(), "wb")) {
    if (file_ == nullptr) Fail();
  }
  ~OutFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;

  void Write(std::string_view text) {
    if (text.empty()) return;
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) Fail();
    bytes_ += text.size();
  }

  void Close() {
    std::FILE* file = file_;
    file_ = nullptr;
    if (std::fclose(file) != 0) Fail();
  }

  uint64_t bytes() const { return bytes_; }

 private:
  [[noreturn]] void Fail() const {
    throw Error("gen: cannot write " + path_.string() + ": " + std::strerror(errno));
  }

  std::filesystem::path path_;
  std::FILE* file_;
  uint64_t bytes_ = 0;
};

}  // namespace

GenSummary Generate(const GenOptions& options,
                    const std::function<void(uint64_t, uint64_t)>& progress) {
  IDG_REQUIRE(!options.out_dir.empty(), "gen: no output directory given");
  const detail::GenPlan plan = detail::MakePlan(options.records, options.seed);
  const std::filesystem::path dir(options.out_dir);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  IDG_REQUIRE(!error, "gen: cannot create directory " + options.out_dir + ": " + error.message());

  // Same order as BlockText::rows, then truth.
  OutFile crm(dir / "crm.csv"), pos(dir / "pos.csv"), support(dir / "support.csv"),
      web(dir / "web.jsonl"), truth(dir / "truth.csv");
  OutFile* const sources[detail::kSourceCount] = {&crm, &pos, &support, &web};
  crm.Write(detail::kCrmHeader);
  pos.Write(detail::kPosHeader);
  support.Write(detail::kSupportHeader);
  truth.Write(detail::kTruthHeader);

  GenSummary summary;
  uint64_t next_block = 0;
  tbb::enumerable_thread_specific<detail::Block> blocks;  // reused buffers, one per thread
  // Each block in flight holds one BlockText; they are recycled so that their pages stay
  // mapped (memory: about tokens * 8 MB).
  const auto tokens = static_cast<size_t>(2 * tbb::this_task_arena::max_concurrency());
  std::vector<std::unique_ptr<detail::BlockText>> texts;
  tbb::concurrent_queue<detail::BlockText*> free_texts;
  for (size_t i = 0; i < tokens; ++i) {
    free_texts.push(texts.emplace_back(std::make_unique<detail::BlockText>()).get());
  }
  tbb::parallel_pipeline(
      tokens, tbb::make_filter<void, uint64_t>(tbb::filter_mode::serial_in_order,
                                               [&](tbb::flow_control& control) -> uint64_t {
                                                 if (next_block == plan.blocks) control.stop();
                                                 return next_block++;
                                               }) &
                  tbb::make_filter<uint64_t, detail::BlockText*>(
                      tbb::filter_mode::parallel,
                      [&](uint64_t index) {
                        detail::BlockText* text = nullptr;
                        const bool popped = free_texts.try_pop(text);
                        IDG_ASSERT(popped);  // at most `tokens` blocks are in flight
                        detail::Rng rng(plan.seed, index);
                        detail::Block& block = blocks.local();
                        detail::MakeBlock(plan, index, rng, block);
                        detail::FormatBlock(plan, block, rng, *text);
                        return text;
                      }) &
                  tbb::make_filter<detail::BlockText*, void>(
                      tbb::filter_mode::serial_in_order, [&](detail::BlockText* text) {
                        for (int s = 0; s < detail::kSourceCount; ++s) {
                          sources[s]->Write(text->rows[s]);
                          summary.per_source[s] += text->records[s];
                          summary.records += text->records[s];
                        }
                        truth.Write(text->truth);
                        summary.people += text->people;
                        free_texts.push(text);
                        if (progress) progress(summary.records, plan.records);
                      }));
  IDG_ASSERT(summary.records == plan.records);

  OutFile config(dir / "idgraph.toml");
  config.Write(std::string_view(kExampleConfig, sizeof kExampleConfig - 1));
  for (OutFile* file : {&crm, &pos, &support, &web, &truth, &config}) {
    file->Close();
    summary.bytes += file->bytes();
  }
  return summary;
}

}  // namespace idg
