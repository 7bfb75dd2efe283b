// Semantic segmentation: per-pixel cross-entropy (ignoring label 255) with per-batch
// class-balanced weights, plus 0.5 x soft Dice (Milletari et al. 2016, arXiv:1606.04797).
// Training augmentation (each switchable): random scale then crop back to size, horizontal
// flip, colour jitter; image and mask move together, the mask padded with 255.
// Metrics come from one confusion matrix over the whole split: mIoU (primary), per-class
// IoU (up to 21 classes, Pascal VOC's count; beyond that the lines would drown the rest),
// mean Dice and pixel accuracy.
#include <optbench/sdk.h>

#include <cmath>

#include "confusion.h"
#include "segmentation_scores.h"

namespace F = torch::nn::functional;

namespace {

constexpr std::int64_t kIgnore = 255;
constexpr std::int64_t kMostClassesListed = 21;

class ConfusionAccumulator final : public optbench::MetricAccumulator {
 public:
  explicit ConfusionAccumulator(std::int64_t classes)
      : classes_(classes), confusion_(torch::zeros({classes, classes}, torch::kInt64)) {}
  void update(const optbench::Outputs& outputs, const optbench::Batch& batch) override {
    confusion_ += optbench::segmentation::confusion_counts(outputs.at("logits").argmax(1), batch.at("mask"),
                                                           classes_, kIgnore);
  }
  std::map<std::string, double> compute() const override {
    auto c = confusion_.contiguous();
    const auto s = optbench::segmentation::score_confusion(
        std::vector<std::int64_t>(c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()), classes_);
    std::map<std::string, double> out{{"miou", s.mean_iou}, {"dice", s.mean_dice}, {"pixel_accuracy", s.pixel_accuracy}};
    if (classes_ <= kMostClassesListed)
      for (std::int64_t k = 0; k < classes_; ++k) out["iou_class_" + std::to_string(k)] = s.iou[k];
    return out;
  }

 private:
  std::int64_t classes_;
  torch::Tensor confusion_;
};

class SemanticSegmentation final : public optbench::Task {
 public:
  SemanticSegmentation(const optbench::Params& p, const optbench::DataSpec& spec)
      : classes_(spec.num_classes),
        dice_weight_(p.get<double>("dice_weight")),
        augment_(p.get<bool>("augment")),
        scale_range_(p.get<std::vector<double>>("scale_range")),
        flip_(p.get<bool>("flip")),
        jitter_(p.get<double>("color_jitter")) {
    if (scale_range_[0] > scale_range_[1])
      throw std::invalid_argument("semantic_segmentation: scale_range [" + optbench::format_number(scale_range_[0]) +
                                  ", " + optbench::format_number(scale_range_[1]) + "] has its bounds the wrong way round");
    if (spec.modality != "image" || spec.target() != "mask")
      throw std::invalid_argument("semantic_segmentation needs images with a per-pixel mask (a segmentation dataset)");
    if (spec.num_classes < 2) throw std::invalid_argument("semantic_segmentation needs at least 2 classes");
    if (spec.mean.size() != 3 || spec.std.size() != 3)
      throw std::invalid_argument("semantic_segmentation needs RGB images with per-channel mean and std");
    mean_ = torch::tensor(spec.mean, torch::kFloat64).to(torch::kFloat32).view({1, 3, 1, 1});
    std_ = torch::tensor(spec.std, torch::kFloat64).to(torch::kFloat32).view({1, 3, 1, 1});
  }

  optbench::TrainingPolicy default_policy() const override {
    optbench::TrainingPolicy policy;
    policy.scheduler = "cosine";
    policy.early_stopping_patience = 5;
    return policy;
  }
  std::string primary_metric() const override { return "miou"; }
  bool higher_is_better() const override { return true; }

  void prepare(optbench::Batch& batch, bool training, torch::Generator& generator) const override {
    auto& image = batch.tensors.at("image");
    image = image.to(torch::kFloat32).div_(255.0);
    if (training && augment_) {
      auto& mask = batch.tensors.at("mask");
      for (std::int64_t i = 0; i < image.size(0); ++i) {
        auto [x, m] = scale_and_crop(image[i], mask[i], generator);
        if (flip_ && uniform(generator) < 0.5) {
          x = x.flip({2});
          m = m.flip({1});
        }
        if (jitter_ > 0) x = color_jitter(x, generator);
        image[i].copy_(x);
        mask[i].copy_(m);
      }
    }
    image.sub_(mean_.to(image.device())).div_(std_.to(image.device()));
  }

  torch::Tensor loss(const optbench::Outputs& outputs, const optbench::Batch& batch,
                     const optbench::TrainingPolicy& policy) const override {
    const auto& logits = outputs.at("logits");  // [B, K, H, W]
    const auto& mask = batch.at("mask");         // [B, H, W]
    const auto counted = mask != kIgnore;
    torch::Tensor weights;
    {
      // Class-balanced: each class present in the batch weighs total / (present classes x its count).
      torch::NoGradGuard no_grad;
      const auto counts = torch::bincount(mask.masked_select(counted), {}, classes_).to(torch::kFloat32);
      const auto present = counts > 0;
      weights = torch::where(present, counts.sum() / (present.sum() * counts.clamp_min(1)), torch::ones_like(counts));
    }
    auto ce = F::cross_entropy(logits, mask, F::CrossEntropyFuncOptions().weight(weights).ignore_index(kIgnore)
                                                 .label_smoothing(policy.label_smoothing));
    if (dice_weight_ == 0) return ce;
    // Soft Dice over the counted pixels, averaged over classes, smoothed by 1.
    const auto valid = counted.unsqueeze(1).to(logits.dtype());
    const auto probs = torch::softmax(logits, 1) * valid;
    const auto one_hot = F::one_hot(mask.masked_fill(~counted, 0), classes_).permute({0, 3, 1, 2}).to(logits.dtype()) * valid;
    const auto dims = std::vector<std::int64_t>{0, 2, 3};
    const auto dice = (2 * (probs * one_hot).sum(dims) + 1) / (probs.sum(dims) + one_hot.sum(dims) + 1);
    return ce + dice_weight_ * (1 - dice.mean());
  }

  std::unique_ptr<optbench::MetricAccumulator> metrics() const override {
    return std::make_unique<ConfusionAccumulator>(classes_);
  }
  std::string description() const override {
    std::string aug = "none";
    if (augment_) {
      aug = "random scale in [" + optbench::format_number(scale_range_[0]) + ", " +
            optbench::format_number(scale_range_[1]) + "] (bilinear image, nearest mask) then a random crop "
            "back to size (padding: image 0, mask 255)";
      if (flip_) aug += ", horizontal flip with p = 0.5";
      if (jitter_ > 0)
        aug += ", colour jitter (brightness, contrast, saturation factors in [" + optbench::format_number(1 - jitter_) +
               ", " + optbench::format_number(1 + jitter_) + "], in that order)";
    }
    return "training augmentation: " + aug + "; "
           "pixels scaled to [0,1], then normalised per channel with the dataset's mean/std; loss: "
           "cross-entropy over pixels not labelled 255, weighted per batch so that each present class "
           "counts equally, + " + optbench::format_number(dice_weight_) +
           " x soft Dice (mean over classes, smoothed by 1); metrics over the whole split: mIoU "
           "(mean over classes present or predicted), per-class IoU (up to 21 classes), mean Dice, pixel accuracy";
  }

 private:
  static double uniform(torch::Generator& generator, double lo = 0.0, double hi = 1.0) {
    return lo + (hi - lo) * torch::rand({1}, generator, torch::kFloat64).item<double>();
  }

  // One image [3, S, S] and mask [S, S]: resized by a random factor, then a random S x S window
  // (a smaller result is padded first: image 0, mask ignored).
  std::pair<torch::Tensor, torch::Tensor> scale_and_crop(const torch::Tensor& image, const torch::Tensor& mask,
                                                         torch::Generator& generator) const {
    const auto size = image.size(1);
    const auto scaled = std::max<std::int64_t>(
        1, std::llround(size * uniform(generator, scale_range_[0], scale_range_[1])));
    const auto to = std::vector<std::int64_t>{scaled, scaled};
    auto x = F::interpolate(image.unsqueeze(0), F::InterpolateFuncOptions().size(to).mode(torch::kBilinear)
                                                    .align_corners(false))[0];
    // Nearest-exact as PIL's NEAREST (the ATen op: F::interpolate warns on every call in this mode).
    auto m = torch::_upsample_nearest_exact2d(mask.unsqueeze(0).unsqueeze(0).to(torch::kFloat32), to)[0][0]
                 .to(torch::kInt64);
    if (scaled < size) {
      const auto pad = size - scaled;
      x = F::pad(x, F::PadFuncOptions({0, pad, 0, pad}));
      m = F::pad(m, F::PadFuncOptions({0, pad, 0, pad}).value(kIgnore));
    }
    const auto room = x.size(1) - size;
    const auto top = static_cast<std::int64_t>(uniform(generator) * (room + 1)) % (room + 1);
    const auto left = static_cast<std::int64_t>(uniform(generator) * (room + 1)) % (room + 1);
    return {x.narrow(1, top, size).narrow(2, left, size), m.narrow(0, top, size).narrow(1, left, size)};
  }

  // Brightness, contrast and saturation as torchvision's ColorJitter defines them, in that order.
  torch::Tensor color_jitter(torch::Tensor x, torch::Generator& generator) const {
    auto gray = [](const torch::Tensor& y) {  // ITU-R 601-2 luma, as torchvision's rgb_to_grayscale
      return (0.299 * y[0] + 0.587 * y[1] + 0.114 * y[2]).unsqueeze(0);
    };
    x = (x * uniform(generator, 1 - jitter_, 1 + jitter_)).clamp(0, 1);
    const auto c = uniform(generator, 1 - jitter_, 1 + jitter_);
    x = (c * x + (1 - c) * gray(x).mean()).clamp(0, 1);
    const auto s = uniform(generator, 1 - jitter_, 1 + jitter_);
    return (s * x + (1 - s) * gray(x)).clamp(0, 1);
  }

  std::int64_t classes_;
  double dice_weight_;
  bool augment_;
  std::vector<double> scale_range_;
  bool flip_;
  double jitter_;
  torch::Tensor mean_, std_;  // [1, 3, 1, 1], CPU
};

}  // namespace

OPTBENCH_PLUGIN("semantic_segmentation", "1.0.0", [](optbench::Registrar& r) {
  r.task("semantic_segmentation", "semantic segmentation: balanced cross-entropy + soft Dice, mIoU")
      .param("dice_weight", 0.5, "weight of the soft Dice term added to the cross-entropy", optbench::non_negative)
      .param("augment", true, "training augmentation on (scale and crop, then flip and colour jitter as set)")
      .param("scale_range", std::vector<double>{0.5, 2.0}, "random scale factor range before cropping back to size",
             optbench::positive)
      .param("flip", true, "random horizontal flip (p = 0.5)")
      .param("color_jitter", 0.2, "brightness, contrast and saturation factors in [1 - x, 1 + x]; 0 disables",
             optbench::unit_right_open)
      .factory<SemanticSegmentation>();
})
