// Segmentation networks: U-Net (Ronneberger et al. 2015, arXiv:1505.04597) with batch norm
// and bilinear upsampling, and DeepLabV3 (Chen et al. 2017, arXiv:1706.05587) on a dilated
// ResNet-50 with torchvision's parameter names, so that a ResNet-50 checkpoint converted to
// safetensors loads as its backbone. Outputs "logits" [B, classes, H, W] at the input's size.
#include <optbench/sdk.h>

#include <cstring>

#include "safetensors_file.h"

namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {

void require_masks(const optbench::DataSpec& spec, const char* model) {
  if (spec.modality != "image" || spec.input_shape.size() != 3 || spec.target() != "mask" || spec.num_classes < 2)
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

// ResNet bottleneck (torchvision's names): 1x1, 3x3 (stride, dilation), 1x1 x4, identity or projection.
class BottleneckImpl : public nn::Module {
 public:
  BottleneckImpl(std::int64_t in, std::int64_t width, std::int64_t stride, std::int64_t dilation, bool project) {
    conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in, width, 1).bias(false)));
    bn1 = register_module("bn1", nn::BatchNorm2d(width));
    conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(width, width, 3).stride(stride).padding(dilation)
                                                    .dilation(dilation).bias(false)));
    bn2 = register_module("bn2", nn::BatchNorm2d(width));
    conv3 = register_module("conv3", nn::Conv2d(nn::Conv2dOptions(width, 4 * width, 1).bias(false)));
    bn3 = register_module("bn3", nn::BatchNorm2d(4 * width));
    if (project)
      downsample = register_module("downsample", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, 4 * width, 1)
                                                                               .stride(stride).bias(false)),
                                                                nn::BatchNorm2d(4 * width)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto y = torch::relu(bn1(conv1(x)));
    y = torch::relu(bn2(conv2(y)));
    y = bn3(conv3(y));
    return torch::relu(y + (downsample ? downsample->forward(x) : x));
  }
  nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  nn::Sequential downsample{nullptr};
};
TORCH_MODULE(Bottleneck);

nn::Sequential conv_bn_relu(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t dilation = 1) {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, kernel).padding(kernel / 2 * dilation)
                                       .dilation(dilation).bias(false)),
                        nn::BatchNorm2d(out), nn::ReLU(nn::ReLUOptions(true)));
}

// Copies a ResNet-50 checkpoint (torchvision/timm names: conv1, bn1, layer1.0.conv1, ...; the
// classifier "fc" is not used) into the backbone: parameters and batch-norm statistics.
std::string load_backbone(nn::Module& backbone, const std::string& path) {
  const optbench::text_models::SafetensorsFile st(path);
  std::int64_t loaded = 0;
  torch::NoGradGuard no_grad;
  auto copy = [&](const std::string& name, torch::Tensor& target) {
    auto it = st.entries().find(name);
    if (it == st.entries().end()) throw std::runtime_error(path + ": no tensor '" + name + "'; is this a ResNet-50?");
    const auto& entry = it->second;
    const auto dtype = entry.dtype == "F32" ? torch::kFloat32 : entry.dtype == "F16" ? torch::kFloat16
                     : entry.dtype == "I64" ? torch::kInt64 : torch::kFloat64;
    if (entry.dtype != "F32" && entry.dtype != "F16" && entry.dtype != "I64" && entry.dtype != "F64")
      throw std::runtime_error(path + ": tensor '" + name + "' has dtype " + entry.dtype + " (expected F32, F16, F64 or I64)");
    if (entry.shape != target.sizes().vec())
      throw std::runtime_error(path + ": tensor '" + name + "' has shape " + optbench::text_models::shape_text(entry.shape) +
                               " but the backbone expects " + optbench::text_models::shape_text(target.sizes().vec()) +
                               " (set width to the checkpoint's)");
    auto buffer = torch::empty(entry.shape, dtype);  // aligned copy of possibly unaligned bytes
    std::memcpy(buffer.data_ptr(), st.data(entry), entry.end - entry.begin);
    target.copy_(buffer);
    ++loaded;
  };
  for (auto& p : backbone.named_parameters()) copy(p.key(), p.value());
  for (auto& b : backbone.named_buffers())
    if (st.entries().count(b.key()) || b.key().find("num_batches_tracked") == std::string::npos) copy(b.key(), b.value());
  return "backbone: " + std::to_string(loaded) + " tensors from " + path;
}

class ResNet50BackboneImpl : public nn::Module {
 public:
  // Output stride 8: layer3 and layer4 dilate (2, 4) instead of striding, as torchvision's
  // replace_stride_with_dilation = [False, True, True]; 16: only layer4.
  ResNet50BackboneImpl(std::int64_t in, std::int64_t width, std::int64_t output_stride) {
    conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in, width, 7).stride(2).padding(3).bias(false)));
    bn1 = register_module("bn1", nn::BatchNorm2d(width));
    const std::int64_t blocks[4] = {3, 4, 6, 3};
    const bool dilate[4] = {false, false, output_stride == 8, true};
    std::int64_t channels = width, dilation = 1;
    for (int l = 0; l < 4; ++l) {
      nn::Sequential layer;
      std::int64_t stride = l == 0 ? 1 : 2;
      const std::int64_t previous = dilation;
      if (dilate[l]) {
        dilation *= stride;
        stride = 1;
      }
      const std::int64_t w = width << l;
      for (std::int64_t b = 0; b < blocks[l]; ++b) {
        layer->push_back(Bottleneck(channels, w, b == 0 ? stride : 1, b == 0 ? previous : dilation,
                                    b == 0 && (stride != 1 || channels != 4 * w)));
        channels = 4 * w;
      }
      layers[l] = register_module("layer" + std::to_string(l + 1), layer);
    }
    out_channels = channels;
  }
  torch::Tensor forward(torch::Tensor x) {
    x = torch::max_pool2d(torch::relu(bn1(conv1(x))), 3, 2, 1);
    for (auto& layer : layers) x = layer->forward(x);
    return x;
  }
  nn::Conv2d conv1{nullptr};
  nn::BatchNorm2d bn1{nullptr};
  nn::Sequential layers[4];
  std::int64_t out_channels = 0;
};
TORCH_MODULE(ResNet50Backbone);

class DeepLabV3 final : public optbench::Model {
 public:
  DeepLabV3(const optbench::Params& p, const optbench::DataSpec& spec) {
    require_masks(spec, "deeplabv3_resnet50");
    const auto output_stride = p.get<std::int64_t>("output_stride");
    if (output_stride != 8 && output_stride != 16)
      throw std::invalid_argument("deeplabv3_resnet50: output_stride must be 8 or 16, got " + std::to_string(output_stride));
    const auto width = p.get<std::int64_t>("width"), aspp = p.get<std::int64_t>("aspp_channels");
    backbone_ = register_module("backbone", ResNet50Backbone(spec.input_shape[0], width, output_stride));
    const std::int64_t in = backbone_->out_channels;
    // ASPP: 1x1, three atrous 3x3 (rates 12, 24, 36 at stride 8; halved at 16), image pooling.
    const std::int64_t scale = output_stride == 8 ? 2 : 1;
    aspp_->push_back(conv_bn_relu(in, aspp, 1));
    for (std::int64_t rate : {6, 12, 18}) aspp_->push_back(conv_bn_relu(in, aspp, 3, rate * scale));
    aspp_->push_back(conv_bn_relu(in, aspp, 1));  // after global average pooling
    register_module("aspp", aspp_);
    project_ = register_module("project", conv_bn_relu(5 * aspp, aspp, 1));
    head_ = register_module("head", conv_bn_relu(aspp, aspp, 3));
    classifier_ = register_module("classifier", nn::Conv2d(nn::Conv2dOptions(aspp, spec.num_classes, 1)));
    description_ = "deeplabv3_resnet50: ResNet-50 (base width " + std::to_string(width) + ", output stride " +
                   std::to_string(output_stride) + ", dilated), ASPP (" + std::to_string(aspp) +
                   " channels, rates " + std::to_string(6 * scale) + "/" + std::to_string(12 * scale) + "/" +
                   std::to_string(18 * scale) + ", image pooling), 3x3 head, bilinear upsampling to the input";
    const auto checkpoint = p.get<std::string>("backbone_checkpoint");
    description_ += "; " + (checkpoint.empty() ? std::string("backbone trained from scratch")
                                               : load_backbone(*backbone_, checkpoint));
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    const auto& image = batch.at("image");
    const auto features = backbone_->forward(image);
    std::vector<torch::Tensor> branches;
    for (size_t i = 0; i + 1 < aspp_->size(); ++i) branches.push_back(aspp_[i]->as<nn::Sequential>()->forward(features));
    auto pooled = aspp_[aspp_->size() - 1]->as<nn::Sequential>()->forward(torch::adaptive_avg_pool2d(features, {1, 1}));
    branches.push_back(pooled.expand({-1, -1, features.size(2), features.size(3)}));
    auto x = torch::dropout(project_->forward(torch::cat(branches, 1)), 0.5, is_training());
    x = classifier_(head_->forward(x));
    return {{"logits", F::interpolate(x, F::InterpolateFuncOptions()
                                             .size(std::vector<std::int64_t>{image.size(2), image.size(3)})
                                             .mode(torch::kBilinear).align_corners(false))}};
  }
  std::string description() const override { return description_; }

 private:
  ResNet50Backbone backbone_{nullptr};
  nn::ModuleList aspp_;
  nn::Sequential project_{nullptr}, head_{nullptr};
  nn::Conv2d classifier_{nullptr};
  std::string description_;
};

}  // namespace

OPTBENCH_PLUGIN("segmentation_models", "1.0.0", [](optbench::Registrar& r) {
  r.model("unet", "U-Net with batch norm and bilinear upsampling; Ronneberger et al. 2015, arXiv:1505.04597")
      .param("width", 64, "channels of the first level (doubled per pooling)", optbench::at_least_one)
      .param("depth", 4, "max-poolings (levels below the first)", optbench::at_least_one)
      .factory<UNet>();
  r.model("deeplabv3_resnet50", "DeepLabV3 on a dilated ResNet-50 with ASPP; Chen et al. 2017, arXiv:1706.05587")
      .param("output_stride", 8, "input size / feature size: 8 (layer3 and layer4 dilated) or 16 (layer4 only)",
             optbench::at_least_one)
      .param("width", 64, "ResNet-50 base width (torchvision: 64)", optbench::at_least_one)
      .param("aspp_channels", 256, "channels of the ASPP branches and the head", optbench::at_least_one)
      .param("backbone_checkpoint", std::string(),
             "ResNet-50 weights as safetensors with torchvision's names (conv1, bn1, layer1.0.conv1, ...); "
             "empty: from scratch")
      .factory<DeepLabV3>();
})
