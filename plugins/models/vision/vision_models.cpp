// Image classifiers: a small CNN trained from scratch, and ResNet-18
// (He et al. 2016, arXiv:1512.03385) with the CIFAR stem for 32x32 inputs.
#include <optbench/sdk.h>

namespace nn = torch::nn;

namespace {

void require_image(const optbench::DataSpec& spec, const char* model) {
  if (spec.modality != "image" || spec.input_shape.size() != 3 || spec.num_classes < 2)
    throw std::invalid_argument(std::string(model) +
                                " needs image data (C x H x W) with at least 2 classes");
}

// conv(3x3) -> ReLU -> max-pool, twice, then a hidden layer with dropout.
class CnnScratch final : public optbench::Model {
 public:
  CnnScratch(const optbench::Params& p, const optbench::DataSpec& spec) {
    require_image(spec, "cnn_scratch");
    const auto channels = p.get<std::vector<std::int64_t>>("channels");
    const auto hidden = p.get<std::int64_t>("hidden");
    dropout_p_ = p.get<double>("dropout");
    const std::int64_t in = spec.input_shape[0], h = spec.input_shape[1], w = spec.input_shape[2];
    if (h < 4 || w < 4) throw std::invalid_argument("cnn_scratch needs images of at least 4x4");
    conv1_ = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in, channels[0], 3).padding(1)));
    conv2_ = register_module("conv2",
                             nn::Conv2d(nn::Conv2dOptions(channels[0], channels[1], 3).padding(1)));
    fc1_ = register_module("fc1", nn::Linear(channels[1] * (h / 4) * (w / 4), hidden));
    fc2_ = register_module("fc2", nn::Linear(hidden, spec.num_classes));
    description_ = "cnn_scratch: conv3x3(" + std::to_string(channels[0]) + ")-relu-maxpool, conv3x3(" +
                   std::to_string(channels[1]) + ")-relu-maxpool, fc(" + std::to_string(hidden) +
                   ")-relu-dropout(" + optbench::format_number(dropout_p_) + "), fc(" +
                   std::to_string(spec.num_classes) + ")";
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    optbench::Outputs out;
    auto x = out["layer:conv1"] = torch::max_pool2d(torch::relu(conv1_(batch.at("image"))), 2);
    x = out["layer:conv2"] = torch::max_pool2d(torch::relu(conv2_(x)), 2);
    x = out["layer:fc1"] = torch::relu(fc1_(x.flatten(1)));
    out["logits"] = fc2_(torch::dropout(x, dropout_p_, is_training()));
    return out;
  }
  std::string description() const override { return description_; }

 private:
  nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  nn::Linear fc1_{nullptr}, fc2_{nullptr};
  double dropout_p_ = 0;
  std::string description_;
};

// Two 3x3 convolutions with batch norm and an identity (or 1x1 projection) shortcut.
class BasicBlockImpl : public nn::Module {
 public:
  BasicBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride) {
    conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    bn1 = register_module("bn1", nn::BatchNorm2d(out));
    conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", nn::BatchNorm2d(out));
    if (stride != 1 || in != out) {
      shortcut = register_module(
          "shortcut", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)),
                                     nn::BatchNorm2d(out)));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto y = torch::relu(bn1(conv1(x)));
    y = bn2(conv2(y));
    return torch::relu(y + (shortcut ? shortcut->forward(x) : x));
  }
  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  nn::Sequential shortcut{nullptr};
};
TORCH_MODULE(BasicBlock);

class ResNet18 final : public optbench::Model {
 public:
  ResNet18(const optbench::Params& p, const optbench::DataSpec& spec) {
    require_image(spec, "resnet18");
    const std::int64_t width = p.get<std::int64_t>("width");
    // CIFAR stem: one 3x3 stride-1 convolution, no max-pool (He et al. 2016, section 4.2).
    stem_ = register_module("stem", nn::Conv2d(nn::Conv2dOptions(spec.input_shape[0], width, 3).padding(1).bias(false)));
    bn_ = register_module("bn", nn::BatchNorm2d(width));
    std::int64_t in = width;
    for (int stage = 0; stage < 4; ++stage) {
      const std::int64_t out = width << stage;
      for (int block = 0; block < 2; ++block) {
        const std::int64_t stride = (stage > 0 && block == 0) ? 2 : 1;
        blocks_->push_back(BasicBlock(in, out, stride));
        in = out;
      }
    }
    register_module("layers", blocks_);
    fc_ = register_module("fc", nn::Linear(in, spec.num_classes));
    description_ = "resnet18 (CIFAR stem: 3x3 conv, no max-pool), base width " + std::to_string(width) +
                   ", " + std::to_string(spec.num_classes) + " classes";
  }

  optbench::Outputs forward(const optbench::Batch& batch) override {
    optbench::Outputs out;
    auto x = out["layer:stem"] = torch::relu(bn_(stem_(batch.at("image"))));
    for (std::size_t i = 0; i < blocks_->size(); ++i) {
      x = blocks_->ptr<BasicBlockImpl>(i)->forward(x);
      if (i % 2 == 1) out["layer:stage" + std::to_string(i / 2 + 1)] = x;
    }
    x = out["layer:pool"] = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
    out["logits"] = fc_(x);
    return out;
  }
  std::string description() const override { return description_; }

 private:
  nn::Conv2d stem_{nullptr};
  nn::BatchNorm2d bn_{nullptr};
  nn::Sequential blocks_;
  nn::Linear fc_{nullptr};
  std::string description_;
};

}  // namespace

OPTBENCH_PLUGIN("vision_models", "1.0.0", [](optbench::Registrar& r) {
  r.model("cnn_scratch", "small CNN trained from scratch (two conv blocks and a hidden layer)")
      .param("channels", std::vector<std::int64_t>{32, 64}, "output channels of the two conv layers",
             optbench::at_least_one)
      .param("hidden", 128, "width of the hidden fully connected layer", optbench::at_least_one)
      .param("dropout", 0.25, "dropout before the classifier", optbench::unit_right_open)
      .factory<CnnScratch>();
  r.model("resnet18", "ResNet-18 with the CIFAR stem; He et al. 2016, arXiv:1512.03385")
      .param("width", 64, "channels of the first stage (doubled per stage)", optbench::at_least_one)
      .factory<ResNet18>();
})
