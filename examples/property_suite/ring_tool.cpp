// The `ring` program (corridor_add_tool in CMakeLists.txt): every corridor subcommand over the
// token ring and the built-in protocols. `ring replay` takes the traces the property suite writes.
#include "token_ring.hpp"

namespace {
const corridor::ProtocolRegistrar token_ring{ring::token_ring_entry};
}  // namespace
