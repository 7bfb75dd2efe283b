// The segmentation plugins called directly through the registry: the task's loss on
// hand-computed cases (class-balanced cross-entropy, soft Dice, the ignore label),
// augmentation that keeps image and mask aligned, and DeepLabV3's backbone checkpoint.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <unistd.h>

#include <cmath>
#include <cstring>

#include "in_tree_plugins.h"
#include "safetensors_writer.h"

using namespace optbench;
using namespace optbench::core;

namespace {

using optbench::testing::in_tree_plugins;
using optbench::testing::params_of;

std::shared_ptr<Task> segmentation_task(const std::string& toml_text, std::int64_t classes) {
  DataSpec spec;
  spec.modality = "image";
  spec.num_classes = classes;
  spec.input_shape = {3, 16, 16};
  spec.mean = {0.5, 0.5, 0.5};
  spec.std = {0.25, 0.25, 0.25};
  spec.attributes["target"] = "mask";
  return in_tree_plugins().make_task("semantic_segmentation", params_of(Kind::kTask, "semantic_segmentation", toml_text),
                                     spec);
}

double loss_of(const Task& task, const torch::Tensor& logits, const torch::Tensor& mask) {
  Batch batch;
  batch.tensors["mask"] = mask;
  batch.size = mask.size(0);
  return task.loss({{"logits", logits}}, batch, task.default_policy()).item<double>();
}

}  // namespace

TEST(SemanticSegmentationLoss, EachPresentClassWeighsTheSameAndIgnoredPixelsNothing) {
  const auto task = segmentation_task("dice_weight = 0.0", 2);
  // Pixels (logit of class 0, of class 1): truth 0, 0, 0, 1, and one ignored (255) predicted wrong.
  const auto logits = torch::tensor({0.5, -1.0, 2.0, 0.0, 10.0, 0.3, 0.2, -2.0, 1.0, 9.0}, torch::kFloat64)
                          .view({1, 5, 2}).permute({0, 2, 1}).unsqueeze(3).to(torch::kFloat32);  // [1, 2, 5, 1]
  const auto mask = torch::tensor({0, 0, 0, 1, 255}, torch::kInt64).view({1, 5, 1});
  auto nll = [](double own, double other) { return -own + std::log(std::exp(own) + std::exp(other)); };
  const double class0 = (nll(0.5, -1.0) + nll(2.0, 0.0) + nll(10.0, 0.3)) / 3, class1 = nll(-2.0, 0.2);
  EXPECT_NEAR(loss_of(*task, logits, mask), (class0 + class1) / 2, 1e-6);
}

TEST(SemanticSegmentationLoss, SoftDiceOnOnePixel) {
  const auto task = segmentation_task("", 2);  // dice_weight 0.5
  // One pixel of class 0 with probabilities (0.75, 0.25).
  const auto logits = torch::tensor({std::log(3.0), 0.0}, torch::kFloat32).view({1, 2, 1, 1});
  const auto mask = torch::zeros({1, 1, 1}, torch::kInt64);
  const double dice0 = (2 * 0.75 + 1) / (0.75 + 1 + 1), dice1 = (0 + 1) / (0.25 + 0 + 1);
  EXPECT_NEAR(loss_of(*task, logits, mask), -std::log(0.75) + 0.5 * (1 - (dice0 + dice1) / 2), 1e-6);
}

TEST(SemanticSegmentationAugmentation, ImageAndMaskMoveTogether) {
  const auto task = segmentation_task("color_jitter = 0.0", 2);
  // Left half class 1 with pixel value 204, right half class 0 with 51, on 16 images.
  const std::int64_t n = 16, s = 16;
  auto column = torch::arange(s).view({1, 1, s}).expand({n, s, s});
  Batch batch;
  batch.tensors["mask"] = (column < s / 2).to(torch::kInt64).contiguous();
  batch.tensors["image"] = torch::where(column < s / 2, 204, 51).to(torch::kUInt8).unsqueeze(1).expand({n, 3, s, s}).contiguous();
  batch.size = n;
  auto generator = at::detail::createCPUGenerator(3);
  task->prepare(batch, /*training=*/true, generator);
  const auto image = batch.at("image") * 0.25 + 0.5;  // back to [0, 1]
  const auto mask = batch.at("mask");
  int flipped = 0, padded = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    padded += (mask[i] == 255).any().item<bool>();
    // Class 1 starts on the left: only a flipped image has a 0 -> 1 step going right.
    flipped += ((mask[i].slice(1, 0, s - 1) == 0) & (mask[i].slice(1, 1, s) == 1)).any().item<bool>();
    for (std::int64_t y = 2; y < s - 2; ++y)
      for (std::int64_t x = 2; x < s - 2; ++x) {
        const auto window = mask[i].slice(0, y - 2, y + 3).slice(1, x - 2, x + 3);
        const auto label = mask[i][y][x].item<std::int64_t>();
        if (!(window == label).all().item<bool>()) continue;  // near an edge: blended pixels
        const double expected = label == 255 ? 0.0 : label == 1 ? 0.8 : 0.2;
        EXPECT_NEAR(image[i][0][y][x].item<double>(), expected, 1e-5) << "image " << i << " at " << y << ", " << x;
      }
  }
  EXPECT_GT(flipped, 0) << "16 images, each flipped with p = 0.5";
  EXPECT_GT(padded, 0) << "scales below 1 pad with the ignore label";

  // Evaluation batches are left as they are (only normalised).
  Batch eval;
  eval.tensors["mask"] = torch::zeros({1, s, s}, torch::kInt64);
  eval.tensors["image"] = torch::full({1, 3, s, s}, 204, torch::kUInt8);
  eval.size = 1;
  task->prepare(eval, /*training=*/false, generator);
  EXPECT_TRUE(torch::allclose(eval.at("image"), torch::full({1, 3, s, s}, (0.8 - 0.5) / 0.25)));
}

// DeepLabV3's backbone loads a ResNet-50 checkpoint with torchvision's names: every parameter
// and batch-norm statistic lands where it should; a wrong shape is named.
TEST(DeepLabV3, BackboneCheckpointLoadsByTorchvisionNames) {
  DataSpec spec;
  spec.modality = "image";
  spec.num_classes = 3;
  spec.input_shape = {3, 32, 32};
  spec.attributes["target"] = "mask";
  auto make = [&](const std::string& extra) {
    return in_tree_plugins().make_model(
        "deeplabv3_resnet50", params_of(Kind::kModel, "deeplabv3_resnet50", "width = 4\naspp_channels = 8\n" + extra),
        spec);
  };
  torch::manual_seed(0);
  auto source = make("");
  std::map<std::string, optbench::testing::StoredTensor> tensors;
  std::int64_t k = 0;
  for (const auto& p : source->named_parameters())
    if (p.key().rfind("backbone.", 0) == 0) tensors[p.key().substr(9)] = optbench::testing::stored(torch::full_like(p.value(), ++k * 0.25));
  for (const auto& b : source->named_buffers())
    if (b.key().rfind("backbone.", 0) == 0)
      tensors[b.key().substr(9)] = b.value().scalar_type() == torch::kInt64
                                       ? optbench::testing::stored(torch::full_like(b.value(), 7), "I64")
                                       : optbench::testing::stored(torch::full_like(b.value(), ++k * 0.25));
  ASSERT_GT(tensors.count("layer3.5.conv3.weight"), 0u);  // ResNet-50: 3, 4, 6, 3 bottlenecks
  ASSERT_GT(tensors.count("layer1.0.downsample.1.running_var"), 0u);
  const auto dir = std::filesystem::temp_directory_path() / ("optbench_deeplab_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  optbench::testing::write_safetensors(dir / "resnet50.safetensors", tensors);

  auto loaded = make("backbone_checkpoint = \"" + (dir / "resnet50.safetensors").string() + "\"");
  std::int64_t checked = 0;
  for (const auto& p : loaded->named_parameters())
    if (p.key().rfind("backbone.", 0) == 0) {
      const auto& t = tensors.at(p.key().substr(9));
      EXPECT_EQ(std::memcmp(p.value().contiguous().data_ptr(), t.bytes.data(), t.bytes.size()), 0) << p.key();
      ++checked;
    }
  for (const auto& b : loaded->named_buffers())
    if (b.key().rfind("backbone.", 0) == 0) {
      const auto& t = tensors.at(b.key().substr(9));
      EXPECT_EQ(std::memcmp(b.value().contiguous().data_ptr(), t.bytes.data(), t.bytes.size()), 0) << b.key();
      ++checked;
    }
  EXPECT_EQ(checked, static_cast<std::int64_t>(tensors.size()));
  EXPECT_NE(loaded->description().find("backbone: " + std::to_string(tensors.size()) + " tensors from"), std::string::npos)
      << loaded->description();
  // The forward pass keeps the input's size (output stride 8, upsampled back).
  Batch batch;
  batch.tensors["image"] = torch::randn({2, 3, 32, 32});
  batch.size = 2;
  EXPECT_EQ(loaded->forward(batch).at("logits").sizes(), (std::vector<std::int64_t>{2, 3, 32, 32}));

  tensors["layer2.0.conv1.weight"] = optbench::testing::stored(torch::zeros({1, 2, 3}));
  optbench::testing::write_safetensors(dir / "bad.safetensors", tensors);
  try {
    make("backbone_checkpoint = \"" + (dir / "bad.safetensors").string() + "\"");
    ADD_FAILURE() << "a wrong shape loaded";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("bad.safetensors: tensor 'layer2.0.conv1.weight' has shape [1, 2, 3] but the "
                                         "backbone expects [8, 16, 1, 1]"),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove_all(dir);
}
