#pragma once
// explorers/distributed_bfs.hpp's RankTransport over MPI (Open MPI's C API): one all-to-all of
// counts and one of bytes per round, reductions and broadcasts on MPI_COMM_WORLD.
#include <mpi.h>

#include <climits>
#include <cstdint>
#include <vector>

#include "explorers/distributed_bfs.hpp"
#include "model/assert.hpp"

namespace corridor::mpi {

class MpiTransport final : public RankTransport {
 public:
  MpiTransport() {
    int rank = 0;
    int size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CORRIDOR_ASSERT(rank >= 0 && size >= 1 && rank < size);
    rank_ = static_cast<std::uint32_t>(rank);
    ranks_ = static_cast<std::uint32_t>(size);
  }

  std::uint32_t rank() const override { return rank_; }
  std::uint32_t ranks() const override { return ranks_; }

  std::vector<std::uint8_t> exchange(const std::vector<std::vector<std::uint8_t>>& out,
                                     std::vector<std::size_t>& from) override {
    CORRIDOR_ASSERT(out.size() == ranks_);
    std::vector<int> send_counts(ranks_), send_offsets(ranks_), receive_counts(ranks_), receive_offsets(ranks_);
    std::vector<std::uint8_t> send;
    for (std::uint32_t r = 0; r < ranks_; ++r) {
      CORRIDOR_ASSERT_MSG(out[r].size() <= INT_MAX && send.size() <= INT_MAX - out[r].size(),
                          "a round's batch must stay below 2 GiB (MPI counts are int)");
      send_offsets[r] = static_cast<int>(send.size());
      send_counts[r] = static_cast<int>(out[r].size());
      send.insert(send.end(), out[r].begin(), out[r].end());
    }
    MPI_Alltoall(send_counts.data(), 1, MPI_INT, receive_counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
    from.assign(ranks_ + 1, 0);
    for (std::uint32_t r = 0; r < ranks_; ++r) {
      CORRIDOR_ASSERT(receive_counts[r] >= 0 && from[r] <= static_cast<std::size_t>(INT_MAX - receive_counts[r]));
      receive_offsets[r] = static_cast<int>(from[r]);
      from[r + 1] = from[r] + static_cast<std::size_t>(receive_counts[r]);
    }
    std::vector<std::uint8_t> in(from[ranks_]);
    MPI_Alltoallv(send.data(), send_counts.data(), send_offsets.data(), MPI_BYTE, in.data(), receive_counts.data(),
                  receive_offsets.data(), MPI_BYTE, MPI_COMM_WORLD);
    return in;
  }

  std::uint64_t sum(std::uint64_t value) override { return reduce(value, MPI_SUM); }
  std::uint64_t max(std::uint64_t value) override { return reduce(value, MPI_MAX); }

  void broadcast(std::vector<std::uint8_t>& bytes, std::uint32_t root) override {
    CORRIDOR_ASSERT(root < ranks_);
    std::uint64_t size = bytes.size();
    MPI_Bcast(&size, 1, MPI_UINT64_T, static_cast<int>(root), MPI_COMM_WORLD);
    CORRIDOR_ASSERT(size <= INT_MAX);
    bytes.resize(size);
    MPI_Bcast(bytes.data(), static_cast<int>(size), MPI_BYTE, static_cast<int>(root), MPI_COMM_WORLD);
  }

  std::vector<std::uint64_t> all_gather(std::uint64_t value) override {
    std::vector<std::uint64_t> values(ranks_);
    MPI_Allgather(&value, 1, MPI_UINT64_T, values.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
    return values;
  }

 private:
  std::uint64_t reduce(std::uint64_t value, MPI_Op op) {
    std::uint64_t result = 0;
    MPI_Allreduce(&value, &result, 1, MPI_UINT64_T, op, MPI_COMM_WORLD);
    return result;
  }

  std::uint32_t rank_ = 0;
  std::uint32_t ranks_ = 1;
};

}  // namespace corridor::mpi
