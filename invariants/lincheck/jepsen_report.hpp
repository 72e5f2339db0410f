#pragma once
// The result of a check as Jepsen's Knossos prints it: an EDN map, so that a Jepsen user can read
// corridor's verdict where Knossos's would be.
//
//   {:valid? false
//    :analyzer :corridor
//    :op {:process 1, :type :ok, :f :read, :value 3, :index 7}   ; cannot be linearized
//    :last-op {...}                                               ; the last of the longest prefix
//    :configs [{:model {:value 1}, :last-op {...}, :pending [...]}]}
//
// :valid? is true, false or :unknown (with :cause). A history split into keys (Jepsen's
// independent checker) wraps the failing key's map as {:valid? false, :results {k {...}},
// :failures [k]}. Operations are the events of the history: the completion (the invocation when
// there is none), with :index, the event's position, and :line, the file's line.
#include <string>

#include "invariants/lincheck/lincheck.hpp"
#include "model/history.hpp"

namespace corridor::lincheck {

std::string jepsen_result_edn(const History& history, const LincheckOptions& options, const LincheckResult& result);

// A value as EDN: nil, 3, "text", [1 2], a transaction as [[:read :x 1] [:write :y 2]].
std::string edn_value(const HistoryValue& value);

}  // namespace corridor::lincheck
