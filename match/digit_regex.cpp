// Regex subset -> AST (recursive descent) -> Thompson NFA -> DFA by subset construction.
#include "match/digit_regex.h"

#include <algorithm>
#include <map>
#include <memory>

namespace idg::detail {
namespace {

constexpr uint16_t kAllDigits = 0x3FF;
constexpr int kInfinite = -1;
constexpr int kMaxRepeat = 64;  // bound on {n,m} counts: keeps the NFA small

struct Node {
  enum Kind { kClass, kConcat, kAlt, kRepeat } kind;
  uint16_t mask = 0;  // kClass: bit d set when digit d matches
  int min = 0, max = 0;
  std::vector<std::unique_ptr<Node>> kids;
};

// Recursive-descent parser; `ok_` turns false at the first construct outside the subset.
class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::unique_ptr<Node> Parse() {
    auto n = ParseAlt();
    if (pos_ != s_.size()) ok_ = false;
    return ok_ ? std::move(n) : nullptr;
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }

  std::unique_ptr<Node> ParseAlt() {
    auto alt = std::make_unique<Node>();
    alt->kind = Node::kAlt;
    alt->kids.push_back(ParseConcat());
    while (ok_ && Peek() == '|') {
      ++pos_;
      alt->kids.push_back(ParseConcat());
    }
    return alt;
  }

  std::unique_ptr<Node> ParseConcat() {
    auto cat = std::make_unique<Node>();
    cat->kind = Node::kConcat;
    while (ok_ && !AtEnd() && Peek() != '|' && Peek() != ')') cat->kids.push_back(ParseRepeat());
    return cat;
  }

  bool ParseInt(int& v) {
    size_t start = pos_;
    v = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9' && pos_ - start < 4)
      v = v * 10 + (s_[pos_++] - '0');
    return pos_ > start;
  }

  std::unique_ptr<Node> ParseRepeat() {
    auto atom = ParseAtom();
    while (ok_ && !AtEnd()) {
      int lo, hi;
      char c = Peek();
      if (c == '?') {
        lo = 0, hi = 1;
      } else if (c == '*') {
        lo = 0, hi = kInfinite;
      } else if (c == '+') {
        lo = 1, hi = kInfinite;
      } else if (c == '{') {
        ++pos_;
        if (!ParseInt(lo)) return Fail();
        hi = lo;
        if (Peek() == ',') {
          ++pos_;
          if (Peek() == '}') {
            hi = kInfinite;
          } else if (!ParseInt(hi) || hi < lo) {
            return Fail();
          }
        }
        if (Peek() != '}') return Fail();
        if (lo > kMaxRepeat || hi > kMaxRepeat) return Fail();
      } else {
        break;
      }
      ++pos_;
      if (Peek() == '?')
        ++pos_;  // lazy: same language
      else if (Peek() == '+')
        return Fail();  // possessive: changes the language
      auto rep = std::make_unique<Node>();
      rep->kind = Node::kRepeat;
      rep->min = lo;
      rep->max = hi;
      rep->kids.push_back(std::move(atom));
      atom = std::move(rep);
    }
    return atom;
  }

  std::unique_ptr<Node> ParseAtom() {
    char c = Peek();
    if (c == '(') {
      ++pos_;
      if (Peek() == '?') {
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == ':') {
          pos_ += 2;
        } else {
          return Fail();
        }
      }
      auto inner = ParseAlt();
      if (Peek() != ')') return Fail();
      ++pos_;
      return inner;
    }
    auto cls = std::make_unique<Node>();
    cls->kind = Node::kClass;
    if (c >= '0' && c <= '9') {
      cls->mask = uint16_t(1u << (c - '0'));
      ++pos_;
    } else if (c == '\\' && pos_ + 1 < s_.size() && s_[pos_ + 1] == 'd') {
      cls->mask = kAllDigits;
      pos_ += 2;
    } else if (c == '[') {
      ++pos_;
      if (Peek() == '^') return Fail();
      while (!AtEnd() && Peek() != ']') {
        char a = s_[pos_++];
        if (a == '\\' && Peek() == 'd') {
          ++pos_;
          cls->mask |= kAllDigits;
          continue;
        }
        if (a < '0' || a > '9') return Fail();
        char b = a;
        if (Peek() == '-' && pos_ + 1 < s_.size() && s_[pos_ + 1] != ']') {
          b = s_[pos_ + 1];
          pos_ += 2;
          if (b < a || b > '9') return Fail();
        }
        for (char d = a; d <= b; ++d) cls->mask |= uint16_t(1u << (d - '0'));
      }
      if (Peek() != ']') return Fail();
      ++pos_;
    } else {
      return Fail();
    }
    return cls;
  }

  std::unique_ptr<Node> Fail() {
    ok_ = false;
    pos_ = s_.size();
    return std::make_unique<Node>();
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool ok_ = true;
};

struct NfaState {
  uint16_t mask = 0;  // digit transition to `next` on these digits
  int next = -1;
  std::vector<int> eps;
};

class NfaBuilder {
 public:
  std::vector<NfaState> states;

  int NewState() {
    states.emplace_back();
    return int(states.size()) - 1;
  }

  // Returns {start, end}; `end` has no outgoing edges yet.
  std::pair<int, int> Build(const Node& n) {
    switch (n.kind) {
      case Node::kClass: {
        int s = NewState(), e = NewState();
        states[s].mask = n.mask;
        states[s].next = e;
        return {s, e};
      }
      case Node::kConcat: {
        int s = NewState(), cur = s;
        for (const auto& k : n.kids) {
          auto [ks, ke] = Build(*k);
          states[cur].eps.push_back(ks);
          cur = ke;
        }
        return {s, cur};
      }
      case Node::kAlt: {
        int s = NewState(), e = NewState();
        for (const auto& k : n.kids) {
          auto [ks, ke] = Build(*k);
          states[s].eps.push_back(ks);
          states[ke].eps.push_back(e);
        }
        return {s, e};
      }
      case Node::kRepeat: {
        int s = NewState(), cur = s;
        for (int i = 0; i < n.min; ++i) {
          auto [ks, ke] = Build(*n.kids[0]);
          states[cur].eps.push_back(ks);
          cur = ke;
        }
        if (n.max == kInfinite) {
          int loop = NewState();
          states[cur].eps.push_back(loop);
          auto [ks, ke] = Build(*n.kids[0]);
          states[loop].eps.push_back(ks);
          states[ke].eps.push_back(loop);
          return {s, loop};
        }
        int e = NewState();
        for (int i = n.min; i < n.max; ++i) {
          states[cur].eps.push_back(e);
          auto [ks, ke] = Build(*n.kids[0]);
          states[cur].eps.push_back(ks);
          cur = ke;
        }
        states[cur].eps.push_back(e);
        return {s, e};
      }
    }
    return {-1, -1};
  }
};

void Closure(const std::vector<NfaState>& nfa, std::vector<int>& set, std::vector<uint8_t>& seen) {
  std::vector<int> stack(set.begin(), set.end());
  for (int s : set) seen[s] = 1;
  while (!stack.empty()) {
    int s = stack.back();
    stack.pop_back();
    for (int t : nfa[s].eps) {
      if (!seen[t]) {
        seen[t] = 1;
        set.push_back(t);
        stack.push_back(t);
      }
    }
  }
  for (int s : set) seen[s] = 0;
  std::sort(set.begin(), set.end());
}

}  // namespace

std::optional<DigitDfa> DigitDfa::Compile(std::string_view pattern, size_t max_states) {
  Parser parser(pattern);
  auto ast = parser.Parse();
  if (!ast) return std::nullopt;
  NfaBuilder b;
  auto [start, final_state] = b.Build(*ast);
  const auto& nfa = b.states;

  DigitDfa dfa;
  std::map<std::vector<int>, int32_t> ids;
  std::vector<std::vector<int>> sets;
  std::vector<uint8_t> seen(nfa.size(), 0);
  std::vector<int> init{start};
  Closure(nfa, init, seen);
  ids.emplace(init, 0);
  sets.push_back(std::move(init));
  for (size_t i = 0; i < sets.size(); ++i) {
    dfa.accept_.push_back(std::binary_search(sets[i].begin(), sets[i].end(), final_state));
    for (int d = 0; d < 10; ++d) {
      std::vector<int> next;
      for (int s : sets[i]) {
        if (nfa[s].mask & (1u << d)) next.push_back(nfa[s].next);
      }
      int32_t id = -1;
      if (!next.empty()) {
        std::sort(next.begin(), next.end());
        next.erase(std::unique(next.begin(), next.end()), next.end());
        Closure(nfa, next, seen);
        auto [it, inserted] = ids.emplace(next, int32_t(sets.size()));
        if (inserted) {
          if (sets.size() >= max_states) return std::nullopt;
          sets.push_back(next);
        }
        id = it->second;
      }
      dfa.next_.push_back(id);
    }
  }
  return dfa;
}

bool DigitDfa::FullMatch(std::string_view digits) const {
  int32_t s = 0;
  for (char c : digits) {
    s = next_[size_t(s) * 10 + size_t(c - '0')];
    if (s < 0) return false;
  }
  return accept_[size_t(s)];
}

uint64_t DigitDfa::PrefixMatchLengths(std::string_view digits) const {
  uint64_t lengths = accept_[0] ? 1 : 0;
  int32_t s = 0;
  for (size_t i = 0; i < digits.size() && i < 63; ++i) {
    s = next_[size_t(s) * 10 + size_t(digits[i] - '0')];
    if (s < 0) break;
    if (accept_[size_t(s)]) lengths |= uint64_t(1) << (i + 1);
  }
  return lengths;
}

}  // namespace idg::detail
