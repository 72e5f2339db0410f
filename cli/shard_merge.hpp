#pragma once
// `corridor merge`: the shard folders of one campaign (cli/shard.hpp) combined into the summary,
// traces and pictures the campaign run unsharded writes. Shards that do not belong together
// (protocol, variant, master seed, configuration digest, shard count), a shard given twice or a
// shard missing are refused with InputError naming the file and the reason; nothing is written
// then.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/verdict.hpp"

namespace corridor::cli {

struct MergedCampaign {
  nlohmann::json summary;        // written to <out>/<protocol>/<variant>/summary.json
  std::string summary_path;
  Verdict verdict = Verdict::pass;
  std::vector<std::string> trace_paths;  // copied into <out>, in run-index order
  std::size_t shards = 0;
};

inline constexpr std::size_t merge_dirs_max = 1'000'000;

MergedCampaign merge_shards(const std::vector<std::string>& dirs, const std::string& out_dir);

}  // namespace corridor::cli
