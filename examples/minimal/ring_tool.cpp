// The `ring` program (corridor_add_tool in CMakeLists.txt): `ring list`, `ring run token-ring`,
// `ring replay`, `ring shrink`, `ring render`, `ring explore token-ring`, ... over the token ring
// and every built-in protocol. Registering is one line per protocol.
#include "token_ring.hpp"

namespace {
const corridor::ProtocolRegistrar token_ring{ring::token_ring_entry};
}  // namespace
