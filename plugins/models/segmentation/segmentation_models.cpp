// Segmentation networks: U-Net (Ronneberger et al. 2015, arXiv:1505.04597) with batch norm
// and bilinear upsampling. Outputs "logits" [B, classes, H, W] at the input's resolution.
#include <optbench/sdk.h>

namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {

void require_masks(const optbench::DataSpec& spec, const char* model) {
  auto target = spec.attributes.find("target");
  if (spec.modality != "image" || spec.input_shape.size() != 3 || target == spec.attributes.end() ||
      target->second != "mask" || spec.num_classes < 2)
    throw std::invalid_argument(std::string(model) +
                                " needs images (C x H x W) with per-pixel masks of at least 2 classes");
}

// (3x3 conv, batch norm, ReLU) twice.
nn::Sequential double_conv(std::int64_t in, std::int64_t out) {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(false)), nn::BatchNorm2d(out),
                        nn::ReLU(nn::ReLUOptions(true)),
                        nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1).bias(false)), nn::BatchNorm2d(out),
                        nn::ReLU(nn::ReLUOptions(true)));
}

class UNet final : public optbench::Model {
 public:
  UNet(const optbench::Params& p, const optbench::DataSpec& spec) {
    require_masks(spec, "unet");
    const auto w = p.get<std::int64_t>("width"), depth = p.get<std::int64_t>("depth");
    std::int64_t in = spec.input_shape[0];
    std::vector<std::int64_t> widths;
    for (std::int64_t level = 0; level <= depth; ++level) {
      widths.push_back(w << level);
      down_->push_back(double_conv(in, widths.back()));
      in = widths.back();
    }
    // Each decoder level takes the upsampled features and the encoder's skip at that level.
    for (std::int64_t level = depth - 1; level >= 0; --level) {
      up_->push_back(double_conv(in + widths[level], widths[level]));
      in = widths[level];
    }
    register_module("down", down_);
    register_module("up", up_);
    head_ = register_module("head", nn::Conv2d(nn::Conv2dOptions(in, spec.num_classes, 1)));
    description_ = "unet: " + std::to_string(depth) + " poolings, widths " + std::to_string(w) + " to " +
                   std::to_string(widths.back()) + " (3x3 conv-BN-ReLU twice per level), bilinear upsampling "
                   "with skip concatenation, 1x1 head to " + std::to_string(spec.num_classes) + " classes";
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    auto x = batch.at("image");
    std::vector<torch::Tensor> skips;
    for (size_t level = 0; level < down_->size(); ++level) {
      if (level > 0) x = torch::max_pool2d(x, 2);
      x = down_[level]->as<nn::Sequential>()->forward(x);
      skips.push_back(x);
    }
    for (size_t i = 0; i < up_->size(); ++i) {
      const auto& skip = skips[skips.size() - 2 - i];
      // Upsampled to the skip's own size, so that any input size works (odd sizes included).
      x = F::interpolate(x, F::InterpolateFuncOptions().size(std::vector<std::int64_t>{skip.size(2), skip.size(3)})
                                .mode(torch::kBilinear).align_corners(false));
      x = up_[i]->as<nn::Sequential>()->forward(torch::cat({x, skip}, 1));
    }
    return {{"logits", head_(x)}};
  }
  std::string description() const override { return description_; }

 private:
  nn::ModuleList down_, up_;
  nn::Conv2d head_{nullptr};
  std::string description_;
};

}  // namespace

OPTBENCH_PLUGIN("segmentation_models", "1.0.0", [](optbench::Registrar& r) {
  r.model("unet", "U-Net with batch norm and bilinear upsampling; Ronneberger et al. 2015, arXiv:1505.04597")
      .param("width", 64, "channels of the first level (doubled per pooling)", optbench::at_least_one)
      .param("depth", 4, "max-poolings (levels below the first)", optbench::at_least_one)
      .factory<UNet>();
})
