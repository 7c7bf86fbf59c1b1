// `idgraph serve` and the client subcommands as a user runs them: the binary in its own
// process on a free loopback port, the subcommands through a shell (re-resolution among them),
// SIGHUP to reload its config, SIGTERM to stop it.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::Contains;
using test::TempDir;

const std::string kBin = IDG_IDGRAPH_BIN;

std::string Config(const std::string& dir) {
  return "[kinds.email]\nnormalizer = \"email\"\n"
         "[kinds.phone]\nnormalizer = \"phone\"\n"
         "[attributes]\nfirst_name = { normalizer = \"name\" }\n"
         "[sources.crm]\nformat = \"jsonl\"\npath = \"" +
         dir +
         "/crm.jsonl\"\nid = \"id\"\n"
         "fields = { email = \"email\", phone = \"phone\", first_name = \"first_name\" }\n"
         "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 1\n"
         "tokens = [{ token = \"r\", role = \"reader\" }, { token = \"a\", role = \"admin\" }]\n";
}

// `idgraph serve ARGS` in a child process, its stdout and stderr read up to the address it
// listens on.
class Served {
 public:
  explicit Served(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    std::vector<std::string> all = {kBin, "serve"};
    all.insert(all.end(), args.begin(), args.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv;
      for (std::string& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(kBin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
    while (address_.empty() && ReadSome(30000)) {
      const size_t at = output_.find("listening on ");
      if (at == std::string::npos) continue;
      const size_t end = output_.find(' ', at + 13);
      if (end != std::string::npos) address_ = output_.substr(at + 13, end - at - 13);
    }
  }
  ~Served() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }

  const std::string& address() const { return address_; }

  // Sends `signal`, waits for the exit; returns the exit code (-1 when killed by a signal)
  // and leaves the rest of the output in output().
  int Stop(int signal) {
    ::kill(pid_, signal);
    while (ReadSome(30000)) {
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  const std::string& output() const { return output_; }

  void Signal(int signal) const { ::kill(pid_, signal); }
  // Reads on until the output holds a whole line starting with `prefix` after `from` (an
  // offset into output()) and returns it without its newline; "" when the child ends or is
  // silent for 30 s first.
  std::string WaitForLine(const std::string& prefix, size_t from) {
    size_t at;
    while ((at = output_.find(prefix, from)) == std::string::npos) {
      if (!ReadSome(30000)) return "";
    }
    size_t end;
    while ((end = output_.find('\n', at)) == std::string::npos) {
      if (!ReadSome(30000)) return "";
    }
    return output_.substr(at, end - at);
  }

 private:
  // Appends what the child wrote; false at its end or after `ms` without output.
  bool ReadSome(int ms) {
    pollfd p{out_, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::read(out_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
  std::string address_;
};

struct Ran {
  int code;
  std::string output;  // stdout and stderr
};

// Runs `idgraph ARGS` through the shell, `env` (VAR=value ...) set.
Ran Idgraph(const std::string& args, const std::string& env = "") {
  const std::string cmd = env + " " + kBin + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(Serve, EmptyServerTakesIngestAndAnswersEveryCommand) {
  TempDir dir;
  const std::string config = dir.Write("idgraph.toml", Config(dir.str()));
  const std::string input = dir.Write(
      "in.jsonl",
      "{\"source\":\"crm\",\"id\":\"c1\",\"timestamp\":1700000000,"
      "\"identifiers\":{\"email\":\"Ann@X.com\"},\"attributes\":{\"first_name\":\"Ann\"}}\n"
      "{\"source\":\"crm\",\"id\":\"c2\",\"identifiers\":{\"email\":\"ann@x.com\","
      "\"phone\":\"+1 415 555 2671\"}}\n"
      "{\"source\":\"crm\",\"id\":\"c3\",\"identifiers\":{\"phone\":\"(415) 555-2671\"}}\n"
      "{\"source\":\"crm\",\"id\":\"c4\",\"identifiers\":{\"email\":{\"at\":\"x.com\"}}}\n"
      "{\"source\":\"erp\",\"id\":\"e1\",\"identifiers\":{\"email\":\"e@x.com\"}}\n");
  Served served({"-c", config, "--empty"});
  ASSERT_FALSE(served.address().empty()) << served.output();
  const std::string srv = " --server " + served.address();

  // Line 4 is malformed and line 5 rejected; the others go in, and the exit code says so.
  Ran ingest = Idgraph("ingest " + input + srv + " --token a");
  EXPECT_EQ(ingest.code, 1) << ingest.output;
  EXPECT_TRUE(Contains(ingest.output, "3 records ingested"));
  EXPECT_TRUE(Contains(ingest.output, input + ":4: identifiers.email: expected a string"));
  EXPECT_TRUE(Contains(ingest.output, input + ":5: source: "));
  EXPECT_TRUE(Contains(ingest.output, "(record rejected)"));

  Ran lookup = Idgraph("lookup email ' ANN@x.com '" + srv + " --token r");
  EXPECT_EQ(lookup.code, 0) << lookup.output;
  EXPECT_TRUE(Contains(lookup.output, "3 records"));
  EXPECT_TRUE(Contains(lookup.output, "phone: +14155552671"));
  EXPECT_TRUE(Contains(lookup.output, "first_name: ann"));
  Ran json = Idgraph("lookup --json phone 4155552671" + srv + " --token r");
  EXPECT_EQ(json.code, 0) << json.output;
  EXPECT_TRUE(Contains(json.output, "{\"normalized\":\"+14155552671\",\"profiles\":[{\"id\":"));
  EXPECT_TRUE(Contains(json.output, "\"records\":3}]}"));
  Ran missing = Idgraph("lookup email nobody@x.com" + srv + " --token r");
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(Contains(missing.output, "no profile holds email nobody@x.com"));

  Ran profile = Idgraph("profile 1" + srv + " --token r");
  EXPECT_EQ(profile.code, 0) << profile.output;
  EXPECT_TRUE(Contains(profile.output, "crm:c1"));
  EXPECT_EQ(Idgraph("profile 999" + srv + " --token r").code, 1);

  Ran explain = Idgraph("explain crm:c1 crm:c3" + srv + " --token r");
  EXPECT_EQ(explain.code, 0) << explain.output;
  EXPECT_TRUE(Contains(explain.output, "crm:c1 -> crm:c2: share email ann@x.com"));
  EXPECT_TRUE(Contains(explain.output, "crm:c2 -> crm:c3: share phone +14155552671"));
  Ran tree = Idgraph("explain --profile 1 --json" + srv + " --token r");
  EXPECT_EQ(tree.code, 0) << tree.output;
  EXPECT_TRUE(Contains(tree.output, "\"edges\":[{\"a\":0,\"b\":1,"));
  EXPECT_EQ(Idgraph("explain crm:c1 crm:nope" + srv + " --token r").code, 1);

  Ran stats = Idgraph("stats --json", "IDGRAPH_SERVER=" + served.address() + " IDGRAPH_TOKEN=r");
  EXPECT_EQ(stats.code, 0) << stats.output;
  EXPECT_TRUE(Contains(stats.output, "{\"records\":3,"));

  // Readers may not erase; admins may.
  Ran refused = Idgraph("erase email ann@x.com" + srv + " --token r");
  EXPECT_EQ(refused.code, 1);
  EXPECT_TRUE(Contains(refused.output, "permission denied"));
  Ran erase = Idgraph("erase email ann@x.com" + srv + " --token a");
  EXPECT_EQ(erase.code, 0) << erase.output;
  EXPECT_TRUE(Contains(erase.output, "3 records"));
  EXPECT_EQ(Idgraph("lookup phone +14155552671" + srv + " --token r").code, 1);
  EXPECT_EQ(Idgraph("erase --profile 1" + srv + " --token a").code, 1);  // nothing left to erase

  EXPECT_EQ(served.Stop(SIGTERM), 0);
  EXPECT_TRUE(Contains(served.output(), "stopped (SIGTERM)"));
}

TEST(Serve, LoadsTheSourcesAndStopsOnSigint) {
  TempDir dir;
  dir.Write("crm.jsonl",
            "{\"id\":\"c1\",\"email\":\"ann@x.com\"}\n{\"id\":\"c2\",\"email\":\"ANN@x.com\"}\n");
  const std::string config = dir.Write("idgraph.toml", Config(dir.str()));
  Served served({"-c", config});
  ASSERT_FALSE(served.address().empty()) << served.output();
  EXPECT_TRUE(Contains(served.output(), "2 records in 1 profiles"));
  Ran lookup = Idgraph("lookup email ann@x.com --server " + served.address() + " --token r");
  EXPECT_EQ(lookup.code, 0) << lookup.output;
  EXPECT_TRUE(Contains(lookup.output, ": 2 records"));
  EXPECT_EQ(served.Stop(SIGINT), 0);
  EXPECT_TRUE(Contains(served.output(), "stopped (SIGINT)"));
}

TEST(Serve, SegmentSubcommands) {
  TempDir dir;
  std::string toml = Config(dir.str());
  const std::string attrs = "[attributes]\n";
  toml.insert(toml.find(attrs) + attrs.size(), "age = { type = \"integer\" }\n");
  const std::string config = dir.Write("idgraph.toml", toml);
  // ann (two records, 34), bob (51), cid (19), dee (no age).
  const std::string input =
      dir.Write("in.jsonl",
                "{\"source\":\"crm\",\"id\":\"c1\",\"identifiers\":{\"email\":\"ann@x.com\"},"
                "\"attributes\":{\"age\":\"34\"}}\n"
                "{\"source\":\"crm\",\"id\":\"c2\",\"identifiers\":{\"email\":\"ann@x.com\"}}\n"
                "{\"source\":\"crm\",\"id\":\"c3\",\"identifiers\":{\"email\":\"bob@x.com\"},"
                "\"attributes\":{\"age\":\"51\"}}\n"
                "{\"source\":\"crm\",\"id\":\"c4\",\"identifiers\":{\"email\":\"cid@x.com\"},"
                "\"attributes\":{\"age\":\"19\"}}\n"
                "{\"source\":\"crm\",\"id\":\"c5\",\"identifiers\":{\"email\":\"dee@x.com\"}}\n");
  Served served({"-c", config, "--empty"});
  ASSERT_FALSE(served.address().empty()) << served.output();
  const std::string srv = " --server " + served.address();
  ASSERT_EQ(Idgraph("ingest " + input + srv + " --token a").code, 0);

  Ran count = Idgraph("segment count 'age >= 30'" + srv + " --token r");
  EXPECT_EQ(count.code, 0) << count.output;
  EXPECT_EQ(count.output, "2\n");
  Ran count_json = Idgraph("segment count --json 'records >= 2'" + srv + " --token r");
  EXPECT_EQ(count_json.output, "{\"count\":1}\n");

  // One page, then every page; the ids are those of the whole segment, ascending.
  Ran page = Idgraph("segment members 'age >= 18' --limit 2" + srv + " --token r");
  EXPECT_EQ(page.code, 0) << page.output;
  EXPECT_TRUE(Contains(page.output, "2 ids shown, 3 match; the next page: --cursor "));
  Ran all = Idgraph("segment members 'age >= 18' --all --limit 1 --json" + srv + " --token r");
  EXPECT_EQ(all.code, 0) << all.output;
  EXPECT_TRUE(Contains(all.output, "\"total\":3,\"next\":0}")) << all.output;
  Ran all_text = Idgraph("segment members 'age >= 18' --all --limit 2" + srv + " --token r");
  EXPECT_EQ(all_text.code, 0) << all_text.output;
  std::vector<unsigned long> ids;
  for (size_t at = 0; at < all_text.output.size();) {
    const size_t end = all_text.output.find('\n', at);
    ids.push_back(std::stoul(all_text.output.substr(at, end - at)));
    at = end + 1;
  }
  ASSERT_EQ(ids.size(), 3u) << all_text.output;
  EXPECT_TRUE(ids[0] < ids[1] && ids[1] < ids[2]);
  Ran from = Idgraph("segment members 'age >= 18' --cursor " + std::to_string(ids[0]) + srv +
                     " --token r");
  EXPECT_EQ(from.output, std::to_string(ids[1]) + "\n" + std::to_string(ids[2]) + "\n");
  Ran none = Idgraph("segment members 'age > 100'" + srv + " --token r");
  EXPECT_EQ(none.code, 1);
  EXPECT_TRUE(Contains(none.output, "no profile matches"));

  Ran bad = Idgraph("segment count 'age >> 3'" + srv + " --token r");
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(Contains(bad.output, "idgraph: error: query: position ")) << bad.output;

  // Readers count and list; defining takes a writer or an admin.
  Ran refused = Idgraph("segment define adults 'age >= 18'" + srv + " --token r");
  EXPECT_EQ(refused.code, 1);
  EXPECT_TRUE(Contains(refused.output, "permission denied"));
  Ran define = Idgraph("segment define adults 'age >= 18'" + srv + " --token a");
  EXPECT_EQ(define.code, 0) << define.output;
  EXPECT_EQ(define.output, "segment adults saved: 3 profiles match now\n");
  Ran bad_name = Idgraph("segment define 'no spaces' 'age >= 18'" + srv + " --token a");
  EXPECT_EQ(bad_name.code, 1);
  EXPECT_TRUE(Contains(bad_name.output, "segment name 'no spaces'"));
  ASSERT_EQ(Idgraph("erase email bob@x.com" + srv + " --token a").code, 0);
  Ran list = Idgraph("segment list" + srv + " --token r");
  EXPECT_EQ(list.code, 0) << list.output;
  EXPECT_EQ(list.output, "adults\t2\tage >= 18\n");
  Ran list_json = Idgraph("segment list --json" + srv + " --token r");
  EXPECT_EQ(list_json.output,
            "{\"segments\":[{\"name\":\"adults\",\"query\":\"age >= 18\",\"count\":2}]}\n");

  EXPECT_EQ(Idgraph("segment" + srv + " --token r").code, 2);
  EXPECT_EQ(Idgraph("segment count" + srv + " --token r").code, 2);
  EXPECT_EQ(Idgraph("segment define adults" + srv + " --token a").code, 2);
  EXPECT_EQ(served.Stop(SIGTERM), 0);
}

TEST(Serve, UsageAndConnectionErrors) {
  EXPECT_EQ(Idgraph("lookup email a@x.com --server 127.0.0.1:1").code, 2);  // no token
  EXPECT_EQ(Idgraph("explain crm:c1 --token t").code, 2);
  EXPECT_EQ(Idgraph("erase --token t").code, 2);
  EXPECT_EQ(Idgraph("explain crm:c1 crm:c2 --profile 3 --token t").code, 2);
  Ran down = Idgraph("stats --server 127.0.0.1:1 --token t");
  EXPECT_EQ(down.code, 1);
  EXPECT_TRUE(Contains(down.output, "127.0.0.1:1"));

  TempDir dir;
  const std::string config = dir.Write("idgraph.toml", Config(dir.str()));
  Served served({"-c", config, "--empty"});
  ASSERT_FALSE(served.address().empty());
  Ran wrong = Idgraph("stats --server " + served.address() + " --token nope");
  EXPECT_EQ(wrong.code, 1);
  EXPECT_TRUE(Contains(wrong.output, "unknown token"));
  EXPECT_EQ(Idgraph("explain crm:c1 c2 --server " + served.address() + " --token r").code, 2);
  EXPECT_EQ(served.Stop(SIGTERM), 0);
}

TEST(Serve, IngestNamesTheLinesOfARefusedBatch) {
  TempDir dir;
  const std::string config = dir.Write("idgraph.toml", Config(dir.str()) + "max_batch = 2\n");
  std::string lines;
  for (int i = 1; i <= 5; ++i) {
    lines += i == 2 ? "not json\n"
                    : "{\"source\":\"crm\",\"id\":\"c" + std::to_string(i) +
                          "\",\"identifiers\":{\"email\":\"p" + std::to_string(i) + "@x.com\"}}\n";
  }
  const std::string input = dir.Write("in.jsonl", lines);
  Served served({"-c", config, "--empty"});
  ASSERT_FALSE(served.address().empty()) << served.output();
  const std::string srv = " --server " + served.address() + " --token a";
  // Batches of 3: lines 1, 3 and 4 are over the server's limit; line 5, sent with them, goes in.
  Ran ingest = Idgraph("ingest --batch 3 " + input + srv);
  EXPECT_EQ(ingest.code, 1) << ingest.output;
  EXPECT_TRUE(Contains(ingest.output, input + ": lines 1 to 4 were not ingested: "));
  EXPECT_TRUE(Contains(ingest.output, "at most 2"));
  EXPECT_FALSE(Contains(ingest.output, "nothing from line"));
  EXPECT_TRUE(Contains(Idgraph("stats --json" + srv).output, "{\"records\":1,"));
  EXPECT_EQ(served.Stop(SIGTERM), 0);
}

TEST(Serve, ReresolveSubcommand) {
  TempDir dir;
  const std::string config = dir.Write(
      "idgraph.toml", Config(dir.str()) +
                          "[matching]\nblocking = [\"first_name\"]\n"
                          "[matching.comparisons]\n"
                          "first_name = { method = \"jaro_winkler\", thresholds = [0.9] }\n");
  const std::string input =
      dir.Write("in.jsonl",
                "{\"source\":\"crm\",\"id\":\"c1\",\"identifiers\":{\"email\":\"ann@x.com\"},"
                "\"attributes\":{\"first_name\":\"Ann\"}}\n"
                "{\"source\":\"crm\",\"id\":\"c2\",\"identifiers\":{\"email\":\"ann@x.com\"}}\n"
                "{\"source\":\"crm\",\"id\":\"c3\",\"identifiers\":{\"phone\":\"+1 415 555 2671\"},"
                "\"attributes\":{\"first_name\":\"Bob\"}}\n");
  Served served({"-c", config, "--empty"});  // no model: identifiers link, until retrained
  ASSERT_FALSE(served.address().empty()) << served.output();
  const std::string srv = " --server " + served.address();
  ASSERT_EQ(Idgraph("ingest " + input + srv + " --token a").code, 0);

  Ran refused = Idgraph("reresolve --retrain" + srv + " --token r");
  EXPECT_EQ(refused.code, 1);
  EXPECT_TRUE(Contains(refused.output, "permission denied: a reader token may not re-resolve"))
      << refused.output;
  Ran same = Idgraph("reresolve" + srv + " --token a");
  EXPECT_EQ(same.code, 0) << same.output;
  EXPECT_TRUE(Contains(same.output, "re-resolved 3 records in ")) << same.output;
  EXPECT_TRUE(
      Contains(same.output, " s\nprofiles 2 -> 2\nfuzzy links 0 -> 0\n0 merges, 0 splits\n"))
      << same.output;
  Ran json = Idgraph("reresolve --retrain --json" + srv + " --token a");
  EXPECT_EQ(json.code, 0) << json.output;
  EXPECT_TRUE(Contains(json.output, "{\"records\":3,\"profiles_before\":2,\"profiles_after\":"))
      << json.output;
  EXPECT_TRUE(Contains(json.output, ",\"retrained\":true,\"em_iterations\":")) << json.output;
  Ran text = Idgraph("reresolve --retrain" + srv + " --token a");
  EXPECT_EQ(text.code, 0) << text.output;
  EXPECT_TRUE(Contains(text.output, ", model trained again (EM: ")) << text.output;
  EXPECT_EQ(Idgraph("reresolve --retrain extra" + srv + " --token a").code, 2);
  EXPECT_EQ(served.Stop(SIGTERM), 0);
}

// Replaces the file whole (a new file renamed over it), as an editor does.
void Rewrite(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".new";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  std::filesystem::rename(tmp, path);
}

TEST(Serve, ReloadSubcommandAndSighup) {
  TempDir dir;
  const std::string toml = Config(dir.str());
  const std::string tokens = "{ token = \"r\", role = \"reader\" }";
  const std::string config = dir.Write("idgraph.toml", toml);
  Served served({"-c", config, "--empty"});
  ASSERT_FALSE(served.address().empty()) << served.output();
  const std::string srv = " --server " + served.address();

  Ran refused = Idgraph("reload" + srv + " --token r");
  EXPECT_EQ(refused.code, 1);
  EXPECT_TRUE(Contains(refused.output, "permission denied"));
  Ran same = Idgraph("reload" + srv + " --token a");
  EXPECT_EQ(same.code, 0) << same.output;
  EXPECT_EQ(same.output, "nothing changed\n");

  // The reader's token becomes r2: new logins need it, the old one is gone.
  std::string next = toml;
  next.replace(next.find(tokens), tokens.size(), "{ token = \"r2\", role = \"reader\" }");
  Rewrite(config, next);
  Ran applied = Idgraph("reload --json" + srv + " --token a");
  EXPECT_EQ(applied.code, 0) << applied.output;
  EXPECT_EQ(applied.output, "{\"applied\":[\"server.tokens\"]}\n");
  EXPECT_EQ(Idgraph("stats" + srv + " --token r2").code, 0);
  EXPECT_TRUE(Contains(Idgraph("stats" + srv + " --token r").output, "unknown token"));

  // A change to a kind takes a restart: refused, and nothing applied.
  const std::string phone = "[kinds.phone]\n";
  std::string kinds = toml;
  kinds.insert(kinds.find(phone) + phone.size(), "unique = true\n");
  Rewrite(config, kinds);
  Ran restart = Idgraph("reload" + srv + " --token a");
  EXPECT_EQ(restart.code, 1);
  EXPECT_TRUE(Contains(restart.output, "idgraph: error: " + config + ": kinds changed"))
      << restart.output;
  EXPECT_TRUE(Contains(restart.output, "restart")) << restart.output;
  EXPECT_EQ(Idgraph("stats" + srv + " --token r2").code, 0);

  // SIGHUP: the same reload, reported on stderr, and the server serves on.
  next = toml;
  next.replace(next.find(tokens), tokens.size(), "{ token = \"r3\", role = \"reader\" }");
  next.replace(next.find("threads = 1\n"), 12, "threads = 1\nmax_batch = 7\n");
  Rewrite(config, next);
  served.Signal(SIGHUP);
  EXPECT_EQ(served.WaitForLine("idgraph: config ", served.output().size()),
            "idgraph: config reloaded: server.max_batch, server.tokens")
      << served.output();
  EXPECT_EQ(Idgraph("stats" + srv + " --token r3").code, 0);
  EXPECT_EQ(Idgraph("reload" + srv + " --token a").output, "nothing changed\n");

  Rewrite(config, next + "[server.oops]\n");
  served.Signal(SIGHUP);
  const std::string broken = served.WaitForLine("idgraph: config ", served.output().size());
  EXPECT_TRUE(Contains(broken, "idgraph: config not reloaded: " + config + ":")) << broken;
  EXPECT_TRUE(Contains(broken, "server.oops: unknown key")) << broken;
  EXPECT_EQ(Idgraph("stats" + srv + " --token r3").code, 0);

  EXPECT_EQ(served.Stop(SIGTERM), 0);
  EXPECT_TRUE(Contains(served.output(), "stopped (SIGTERM)"));
}

}  // namespace
}  // namespace idg
