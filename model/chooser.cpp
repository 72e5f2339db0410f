#include "model/chooser.hpp"

#include "model/assert.hpp"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace corridor {

std::string ChoiceLog::encode() const {
  std::string out;
  out.reserve(entries_.size() * 6);
  for (const Choice& c : entries_) {
    if (!out.empty()) out += ' ';
    out += static_cast<char>(c.kind);
    fmt::format_to(std::back_inserter(out), "{}", c.value);
  }
  return out;
}

static bool valid_kind(char k) {
  switch (static_cast<ChoiceKind>(k)) {
    case ChoiceKind::delay:
    case ChoiceKind::loss:
    case ChoiceKind::dup:
    case ChoiceKind::random:
    case ChoiceKind::timer:
    case ChoiceKind::pick:
    case ChoiceKind::at:
      return true;
  }
  return false;
}

ChoiceLog ChoiceLog::decode(std::string_view text) {
  ChoiceLog log;
  std::size_t pos = 0;
  std::size_t index = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') { ++pos; continue; }
    const char kind = text[pos];
    if (!valid_kind(kind)) {
      throw std::invalid_argument(fmt::format("choice {} (character {}) has unknown kind '{}'", index, pos + 1, kind));
    }
    std::uint64_t value = 0;
    const char* begin = text.data() + pos + 1;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc{} || ptr == begin) {
      throw std::invalid_argument(fmt::format("choice {} (character {}) has no number after '{}'", index, pos + 1, kind));
    }
    log.push({static_cast<ChoiceKind>(kind), value});
    pos = static_cast<std::size_t>(ptr - text.data());
    ++index;
  }
  return log;
}

void Chooser::start_random(std::uint64_t seed) {
  rng_.reseed(seed);
  log_.clear();
  replay_ = nullptr;
  replay_pos_ = 0;
  replaying_ = false;
  divergences_ = 0;
}

void Chooser::start_replay(const ChoiceLog& log) {
  log_.clear();
  replay_ = &log;
  replay_pos_ = 0;
  replaying_ = true;
  divergences_ = 0;
}

void Chooser::start_defaults() {
  log_.clear();
  replay_ = nullptr;
  replay_pos_ = 0;
  replaying_ = true;
  divergences_ = 0;
}

std::uint64_t Chooser::decided(ChoiceKind kind, std::uint64_t value, std::uint64_t bound) {
  CORRIDOR_ASSERT(value < bound || bound <= 1);
  if (bound <= 1) return 0;  // no real decision: nothing logged, as in below()
  if (!replaying_) {
    log_.push({kind, value});
    return value;
  }
  return replayed(kind, 0, bound);
}

std::uint64_t Chooser::replayed(ChoiceKind kind, std::uint64_t fallback, std::uint64_t bound) {
  if (replay_ == nullptr) return fallback;  // start_defaults()
  std::uint64_t v = fallback;
  if (replay_pos_ < replay_->size()) {
    const Choice c = replay_->entries()[replay_pos_];
    if (c.kind == kind && c.value < bound) {
      v = c.value;
      ++replay_pos_;
    } else {
      ++divergences_;
      // A kind mismatch means the run took another path: keep the log aligned by consuming
      // the entry only when the kind matches, so later decisions still line up with the edit.
      if (c.kind == kind) ++replay_pos_;
    }
  } else {
    ++divergences_;
  }
  log_.push({kind, v});
  return v;
}

std::optional<Chooser::ScheduledStep> Chooser::scheduled_step(std::uint64_t bound) {
  CORRIDOR_ASSERT(bound >= 1);
  if (!replaying_ || replay_ == nullptr) return std::nullopt;
  // Bounded by the log: every iteration consumes an entry.
  while (replay_pos_ < replay_->size()) {
    const Choice c = replay_->entries()[replay_pos_++];
    if (c.kind != ChoiceKind::pick) {
      ++divergences_;
      continue;
    }
    ScheduledStep step{c.value, 0};
    if (step.index >= bound) {
      ++divergences_;
      step.index = 0;
    }
    log_.push({ChoiceKind::pick, step.index});
    if (replay_pos_ < replay_->size() && replay_->entries()[replay_pos_].kind == ChoiceKind::at) {
      step.at_ns = replay_->entries()[replay_pos_++].value;
      log_.push({ChoiceKind::at, step.at_ns});
    }
    return step;
  }
  return std::nullopt;
}

std::uint64_t Chooser::below(ChoiceKind kind, std::uint64_t bound) {
  if (bound <= 1) return 0;  // no real decision: nothing logged
  if (!replaying_) {
    const std::uint64_t v = uniform_below([this] { return rng_.next(); }, bound);
    log_.push({kind, v});
    return v;
  }
  return replayed(kind, 0, bound);
}

bool Chooser::chance_drawn(ChoiceKind kind, double p) {
  if (!replaying_) {
    const bool yes = unit_interval(rng_.next()) < p;
    log_.push({kind, yes ? 1u : 0u});
    return yes;
  }
  return replayed(kind, 0, 2) == 1;
}

}  // namespace corridor
