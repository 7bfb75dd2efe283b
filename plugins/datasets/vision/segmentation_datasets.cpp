// Semantic segmentation datasets: Oxford-IIIT Pet trimaps (Parkhi et al. 2012) and ADE20K's
// SceneParsing release, ADEChallengeData2016 (Zhou et al. 2017). Loading lists the files and
// reads every header (format, size, image and mask agreeing); batch() decodes on the host's
// worker threads, resizes to image_size x image_size (images bilinear with antialiasing, as
// torchvision's Resize; masks nearest, as PIL's NEAREST) and stacks:
// "image" uint8 [B, 3, S, S], "mask" int64 [B, S, S] with 255 = ignore.
#include <optbench/sdk.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "data_paths.h"
#include "image_decoding.h"
#include "split_dataset.h"

namespace fs = std::filesystem;
namespace F = torch::nn::functional;
using optbench::vision::decode_labels;
using optbench::vision::decode_rgb;
using optbench::vision::read_image_info;

namespace {

constexpr std::int64_t kIgnore = 255;

struct Sample {
  std::string image, mask;
};

struct SegmentationSplit {
  std::vector<Sample> samples;
  std::string origin;
  std::int64_t size() const { return static_cast<std::int64_t>(samples.size()); }
};

// File value -> class id, kIgnore, or -1 for a value the dataset never has.
using LabelMap = std::array<std::int16_t, 256>;

class SegmentationDataset final : public optbench::datasets::SplitDataset<SegmentationSplit> {
 public:
  SegmentationDataset(std::string description, optbench::DataSpec spec, std::map<std::string, SegmentationSplit> splits,
                      LabelMap labels, std::string accepted_values)
      : SplitDataset(std::move(description), std::move(spec), std::move(splits), "images"),
        labels_(labels),
        accepted_(std::move(accepted_values)),
        size_(data_spec().input_shape[1]) {}

  optbench::Batch batch(const std::string& split, const torch::Tensor& indices) const override {
    const auto& samples = get(split).samples;
    const auto n = indices.size(0);
    auto images = torch::empty({n, 3, size_, size_}, torch::kUInt8);
    auto masks = torch::empty({n, size_, size_}, torch::kInt64);
    auto idx = indices.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < n; ++i) {
      const Sample& s = samples.at(idx[i]);
      auto image = decode_rgb(s.image);
      auto labels = decode_labels(s.mask);
      if (image.width != labels.width || image.height != labels.height)
        throw std::runtime_error(s.mask + ": " + std::to_string(labels.width) + "x" + std::to_string(labels.height) +
                                 " does not match its image " + s.image);
      auto rgb = torch::from_blob(image.pixels.data(), {1, image.height, image.width, 3}, torch::kUInt8)
                     .permute({0, 3, 1, 2}).to(torch::kFloat32);
      rgb = F::interpolate(rgb, F::InterpolateFuncOptions().size(std::vector<std::int64_t>{size_, size_})
                                    .mode(torch::kBilinear).align_corners(false).antialias(true));
      images[i].copy_(rgb[0].round_().clamp_(0, 255));
      masks[i].copy_(resize_mask(map_labels(labels, s.mask)));
    }
    optbench::Batch b;
    b.tensors["image"] = images;
    b.tensors["mask"] = masks;
    b.size = n;
    return b;
  }

 private:
  torch::Tensor map_labels(const optbench::vision::Image& labels, const std::string& path) const {
    auto out = torch::empty({1, 1, labels.height, labels.width}, torch::kFloat32);
    float* dst = out.data_ptr<float>();
    for (size_t p = 0; p < labels.pixels.size(); ++p) {
      const auto v = labels_[labels.pixels[p]];
      if (v < 0)
        throw std::runtime_error(path + ": value " + std::to_string(labels.pixels[p]) + " at pixel (" +
                                 std::to_string(p % labels.width) + ", " + std::to_string(p / labels.width) +
                                 ") is not a label of this dataset (accepted: " + accepted_ + ")");
      dst[p] = v;
    }
    return out;
  }
  // Nearest-exact samples each output pixel's centre, as PIL's NEAREST does. (The ATen op:
  // LibTorch 1.13's F::interpolate warns about align_corners on every call in this mode.)
  torch::Tensor resize_mask(const torch::Tensor& mask) const {
    return torch::_upsample_nearest_exact2d(mask, {size_, size_})[0][0].to(torch::kInt64);
  }

  LabelMap labels_;
  std::string accepted_;
  std::int64_t size_;
};

// Keeps the samples whose image and mask headers read and agree; the others are an error
// or, with on_corrupt = "skip", left out and listed in `skipped`.
std::vector<Sample> check_headers(std::vector<Sample> samples, bool skip, std::vector<std::string>& skipped) {
  std::vector<Sample> kept;
  for (auto& s : samples) {
    try {
      const auto image = read_image_info(s.image), mask = read_image_info(s.mask);
      if (mask.format != optbench::vision::ImageFormat::kPng)
        throw std::runtime_error(s.mask + ": a label image must be PNG (JPEG compression changes the label values)");
      if (image.width != mask.width || image.height != mask.height)
        throw std::runtime_error(s.mask + ": " + std::to_string(mask.width) + "x" + std::to_string(mask.height) +
                                 " does not match its image " + s.image + " (" + std::to_string(image.width) + "x" +
                                 std::to_string(image.height) + ")");
      kept.push_back(std::move(s));
    } catch (const std::exception& e) {
      if (!skip)
        throw std::runtime_error(std::string(e.what()) + " (on_corrupt = \"skip\" leaves such samples out)");
      skipped.push_back(e.what());
    }
  }
  return kept;
}

optbench::DataSpec segmentation_spec(std::int64_t classes, std::int64_t size) {
  optbench::DataSpec spec;
  spec.modality = "image";
  spec.num_classes = classes;
  spec.input_shape = {3, size, size};
  spec.mean = {0.485, 0.456, 0.406};  // ImageNet statistics, as the original suite's Normalize
  spec.std = {0.229, 0.224, 0.225};
  spec.attributes["target"] = "mask";
  spec.attributes["ignore_index"] = std::to_string(kIgnore);
  return spec;
}

std::string skipped_text(const std::vector<std::string>& skipped) {
  if (skipped.empty()) return "";
  std::string out = "; " + std::to_string(skipped.size()) + " corrupt sample(s) left out:";
  for (const auto& s : skipped) out += "\n    " + s;
  return out;
}

// ---- Oxford-IIIT Pet: annotations/{trainval,test}.txt list "NAME CLASS SPECIES BREED" ----

std::vector<Sample> read_pet_list(const fs::path& dir, const std::string& file) {
  const fs::path list = optbench::datasets::find_data_file(dir / "annotations", {file}, "Oxford-IIIT Pet");
  std::ifstream in(list);
  std::vector<Sample> samples;
  std::string line;
  for (std::int64_t number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name;
    int class_id = 0, species = 0, breed = 0;
    if (!(fields >> name >> class_id >> species >> breed))
      throw std::runtime_error(list.string() + ":" + std::to_string(number) +
                               ": expected \"NAME CLASS-ID SPECIES BREED-ID\", got \"" + line + "\"");
    samples.push_back({(dir / "images" / (name + ".jpg")).string(), (dir / "annotations" / "trimaps" / (name + ".png")).string()});
  }
  if (samples.empty()) throw std::runtime_error(list.string() + ": lists no images");
  return samples;
}

std::shared_ptr<optbench::Dataset> make_pet(const optbench::Params& p) {
  const fs::path dir = optbench::datasets::find_data_dir(p.get<std::string>("root"), {"", "oxford-iiit-pet"},
                                                     "annotations/trainval.txt", "Oxford-IIIT Pet");
  const auto size = p.get<std::int64_t>("image_size");
  const auto border = p.get<std::string>("border");
  const bool skip = p.get<std::string>("on_corrupt") == "skip";
  // Trimap values: 1 pet, 2 background, 3 border (the outline between them).
  LabelMap labels;
  labels.fill(-1);
  labels[1] = 1;
  labels[2] = 0;
  labels[3] = border == "ignore" ? kIgnore : border == "pet" ? 1 : 2;
  std::map<std::string, SegmentationSplit> splits;
  std::vector<std::string> skipped;
  for (const auto& [split, file] : {std::pair<const char*, const char*>{"train", "trainval.txt"}, {"test", "test.txt"}})
    splits[split] = {check_headers(read_pet_list(dir, file), skip, skipped),
                     (dir / "annotations" / file).string() + " (images/*.jpg, annotations/trimaps/*.png)"};
  const std::int64_t classes = border == "class" ? 3 : 2;
  const std::string border_text = border == "ignore" ? "ignored (255)" : border == "pet" ? "pet" : "class 2";
  return std::make_shared<SegmentationDataset>(
      "Oxford-IIIT Pet trimaps: background = class 0, pet = class 1, border " + border_text + "; resized to " +
          std::to_string(size) + "x" + std::to_string(size) + " (bilinear images, nearest masks)" + skipped_text(skipped),
      segmentation_spec(classes, size), std::move(splits), labels, "1 = pet, 2 = background, 3 = border");
}

// ---- ADE20K (SceneParsing): images/{training,validation}/*.jpg, annotations/.../*.png ----

std::vector<Sample> list_ade(const fs::path& dir, const std::string& split) {
  const fs::path images = dir / "images" / split;
  if (!fs::is_directory(images)) throw std::runtime_error("ADE20K: no directory " + images.string());
  std::vector<Sample> samples;
  for (const auto& entry : fs::directory_iterator(images)) {
    if (entry.path().extension() != ".jpg") continue;
    samples.push_back({entry.path().string(),
                       (dir / "annotations" / split / entry.path().filename().replace_extension(".png")).string()});
  }
  std::sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) { return a.image < b.image; });
  if (samples.empty()) throw std::runtime_error("ADE20K: no .jpg images in " + images.string());
  return samples;
}

std::shared_ptr<optbench::Dataset> make_ade(const optbench::Params& p) {
  const fs::path dir = optbench::datasets::find_data_dir(p.get<std::string>("root"), {"", "ADEChallengeData2016"},
                                                     "images/training", "ADE20K (ADEChallengeData2016)");
  const auto size = p.get<std::int64_t>("image_size");
  const bool skip = p.get<std::string>("on_corrupt") == "skip";
  // Values 1..150 are the classes, 0 is "other" and ignored.
  LabelMap labels;
  labels.fill(-1);
  labels[0] = kIgnore;
  for (int v = 1; v <= 150; ++v) labels[v] = static_cast<std::int16_t>(v - 1);
  std::map<std::string, SegmentationSplit> splits;
  std::vector<std::string> skipped;
  // The challenge's test labels are not public: its validation split is the one results are reported on.
  for (const auto& [split, folder] : {std::pair<const char*, const char*>{"train", "training"}, {"test", "validation"}})
    splits[split] = {check_headers(list_ade(dir, folder), skip, skipped),
                     (dir / "images" / folder).string() + " and " + (dir / "annotations" / folder).string()};
  return std::make_shared<SegmentationDataset>(
      "ADE20K SceneParsing (ADEChallengeData2016; its validation split serves as the test split): 150 classes, "
      "file value v -> class v - 1, 0 (other) ignored (255); resized to " + std::to_string(size) + "x" +
          std::to_string(size) + " (bilinear images, nearest masks)" + skipped_text(skipped),
      segmentation_spec(150, size), std::move(splits), labels, "0 (ignored) to 150");
}

}  // namespace

OPTBENCH_PLUGIN("segmentation_datasets", "1.0.0", [](optbench::Registrar& r) {
  r.dataset("oxford_iiit_pet", "Oxford-IIIT Pet trimap segmentation; Parkhi et al. 2012")
      .param("root", "data/oxford-iiit-pet", "directory holding images/ and annotations/ (or oxford-iiit-pet/)")
      .param("image_size", 256, "images and masks are resized to image_size x image_size", optbench::at_least_one)
      .choice("border", "ignore", {"ignore", "pet", "class"},
              "the trimap's border pixels: ignored (255), counted as pet, or a third class")
      .choice("on_corrupt", "error", {"error", "skip"},
              "an unreadable image or mask stops loading with its name, or is left out and listed")
      .factory(make_pet);
  r.dataset("ade20k", "ADE20K SceneParsing, 150 classes (ADEChallengeData2016); Zhou et al. 2017")
      .param("root", "data/ADEChallengeData2016", "directory holding images/ and annotations/ (or ADEChallengeData2016/)")
      .param("image_size", 256, "images and masks are resized to image_size x image_size", optbench::at_least_one)
      .choice("on_corrupt", "error", {"error", "skip"},
              "an unreadable image or mask stops loading with its name, or is left out and listed")
      .factory(make_ade);
})
