// The roles optimizers read from parameter groups (ParamGroup::roles): the kind of module that
// holds each parameter and whether it is in the output layer, on in-tree models built through the
// registry as a run builds them.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "in_tree_plugins.h"
#include "training/assemble.h"

using namespace optbench;
using namespace optbench::core;
using optbench::testing::in_tree_plugins;
using optbench::testing::params_of;

namespace {

struct Seen {
  ModuleKind module;
  bool output_layer;
  std::size_t group;
};

// Every parameter's role and group, by name.
std::map<std::string, Seen> roles_of(Model& model, const std::vector<std::string>& exclude = {}) {
  std::map<std::string, Seen> out;
  const auto groups = make_param_groups(model, exclude);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    EXPECT_EQ(groups[g].roles.size(), groups[g].params.size());
    for (std::size_t i = 0; i < groups[g].names.size(); ++i)
      out[groups[g].names[i]] = {groups[g].role(i).module, groups[g].role(i).output_layer, g};
  }
  return out;
}

std::vector<std::string> output_layer(const std::map<std::string, Seen>& roles) {
  std::vector<std::string> names;
  for (const auto& [name, seen] : roles)
    if (seen.output_layer) names.push_back(name);
  return names;
}

DataSpec text_spec() {
  DataSpec spec;
  spec.modality = "text";
  spec.vocabulary = {"<pad>", "a", "b", "c", "d"};
  spec.pad_id = 0;
  spec.input_shape = {8};
  spec.attributes["target"] = "next_token";
  return spec;
}

std::shared_ptr<Model> small_resnet() {
  DataSpec spec;
  spec.modality = "image";
  spec.num_classes = 10;
  spec.input_shape = {3, 32, 32};
  return in_tree_plugins().make_model("resnet18", params_of(Kind::kModel, "resnet18", "width = 8\n"), spec);
}

TEST(ParamRoles, ResNetHasConvolutionsNormsAndItsClassifierAsOutputLayer) {
  auto model = small_resnet();
  const auto roles = roles_of(*model);
  EXPECT_EQ(roles.at("stem.weight").module, ModuleKind::kConv);
  EXPECT_EQ(roles.at("bn.weight").module, ModuleKind::kNorm);
  EXPECT_EQ(roles.at("fc.weight").module, ModuleKind::kLinear);
  EXPECT_EQ(output_layer(roles), (std::vector<std::string>{"fc.bias", "fc.weight"}));
}

TEST(ParamRoles, GptSmallsOutputLayerIsItsTiedTokenEmbedding) {
  auto model = in_tree_plugins().make_model(
      "gpt_small", params_of(Kind::kModel, "gpt_small", "dim = 16\nlayers = 1\nheads = 2\n"), text_spec());
  const auto roles = roles_of(*model);
  EXPECT_EQ(roles.at("wte.weight").module, ModuleKind::kEmbedding);
  EXPECT_EQ(roles.at("wpe.weight").module, ModuleKind::kEmbedding);
  EXPECT_EQ(roles.at("ln_f.weight").module, ModuleKind::kNorm);
  EXPECT_EQ(output_layer(roles), (std::vector<std::string>{"wte.weight"}));
  std::size_t linear = 0;
  for (const auto& [name, seen] : roles) linear += seen.module == ModuleKind::kLinear;
  EXPECT_GE(linear, 4u);  // attention and MLP projections
}

TEST(ParamRoles, GruLmsDecoderIsTheOutputLayerTiedOrNot) {
  for (const bool tied : {false, true}) {
    const std::string toml = "embedding_dim = 8\nhidden_size = 8\nlayers = 1\ntie_weights = " +
                             std::string(tied ? "true" : "false") + "\n";
    auto model = in_tree_plugins().make_model("gru_lm", params_of(Kind::kModel, "gru_lm", toml), text_spec());
    const auto roles = roles_of(*model);
    EXPECT_EQ(output_layer(roles), tied ? (std::vector<std::string>{"decoder_bias", "embedding.weight"})
                                        : (std::vector<std::string>{"decoder_bias", "decoder_weight"}));
  }
}

TEST(ParamRoles, FollowTheirParametersIntoTheGroupWithoutWeightDecay) {
  auto model = small_resnet();
  const auto roles = roles_of(*model, {"bias", "norm"});
  EXPECT_EQ(roles.at("fc.bias").group, 1u);
  EXPECT_TRUE(roles.at("fc.bias").output_layer);
  EXPECT_EQ(roles.at("bn.weight").group, 1u);
  EXPECT_EQ(roles.at("bn.weight").module, ModuleKind::kNorm);
  EXPECT_EQ(roles.at("fc.weight").group, 0u);
  EXPECT_TRUE(roles.at("fc.weight").output_layer);
}

}  // namespace
