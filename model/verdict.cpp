#include "model/verdict.hpp"

namespace corridor {

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "pass";
    case Verdict::safety: return "safety-violation";
    case Verdict::liveness: return "liveness-violation";
    case Verdict::crashed: return "protocol-crashed";
    case Verdict::hung: return "hung";
  }
  return "?";
}

}  // namespace corridor
