// Image classification: cross-entropy with label smoothing (Szegedy et al. 2016,
// arXiv:1512.00567), accuracy as the primary metric. Augmentation runs on the
// whole batch: RandomRotation as one grid_sample, RandomCrop + flip as gathers.
#include <optbench/sdk.h>

#include <cmath>

namespace F = torch::nn::functional;

namespace {

class ImageClassification final : public optbench::Task {
 public:
  ImageClassification(const optbench::Params& p, const optbench::DataSpec& spec)
      : augment_(p.get<std::string>("augment")),
        degrees_(p.get<double>("rotation_degrees")),
        padding_(p.get<std::int64_t>("crop_padding")) {
    if (spec.modality != "image")
      throw std::invalid_argument("image_classification needs an image dataset, got modality '" +
                                  spec.modality + "'");
    if (spec.num_classes < 2)
      throw std::invalid_argument("image_classification needs at least 2 classes");
    if (const std::string target = spec.target(); !target.empty() && target != "label")
      throw std::invalid_argument("image_classification needs one label per image, but this dataset's target is '" +
                                  target + "'" + (target == "mask" ? " (use the semantic_segmentation task)" : ""));
    if (spec.input_shape.size() != 3 ||
        spec.mean.size() != static_cast<size_t>(spec.input_shape[0]) ||
        spec.std.size() != spec.mean.size())
      throw std::invalid_argument(
          "image_classification needs C x H x W images with per-channel mean and std");
    if (augment_ == "auto") {
      auto it = spec.attributes.find("augment");
      augment_ = it == spec.attributes.end() ? "none" : it->second;
    }
    const auto channels = spec.input_shape[0];
    mean_ = torch::tensor(spec.mean, torch::kFloat64).to(torch::kFloat32).view({1, channels, 1, 1});
    std_ = torch::tensor(spec.std, torch::kFloat64).to(torch::kFloat32).view({1, channels, 1, 1});
  }

  optbench::TrainingPolicy default_policy() const override {
    optbench::TrainingPolicy policy;
    policy.scheduler = "cosine";
    policy.early_stopping_patience = 5;
    policy.max_grad_norm = 0.0;
    policy.label_smoothing = 0.1;
    return policy;
  }
  std::string primary_metric() const override { return "accuracy"; }
  bool higher_is_better() const override { return true; }

  void prepare(optbench::Batch& batch, bool training, torch::Generator& generator) const override {
    auto& image = batch.tensors.at("image");
    auto x = image.to(torch::kFloat32).div_(255.0);
    if (training && augment_ == "rotate") x = rotate(x, generator);
    if (training && augment_ == "crop_flip") x = flip(crop(x, generator), generator);
    image = x.sub_(mean_.to(x.device())).div_(std_.to(x.device()));
  }

  torch::Tensor loss(const optbench::Outputs& outputs, const optbench::Batch& batch,
                     const optbench::TrainingPolicy& policy) const override {
    return F::cross_entropy(outputs.at("logits"), batch.at("label"),
                            F::CrossEntropyFuncOptions().label_smoothing(policy.label_smoothing));
  }
  std::unique_ptr<optbench::MetricAccumulator> metrics() const override {
    return std::make_unique<optbench::AccuracyAccumulator>();
  }
  std::string description() const override {
    std::string aug = "none";
    if (augment_ == "rotate")
      aug = "random rotation within ±" + optbench::format_number(degrees_) + " degrees (nearest, fill 0)";
    if (augment_ == "crop_flip")
      aug = "random crop to the image size after zero-padding " + std::to_string(padding_) +
            " pixels, then horizontal flip with p = 0.5";
    return "pixels scaled to [0,1], then normalised per channel with the dataset's mean/std; "
           "training augmentation: " + aug + "; loss: cross-entropy with label smoothing; "
           "metric: top-1 accuracy";
  }

 private:
  // RandomRotation(degrees): angle ~ U(-d, d) per image, nearest sampling, fill 0.
  torch::Tensor rotate(const torch::Tensor& x, torch::Generator& generator) const {
    const auto n = x.size(0);
    auto angle = (torch::rand({n}, generator, torch::kFloat32) * 2 - 1) * (degrees_ * M_PI / 180.0);
    angle = angle.to(x.device());
    auto c = angle.cos(), s = angle.sin(), z = torch::zeros_like(angle);
    auto theta = torch::stack({torch::stack({c, -s, z}, 1), torch::stack({s, c, z}, 1)}, 1);
    auto grid = F::affine_grid(theta, x.sizes(), /*align_corners=*/false);
    return F::grid_sample(x, grid, F::GridSampleFuncOptions().mode(torch::kNearest)
                                       .padding_mode(torch::kZeros).align_corners(false));
  }
  // RandomCrop(H x W, padding p): zero-pad then a random window per image.
  torch::Tensor crop(const torch::Tensor& x, torch::Generator& generator) const {
    if (padding_ == 0) return x;
    const auto n = x.size(0), h = x.size(2), w = x.size(3);
    auto padded = F::pad(x, F::PadFuncOptions({padding_, padding_, padding_, padding_}));
    auto offsets = torch::randint(0, 2 * padding_ + 1, {n, 2}, generator, torch::kInt64);
    auto acc = offsets.accessor<std::int64_t, 2>();
    auto out = torch::empty_like(x);
    for (std::int64_t i = 0; i < n; ++i)
      out[i].copy_(padded[i].narrow(1, acc[i][0], h).narrow(2, acc[i][1], w));
    return out;
  }
  torch::Tensor flip(const torch::Tensor& x, torch::Generator& generator) const {
    auto mask = (torch::rand({x.size(0)}, generator, torch::kFloat32) < 0.5).to(x.device());
    return torch::where(mask.view({-1, 1, 1, 1}), x.flip({3}), x);
  }

  std::string augment_;
  double degrees_;
  std::int64_t padding_;
  torch::Tensor mean_, std_;  // [1, C, 1, 1], CPU
};

}  // namespace

OPTBENCH_PLUGIN("image_classification", "1.0.0", [](optbench::Registrar& r) {
  r.task("image_classification", "image classification: cross-entropy with label smoothing, accuracy")
      .choice("augment", "auto", {"auto", "none", "rotate", "crop_flip"},
              "training augmentation; auto follows the dataset (MNIST-like: rotate, CIFAR: crop_flip)")
      .param("rotation_degrees", 10.0, "RandomRotation range in degrees", optbench::non_negative)
      .param("crop_padding", 4, "RandomCrop zero padding in pixels", optbench::non_negative)
      .factory<ImageClassification>();
})
