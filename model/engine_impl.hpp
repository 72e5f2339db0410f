#pragma once
// Definitions of Core's members (included at the end of model/engine.hpp).

namespace corridor {

template <class M, class D, class T>
void Core<M, D, T>::reset_world(const SimConfig& config, Layout layout, FaultPlan plan, bool record) {
  CORRIDOR_ASSERT(layout.nodes > 0);
  CORRIDOR_ASSERT(layout.nodes + layout.clients <= 4096);
  CORRIDOR_ASSERT_MSG(layout.helpers < layout.nodes, "a layout's helpers are some of its nodes, not all");
  config_ = config;
  layout_ = layout;
  actors_ = layout.nodes + layout.clients;
  plan_ = std::move(plan);
  record_ = record;
  now_ns_ = 0;
  step_ = 0;
  // Published for assertion messages: a failing CORRIDOR_ASSERT names the step of this run.
  run_in_flight().step = &step_;
  seq_ = seq_base;
  front_seq_ = seq_base;
  next_message_id_ = 1;
  status_.assign(actors_, ActorStatus::down);
  clocks_.assign(actors_, NodeClock{});
  durable_.assign(actors_, D{});
  timers_.assign(actors_, {});
  held_.assign(actors_, {});
  // Keep slot storage between runs (no allocation per event once warm), but forget contents.
  slots_.clear();
  free_slots_.clear();
  slots_live_ = 0;
  heap_.clear();
  link_specs_.clear();
  if (!config.links.empty()) {
    link_specs_.assign(std::size_t{actors_} * actors_, 0);
    CORRIDOR_ASSERT(config.links.size() < 60'000);
    for (std::size_t i = 0; i < config.links.size(); ++i) {
      const LinkOverride& o = config.links[i];
      if (o.from >= actors_ || o.to >= actors_) continue;  // names a node this run does not have
      link_specs_[std::size_t{o.from} * actors_ + o.to] = static_cast<std::uint16_t>(i + 1);
      if (o.both_ways) link_specs_[std::size_t{o.to} * actors_ + o.from] = static_cast<std::uint16_t>(i + 1);
    }
  }
  blocked_.assign(std::size_t{actors_} * actors_, 0);
  link_last_due_ns_.assign(std::size_t{actors_} * actors_, 0);
  link_in_flight_.assign(std::size_t{actors_} * actors_, 0);
  link_sent_.assign(std::size_t{actors_} * actors_, 0);
  loss_bursts_active_ = 0;
  burst_loss_ = 0.0;
  vcs_.assign(std::size_t{actors_} * actors_, 0);
  msg_vcs_.clear();
  free_vcs_.clear();
  vc_live_.clear();
  vcs_live_ = 0;
  history_.clear();
  violation_.reset();
  records_.clear();
  record_heap_bytes_ = 0;
  restarted_.clear();
  operations_started_.assign(actors_, 0);
  messages_sent_ = messages_delivered_ = messages_dropped_ = 0;
}

template <class M, class D, class T>
void Core<M, D, T>::schedule_start_events() {
  // Order at equal times is insertion order. At time 0: clock settings (a node's initial offset
  // and drift) come before the nodes start, so on_start already reads its own clock; every other
  // fault comes after, so a crash or pause at 0s hits a started node.
  auto schedule_faults = [&](bool clock_settings) {
    for (std::uint32_t i = 0; i < plan_.size(); ++i) {
      const bool is_clock = plan_[i].kind == FaultKind::jump || plan_[i].kind == FaultKind::drift;
      if (is_clock != clock_settings) continue;
      const std::uint32_t slot = alloc_slot(PendingKind::fault_begin, no_node);
      slots_[slot].fault_index = i;
      push(slot, plan_[i].at_ns);
    }
  };
  schedule_faults(true);
  for (NodeId a = 0; a < actors_; ++a) push(alloc_slot(PendingKind::start, a), 0);
  schedule_faults(false);
}

template <class M, class D, class T>
std::uint32_t Core<M, D, T>::alloc_slot(PendingKind kind, NodeId target) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    CORRIDOR_ASSERT_MSG(slots_.size() < (1u << 30), "pending events without bound");
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Pending& p = slots_[slot];
  CORRIDOR_ASSERT_MSG(!p.in_use, "a slot on the free list is free");
  ++slots_live_;
  // The pool's whole balance (live + free == all) is checked at the end of every run
  // (assert_pools_balanced): on each call it cost more than the rest of the bookkeeping.
  p.kind = kind;
  p.in_use = true;
  p.target = target;
  p.source = no_node;
  // A freed slot keeps what its last event held; for_each_pending reports fault_index as a fault's
  // detail (an untimed search encodes it), so a slot reused for a start, timer or restart must not
  // carry its last fault's index: the encoding would then depend on which slot was reused.
  p.fault_index = 0;
  return slot;
}

template <class M, class D, class T>
void Core<M, D, T>::free_slot(std::uint32_t slot) {
  CORRIDOR_ASSERT(slot < slots_.size());
  Pending& p = slots_[slot];
  // A slot in use is counted live (the pool's balance, checked at the end of the run), so
  // slots_live_ cannot go below zero here.
  CORRIDOR_ASSERT_MSG(p.in_use, "a pending slot is freed once");
  p.in_use = false;
  ++p.generation;
  --slots_live_;
  free_slots_.push_back(slot);
}

template <class M, class D, class T>
void Core<M, D, T>::push(std::uint32_t slot, time_ns due_ns) {
  CORRIDOR_ASSERT(due_ns >= now_ns_);
  CORRIDOR_ASSERT_MSG(slot < slots_.size() && slots_[slot].in_use, "only a live slot is scheduled");
  // seq_ is 64 bits, one per scheduled event: it cannot wrap within any run's step budget.
  slots_[slot].seq = ++seq_;
  slots_[slot].due_ns = due_ns;
  if (untimed_) return;  // explorers pick from the slots; no heap orders them
  heap_.push_back({due_ns, seq_, slot});
  std::push_heap(heap_.begin(), heap_.end(), later);
  CORRIDOR_ASSERT_MSG(heap_.size() < (std::size_t{1} << 31), "heap entries without bound");
}

template <class M, class D, class T>
auto Core<M, D, T>::pop_due(time_ns limit_ns) -> std::optional<HeapEntry> {
  while (!heap_.empty()) {
    const HeapEntry top = heap_.front();
    if (top.due_ns > limit_ns) return std::nullopt;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    CORRIDOR_ASSERT(top.slot < slots_.size());
    const Pending& p = slots_[top.slot];
    if (p.in_use && p.seq == top.seq) return top;  // else: cancelled or re-timed
  }
  return std::nullopt;
}

template <class M, class D, class T>
void Core<M, D, T>::enabled_events(time_ns limit_ns, std::vector<EnabledEvent>& out) const {
  CORRIDOR_ASSERT(untimed_);
  const std::size_t first = out.size();
  // Every actor starts at time 0, before anything but a time-0 plan entry can be due (a timed run
  // fires them first): while a start is pending, only what is due at time 0 is enabled. Without
  // this a search could deliver a message to a node that has not started, which no timed run does.
  const bool starting = std::any_of(slots_.begin(), slots_.end(),
                                    [](const Pending& p) { return p.in_use && p.kind == PendingKind::start; });
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
    const Pending& p = slots_[slot];
    if (!p.in_use || p.due_ns > limit_ns) continue;
    if (starting && p.due_ns > 0) continue;
    const bool waits = p.kind == PendingKind::deliver || p.kind == PendingKind::timer;
    if (waits && status_[p.target] == ActorStatus::paused) continue;
    if (p.kind == PendingKind::deliver && fifo_rank(slot) > 0) continue;
    const bool fault = p.kind == PendingKind::fault_begin || p.kind == PendingKind::fault_end;
    out.push_back({slot, p.seq, p.due_ns, fault ? no_node : p.target, p.source, static_cast<std::uint8_t>(p.kind)});
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), [](const EnabledEvent& a, const EnabledEvent& b) {
    return a.due_ns != b.due_ns ? a.due_ns < b.due_ns : a.seq < b.seq;
  });
}

template <class M, class D, class T>
std::uint32_t Core<M, D, T>::fifo_rank(std::uint32_t slot) const {
  const Pending& p = slots_[slot];
  CORRIDOR_ASSERT(p.in_use && p.kind == PendingKind::deliver);
  if (!link_spec(p.source, p.target).fifo) return 0;
  // Quadratic in the events pending, which an untimed search keeps to a few dozen; a queue per
  // link would cost every copy of the world more than this scan.
  std::uint32_t ahead = 0;
  for (const Pending& q : slots_) {
    if (!q.in_use || q.kind != PendingKind::deliver || q.source != p.source || q.target != p.target) continue;
    if (q.link_order < p.link_order || (q.link_order == p.link_order && q.seq < p.seq)) ++ahead;
  }
  return ahead;
}

template <class M, class D, class T>
std::size_t Core<M, D, T>::heap_bytes() const {
  auto flat = [](const auto& v) { return malloc_block_bytes(v.capacity() * sizeof(v[0])); };
  std::size_t bytes = flat(status_) + flat(clocks_) + corridor::heap_bytes(durable_) + flat(timers_) + flat(held_);
  for (std::uint32_t a = 0; a < timers_.size(); ++a) bytes += flat(timers_[a]) + flat(held_[a]);
  bytes += flat(slots_) + flat(free_slots_) + flat(heap_);
  for (const Pending& p : slots_) {
    if (p.in_use && p.kind == PendingKind::deliver) bytes += corridor::heap_bytes(p.message);
  }
  bytes += flat(link_specs_) + flat(blocked_) + flat(link_last_due_ns_) + flat(link_in_flight_) + flat(link_sent_);
  bytes += flat(vcs_) + flat(msg_vcs_) + flat(free_vcs_) + flat(restarted_) + flat(operations_started_);
  bytes += flat(history_) + flat(observers_) + flat(records_) + record_heap_bytes_ + flat(plan_) + flat(config_.links);
  for (const HistoryEvent& h : history_) {
    bytes += corridor::heap_bytes(h.f) + corridor::heap_bytes(h.key) + corridor::heap_bytes(h.value);
  }
  return bytes;
}

template <class M, class D, class T>
void Core<M, D, T>::lose_in_flight(std::uint32_t slot) {
  CORRIDOR_ASSERT(slot < slots_.size());
  Pending& p = slots_[slot];
  CORRIDOR_ASSERT_MSG(p.in_use && p.kind == PendingKind::deliver, "only a message in flight is lost");
  const NodeId from = p.source;
  const NodeId to = p.target;
  const std::uint64_t id = p.message_id;
  in_flight_down(from, to);
  free_vc(p.vc_slot);
  free_slot(slot);
  emit_drop(from, to, id, DropReason::loss);
}

template <class M, class D, class T>
void Core<M, D, T>::duplicate_in_flight(std::uint32_t slot) {
  CORRIDOR_ASSERT(slot < slots_.size());
  CORRIDOR_ASSERT_MSG(slots_[slot].in_use && slots_[slot].kind == PendingKind::deliver,
                      "only a message in flight is duplicated");
  CORRIDOR_ASSERT_MSG(!link_full(slots_[slot].source, slots_[slot].target), "a duplicate on a link at its capacity");
  const std::uint32_t copy = alloc_slot(PendingKind::deliver, slots_[slot].target);
  const Pending& original = slots_[slot];  // after alloc_slot: slots_ may have grown
  Pending& p = slots_[copy];
  p.source = original.source;
  p.message_id = original.message_id;
  p.link_order = original.link_order;  // right behind the original on a FIFO link
  p.message = original.message;
  p.vc_slot = alloc_vc(p.source);
  std::copy_n(&msg_vcs_[std::size_t{original.vc_slot} * actors_], actors_, &msg_vcs_[std::size_t{p.vc_slot} * actors_]);
  in_flight_up(p.source, p.target);
  push(copy, std::max(now_ns_, original.due_ns));
}

template <class M, class D, class T>
void Core<M, D, T>::crash_for_restart(NodeId a) {
  CORRIDOR_ASSERT(a < actors_);
  CORRIDOR_ASSERT_MSG(status_[a] == ActorStatus::up || status_[a] == ActorStatus::paused, "only a running node crashes");
  crash_actor(a, true);
  push(alloc_slot(PendingKind::recover, a), now_ns_);
}

template <class M, class D, class T>
bool Core<M, D, T>::hold_if_paused(std::uint32_t slot) {
  const Pending& p = slots_[slot];
  if (p.kind != PendingKind::deliver && p.kind != PendingKind::timer) return false;
  if (status_[p.target] != ActorStatus::paused) return false;
  held_[p.target].push_back(slot);
  return true;
}

template <class M, class D, class T>
void Core<M, D, T>::merge_vc(NodeId a, std::uint32_t vc_slot) {
  std::uint32_t* own = &vcs_[std::size_t{a} * actors_];
  const std::uint32_t* other = &msg_vcs_[std::size_t{vc_slot} * actors_];
  for (std::uint32_t i = 0; i < actors_; ++i) own[i] = std::max(own[i], other[i]);
  ++own[a];
}

template <class M, class D, class T>
std::uint32_t Core<M, D, T>::alloc_vc(NodeId from) {
  std::uint32_t vc_slot;
  if (!free_vcs_.empty()) {
    vc_slot = free_vcs_.back();
    free_vcs_.pop_back();
  } else {
    CORRIDOR_ASSERT_MSG(vc_live_.size() < (std::size_t{1} << 30), "vector clocks in flight without bound");
    vc_slot = static_cast<std::uint32_t>(msg_vcs_.size() / actors_);
    msg_vcs_.resize(msg_vcs_.size() + actors_);
    vc_live_.push_back(0);
    CORRIDOR_ASSERT(vc_live_.size() * actors_ == msg_vcs_.size());
  }
  CORRIDOR_ASSERT(vc_slot < vc_live_.size());
  CORRIDOR_ASSERT_MSG(vc_live_[vc_slot] == 0, "a vector clock on the free list is free");
  vc_live_[vc_slot] = 1;
  ++vcs_live_;
  std::copy_n(&vcs_[std::size_t{from} * actors_], actors_, &msg_vcs_[std::size_t{vc_slot} * actors_]);
  return vc_slot;
}

template <class M, class D, class T>
void Core<M, D, T>::free_vc(std::uint32_t vc_slot) {
  CORRIDOR_ASSERT(vc_slot < vc_live_.size());
  // As for slots: a clock marked live is counted in vcs_live_ (checked at the end of the run).
  CORRIDOR_ASSERT_MSG(vc_live_[vc_slot] == 1, "a message's vector clock is freed exactly once");
  vc_live_[vc_slot] = 0;
  --vcs_live_;
  free_vcs_.push_back(vc_slot);
}

template <class M, class D, class T>
void Core<M, D, T>::in_flight_up(NodeId from, NodeId to) {
  CORRIDOR_ASSERT(std::max(from, to) < actors_);
  std::uint32_t& count = link_in_flight_[std::size_t{from} * actors_ + to];
  CORRIDOR_ASSERT_MSG(count < (1u << 30), "messages in flight on one link without bound");
  ++count;
}

template <class M, class D, class T>
void Core<M, D, T>::in_flight_down(NodeId from, NodeId to) {
  CORRIDOR_ASSERT(std::max(from, to) < actors_);
  std::uint32_t& count = link_in_flight_[std::size_t{from} * actors_ + to];
  CORRIDOR_ASSERT_MSG(count > 0, "a message leaves a link that has none in flight");
  --count;
}

template <class M, class D, class T>
void Core<M, D, T>::assert_pools_balanced() const {
  CORRIDOR_ASSERT(slots_live_ + free_slots_.size() == slots_.size());
  CORRIDOR_ASSERT(vc_live_.size() * actors_ == msg_vcs_.size());
  CORRIDOR_ASSERT(vcs_live_ + free_vcs_.size() == vc_live_.size());
  std::uint64_t live = 0;
  std::uint64_t deliveries = 0;
  for (const Pending& p : slots_) {
    if (!p.in_use) continue;
    ++live;
    if (p.kind != PendingKind::deliver) continue;
    ++deliveries;
    CORRIDOR_ASSERT_MSG(p.vc_slot < vc_live_.size() && vc_live_[p.vc_slot] == 1, "a message in flight carries a live vector clock");
  }
  CORRIDOR_ASSERT(live == slots_live_);
  CORRIDOR_ASSERT_MSG(vcs_live_ == deliveries, "one vector clock per message in flight");
  std::uint64_t in_flight = 0;
  for (std::uint32_t count : link_in_flight_) in_flight += count;
  CORRIDOR_ASSERT_MSG(in_flight == deliveries, "the links' in-flight counts add up to the messages in flight");
  for (NodeId a = 0; a < actors_; ++a) {
    for (std::uint32_t slot : timers_[a]) {
      CORRIDOR_ASSERT(slot < slots_.size());
      const Pending& p = slots_[slot];
      CORRIDOR_ASSERT_MSG(p.in_use && p.kind == PendingKind::timer && p.target == a, "a node's live timers are its own");
    }
  }
}

template <class M, class D, class T>
EventView Core<M, D, T>::view(EventKind kind, NodeId actor) const {
  EventView v;
  v.step = step_;
  v.true_ns = now_ns_;
  v.actor = actor;
  v.kind = kind;
  if (actor != no_node) {
    v.local_ns = clocks_[actor].wall(now_ns_);
    v.vc = vector_clock(actor);
  }
  return v;
}

template <class M, class D, class T>
void Core<M, D, T>::emit(const EventView& v, std::string summary) {
  for (RunObserver* o : observers_) o->on_event(v);
  if (!record_) return;
  CORRIDOR_ASSERT_MSG(records_.size() < 50'000'000, "a recorded run of 50,000,000 events (lower its step budget)");
  EventRecord r;
  r.step = v.step;
  r.true_ns = v.true_ns;
  r.actor = v.actor;
  r.local_ns = v.local_ns;
  r.kind = v.kind;
  r.source = v.source;
  r.target = v.target;
  r.message_id = v.message_id;
  r.summary = std::move(summary);
  r.vc.assign(v.vc.begin(), v.vc.end());
  count_record_heap(r);
  records_.push_back(std::move(r));
}

template <class M, class D, class T>
void Core<M, D, T>::emit_drop(NodeId from, NodeId to, std::uint64_t message_id, DropReason reason) {
  ++messages_dropped_;
  EventView v = view(EventKind::drop, no_node);
  v.source = from;
  v.target = to;
  v.message_id = message_id;
  v.drop_reason = reason;
  emit(v, record_ ? std::string(to_string(reason)) : std::string());
}

template <class M, class D, class T>
time_ns Core<M, D, T>::draw_delay(const DelaySpec& d) {
  switch (d.kind) {
    case DelaySpec::Kind::constant:
      return d.a_ns;
    case DelaySpec::Kind::uniform:
      return static_cast<time_ns>(chooser_.value(ChoiceKind::delay, static_cast<std::uint64_t>(d.a_ns), [&](std::uint64_t bits) {
        const auto span = static_cast<std::uint64_t>(d.b_ns - d.a_ns) + 1;
        return static_cast<std::uint64_t>(d.a_ns) + static_cast<std::uint64_t>((static_cast<uint128>(bits) * span) >> 64);
      }));
    case DelaySpec::Kind::exponential:
      return static_cast<time_ns>(chooser_.value(ChoiceKind::delay, static_cast<std::uint64_t>(d.a_ns), [&](std::uint64_t bits) {
        const double extra = exponential_from_draw(bits, static_cast<double>(d.b_ns));
        return static_cast<std::uint64_t>(std::min<double>(static_cast<double>(d.a_ns) + extra, static_cast<double>(drawn_delay_ns_max)));
      }));
    case DelaySpec::Kind::normal:
      return static_cast<time_ns>(chooser_.value(ChoiceKind::delay, static_cast<std::uint64_t>(d.a_ns), [&](std::uint64_t bits) {
        const double x = normal_from_draw(bits, static_cast<double>(d.a_ns), static_cast<double>(d.b_ns));
        return static_cast<std::uint64_t>(std::clamp<double>(x, 0.0, static_cast<double>(drawn_delay_ns_max)));
      }));
  }
  return d.a_ns;
}

template <class M, class D, class T>
void Core<M, D, T>::send(NodeId from, NodeId to, M message) {
  if (to >= actors_) {
    throw std::out_of_range(fmt::format("send to node {} but the run has {} actors", to, actors_));
  }
  ++messages_sent_;
  tick(from);
  const std::uint64_t id = next_message_id_++;
  EventView v = view(EventKind::send, from);
  v.source = from;
  v.target = to;
  v.message_id = id;
  emit(v, record_ ? to_text(message) : std::string());
  if (blocked(from, to)) {
    emit_drop(from, to, id, DropReason::partition);
    return;
  }
  const LinkSpec& spec = link_spec(from, to);
  const double loss = std::max(spec.loss, burst_loss_);
  if (chooser_.chance(ChoiceKind::loss, loss)) {
    emit_drop(from, to, id, DropReason::loss);
    return;
  }
  const std::size_t link = std::size_t{from} * actors_ + to;
  const std::uint64_t link_order = link_sent_[link]++;
  const int copies = chooser_.chance(ChoiceKind::dup, spec.dup) ? 2 : 1;
  for (int copy = 0; copy < copies; ++copy) {
    if (spec.capacity > 0 && link_in_flight_[link] >= spec.capacity) {
      emit_drop(from, to, id, DropReason::capacity);
      continue;
    }
    time_ns due = now_ns_ + draw_delay(spec.delay);
    if (spec.fifo) due = std::max(due, link_last_due_ns_[link]);
    link_last_due_ns_[link] = std::max(link_last_due_ns_[link], due);
    const std::uint32_t slot = alloc_slot(PendingKind::deliver, to);
    Pending& p = slots_[slot];
    p.source = from;
    p.message_id = id;
    p.vc_slot = alloc_vc(from);
    p.link_order = link_order;
    if (copy + 1 < copies) p.message = message;
    else p.message = std::move(message);
    in_flight_up(from, to);  // within the capacity: the check above dropped a copy at it
    push(slot, due);
  }
}

template <class M, class D, class T>
TimerId Core<M, D, T>::set_timer(NodeId actor, const T& timer, time_ns delay_min_ns, time_ns delay_max_ns) {
  if (delay_min_ns < 0 || delay_max_ns < delay_min_ns) {
    throw std::invalid_argument(fmt::format("set_timer with delays [{}, {}] ns: the minimum must be >= 0 and <= the "
                                            "maximum", delay_min_ns, delay_max_ns));
  }
  time_ns delay_ns = delay_min_ns;
  if (delay_max_ns > delay_min_ns) {
    const auto span = static_cast<std::uint64_t>(delay_max_ns - delay_min_ns) + 1;
    delay_ns += static_cast<time_ns>(chooser_.below(ChoiceKind::timer, span));
  }
  CORRIDOR_ASSERT(delay_ns >= delay_min_ns && delay_ns <= delay_max_ns);
  const std::uint32_t slot = alloc_slot(PendingKind::timer, actor);
  Pending& p = slots_[slot];
  p.timer = timer;
  p.mono_due_ns = clocks_[actor].monotonic(now_ns_) + delay_ns;
  timers_[actor].push_back(slot);
  // A protocol that sets timers without bound (token-ring's correct variant under duplication,
  // outside its fault model: every copy of the token sets its own) gets a verdict with its seed,
  // as a run over its memory budget does, not a failed assertion of corridor's.
  if (timers_[actor].size() >= timers_per_actor_max) {
    set_violation({.invariant = "timer-budget", .verdict = Verdict::hung, .step = step_, .true_ns = now_ns_,
                   .nodes = {actor},
                   .message = fmt::format("actor {} has {} timers pending at step {}: a protocol that sets timers "
                                          "without bound", actor, timers_[actor].size(), step_)});
  }
  push(slot, std::max(now_ns_, clocks_[actor].true_time_at_monotonic(p.mono_due_ns)));
  return (static_cast<TimerId>(slot) << 32) | p.generation;
}

template <class M, class D, class T>
void Core<M, D, T>::cancel_timer(NodeId actor, TimerId id) {
  const auto slot = static_cast<std::uint32_t>(id >> 32);
  const auto generation = static_cast<std::uint32_t>(id & 0xFFFFFFFFu);
  if (slot >= slots_.size()) return;
  Pending& p = slots_[slot];
  if (!p.in_use || p.generation != generation || p.kind != PendingKind::timer || p.target != actor) return;
  auto& list = timers_[actor];
  if (auto it = std::find(list.begin(), list.end(), slot); it != list.end()) list.erase(it);
  auto& held = held_[actor];
  if (auto it = std::find(held.begin(), held.end(), slot); it != held.end()) held.erase(it);
  free_slot(slot);
}

template <class M, class D, class T>
void Core<M, D, T>::record_history(NodeId actor, OpType type, std::string_view f, std::string key, HistoryValue value) {
  tick(actor);
  HistoryEvent h;
  h.process = actor >= layout_.nodes ? actor - layout_.nodes : actor;
  h.type = type;
  h.f = std::string(f);
  h.key = std::move(key);
  h.value = std::move(value);
  h.true_time_ns = now_ns_;
  h.step = step_;
  CORRIDOR_ASSERT_MSG(history_.size() < 10'000'000, "a history of 10,000,000 events (lower the run's operations)");
  history_.push_back(std::move(h));
  EventView v = view(EventKind::history, actor);
  v.history = &history_.back();
  std::string summary;
  if (record_) {
    const HistoryEvent& e = history_.back();
    summary = fmt::format("{} {}{}{} {}", to_string(e.type), e.f, e.key.empty() ? "" : " ", e.key, format_history_value(e.value));
  }
  emit(v, std::move(summary));
}

template <class M, class D, class T>
void Core<M, D, T>::note(NodeId actor, const std::string& name, std::uint64_t a, std::uint64_t b) {
  tick(actor);
  EventView v = view(EventKind::note, actor);
  v.note = name;
  v.note_a = a;
  v.note_b = b;
  emit(v, record_ ? fmt::format("{} {} {}", name, a, b) : std::string());
}

template <class M, class D, class T>
void Core<M, D, T>::set_links(const FaultEvent& f, int delta) {
  auto adjust = [&](NodeId x, NodeId y) {
    auto& count = blocked_[std::size_t{x} * actors_ + y];
    if (delta > 0) ++count;
    else if (count > 0) --count;
  };
  for (NodeId a : f.nodes) {
    for (NodeId b : f.others) {
      adjust(a, b);
      if (f.both_ways) adjust(b, a);
    }
  }
}

template <class M, class D, class T>
void Core<M, D, T>::crash_actor(NodeId a, bool restart) {
  if (status_[a] == ActorStatus::down || status_[a] == ActorStatus::stopped) return;
  status_[a] = restart ? ActorStatus::down : ActorStatus::stopped;
  for (std::uint32_t slot : timers_[a]) {
    if (slots_[slot].in_use) free_slot(slot);
  }
  timers_[a].clear();
  for (std::uint32_t slot : held_[a]) {
    Pending& p = slots_[slot];
    if (!p.in_use) continue;
    if (p.kind == PendingKind::deliver) {
      CORRIDOR_ASSERT(p.target == a);
      in_flight_down(p.source, p.target);
      free_vc(p.vc_slot);
      const NodeId from = p.source;
      const std::uint64_t id = p.message_id;
      free_slot(slot);
      emit_drop(from, a, id, DropReason::down);
    } else {
      free_slot(slot);
    }
  }
  held_[a].clear();
  tick(a);
  emit(view(EventKind::crash, a), record_ ? std::string(restart ? "crash (will restart)" : "crash-stop") : std::string());
}

template <class M, class D, class T>
void Core<M, D, T>::pause_actor(NodeId a) {
  if (status_[a] != ActorStatus::up) return;
  status_[a] = ActorStatus::paused;
  tick(a);
  emit(view(EventKind::pause, a), record_ ? std::string("pause") : std::string());
}

template <class M, class D, class T>
void Core<M, D, T>::resume_actor(NodeId a) {
  if (status_[a] != ActorStatus::paused) return;
  status_[a] = ActorStatus::up;
  tick(a);
  emit(view(EventKind::resume, a), record_ ? fmt::format("resume ({} events waited)", held_[a].size()) : std::string());
  // Held events fire now, in the order they were due, and before anything else due now: a
  // message sent later on a FIFO link and due exactly now must not overtake them.
  CORRIDOR_ASSERT(front_seq_ > held_[a].size());
  front_seq_ -= held_[a].size();
  std::uint64_t seq = front_seq_;
  for (std::uint32_t slot : held_[a]) {
    if (!slots_[slot].in_use) continue;
    CORRIDOR_ASSERT(slots_[slot].target == a);
    slots_[slot].seq = seq;
    heap_.push_back({now_ns_, seq++, slot});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  held_[a].clear();
}

template <class M, class D, class T>
void Core<M, D, T>::retime_timers(NodeId a) {
  for (std::uint32_t slot : timers_[a]) {
    Pending& p = slots_[slot];
    if (!p.in_use) continue;
    if (std::find(held_[a].begin(), held_[a].end(), slot) != held_[a].end()) continue;
    push(slot, std::max(now_ns_, clocks_[a].true_time_at_monotonic(p.mono_due_ns)));
  }
}

template <class M, class D, class T>
void Core<M, D, T>::apply_fault_begin(std::uint32_t index) {
  const FaultEvent& f = plan_[index];
  const bool ends = f.duration_ns >= 0 && f.kind != FaultKind::heal && f.kind != FaultKind::jump && f.kind != FaultKind::drift;
  switch (f.kind) {
    case FaultKind::crash:
      for (NodeId a : f.nodes) crash_actor(a, f.duration_ns >= 0);
      break;
    case FaultKind::pause:
      for (NodeId a : f.nodes) pause_actor(a);
      break;
    case FaultKind::partition:
      set_links(f, +1);
      emit(view(EventKind::partition, no_node), record_ ? format_fault(f) : std::string());
      break;
    case FaultKind::heal:
      std::fill(blocked_.begin(), blocked_.end(), 0);
      emit(view(EventKind::heal, no_node), record_ ? std::string("heal all links") : std::string());
      break;
    case FaultKind::jump:
      for (NodeId a : f.nodes) {
        clocks_[a].jump(now_ns_, f.amount_ns);
        tick(a);
        emit(view(EventKind::clock_jump, a), record_ ? fmt::format("wall clock jumps {}", format_duration(f.amount_ns)) : std::string());
      }
      break;
    case FaultKind::drift:
      for (NodeId a : f.nodes) {
        clocks_[a].set_drift(now_ns_, f.drift_ppm);
        retime_timers(a);
        tick(a);
        emit(view(EventKind::drift, a), record_ ? fmt::format("drift {}ppm", f.drift_ppm) : std::string());
      }
      break;
    case FaultKind::loss:
      ++loss_bursts_active_;
      burst_loss_ = std::max(burst_loss_, f.probability);
      emit(view(EventKind::loss_burst, no_node), record_ ? fmt::format("loss {} begins", f.probability) : std::string());
      break;
  }
  if (ends) {
    const std::uint32_t slot = alloc_slot(PendingKind::fault_end, no_node);
    slots_[slot].fault_index = index;
    push(slot, now_ns_ + f.duration_ns);
  }
}

template <class M, class D, class T>
void Core<M, D, T>::apply_fault_end(std::uint32_t index) {
  const FaultEvent& f = plan_[index];
  switch (f.kind) {
    case FaultKind::crash:
      for (NodeId a : f.nodes) {
        if (status_[a] != ActorStatus::down) continue;
        status_[a] = ActorStatus::up;
        tick(a);
        emit(view(EventKind::recover, a), record_ ? std::string("restart") : std::string());
        restart_pending(a);
      }
      break;
    case FaultKind::pause:
      for (NodeId a : f.nodes) resume_actor(a);
      break;
    case FaultKind::partition:
      set_links(f, -1);
      emit(view(EventKind::heal, no_node), record_ ? fmt::format("end of: {}", format_fault(f)) : std::string());
      break;
    case FaultKind::loss:
      if (loss_bursts_active_ > 0 && --loss_bursts_active_ == 0) burst_loss_ = 0.0;
      emit(view(EventKind::loss_burst, no_node), record_ ? std::string("loss burst ends") : std::string());
      break;
    case FaultKind::heal:
    case FaultKind::jump:
    case FaultKind::drift:
      break;
  }
}

}  // namespace corridor
