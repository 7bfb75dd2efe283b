// MNIST (LeCun et al. 1998), Fashion-MNIST (Xiao et al. 2017, arXiv:1708.07747)
// and CIFAR-10 (Krizhevsky 2009). Each split is decoded once into one uint8
// tensor [N, C, H, W]; a batch is an index_select of rows.
#include <optbench/sdk.h>

#include <filesystem>

#include "cifar_format.h"
#include "idx_format.h"

namespace fs = std::filesystem;

namespace {

struct ImageSplit {
  torch::Tensor images;  // uint8 [N, C, H, W]
  torch::Tensor labels;  // int64 [N]
  std::vector<std::string> files;
};

class ImageDataset final : public optbench::Dataset {
 public:
  ImageDataset(std::string title, optbench::DataSpec spec, std::map<std::string, ImageSplit> splits)
      : title_(std::move(title)), spec_(std::move(spec)), splits_(std::move(splits)) {}

  optbench::DataSpec spec() const override { return spec_; }
  std::vector<std::string> splits() const override {
    std::vector<std::string> names;
    for (const auto& [name, split] : splits_) names.push_back(name);
    return names;
  }
  std::int64_t size(const std::string& split) const override { return get(split).labels.size(0); }
  optbench::Batch batch(const std::string& split, const torch::Tensor& indices) const override {
    const ImageSplit& s = get(split);
    optbench::Batch b;
    b.tensors["image"] = s.images.index_select(0, indices);
    b.tensors["label"] = s.labels.index_select(0, indices);
    b.size = indices.size(0);
    return b;
  }
  std::string description() const override {
    std::string out = title_ + ": uint8 images of shape [";
    for (size_t i = 0; i < spec_.input_shape.size(); ++i)
      out += (i ? "," : "") + std::to_string(spec_.input_shape[i]);
    out += "], " + std::to_string(spec_.num_classes) + " classes.";
    for (const auto& [name, s] : splits_) {
      out += "\n  " + name + ": " + std::to_string(s.labels.size(0)) + " samples from ";
      for (size_t i = 0; i < s.files.size(); ++i) out += (i ? ", " : "") + s.files[i];
    }
    return out;
  }

 private:
  const ImageSplit& get(const std::string& split) const {
    auto it = splits_.find(split);
    if (it == splits_.end()) throw std::invalid_argument(title_ + " has no split '" + split + "'");
    return it->second;
  }
  std::string title_;
  optbench::DataSpec spec_;
  std::map<std::string, ImageSplit> splits_;
};

// `stem` or `stem.gz` in root; the error lists both.
std::string find_file(const fs::path& root, const std::string& stem) {
  for (const auto& name : {stem, stem + ".gz"}) {
    fs::path p = root / name;
    if (fs::is_regular_file(p)) return p.string();
  }
  throw std::runtime_error("missing data file: neither " + (root / stem).string() + " nor " +
                           (root / (stem + ".gz")).string() + " exists");
}

ImageSplit read_idx_split(const fs::path& root, const std::string& prefix) {
  using optbench::vision::read_idx;
  ImageSplit s;
  const std::string image_path = find_file(root, prefix + "-images-idx3-ubyte");
  const std::string label_path = find_file(root, prefix + "-labels-idx1-ubyte");
  auto images = read_idx(image_path);
  auto labels = read_idx(label_path);
  if (images.dims.size() != 3)
    throw std::runtime_error(image_path + ": expected a 3-dimensional IDX array (N x rows x cols), got " +
                             std::to_string(images.dims.size()) + " dimensions");
  if (labels.dims.size() != 1)
    throw std::runtime_error(label_path + ": expected a 1-dimensional IDX array of labels, got " +
                             std::to_string(labels.dims.size()) + " dimensions");
  if (images.dims[0] != labels.dims[0])
    throw std::runtime_error(image_path + " holds " + std::to_string(images.dims[0]) +
                             " images but " + label_path + " holds " +
                             std::to_string(labels.dims[0]) + " labels");
  for (size_t i = 0; i < labels.data.size(); ++i)
    if (labels.data[i] > 9)
      throw std::runtime_error(label_path + ": label " + std::to_string(i) + " is " +
                               std::to_string(labels.data[i]) + "; accepted: 0 to 9");
  const std::int64_t n = images.dims[0], h = images.dims[1], w = images.dims[2];
  s.images = torch::from_blob(images.data.data(), {n, 1, h, w}, torch::kUInt8).clone();
  s.labels = torch::from_blob(labels.data.data(), {n}, torch::kUInt8).to(torch::kInt64);
  s.files = {image_path, label_path};
  return s;
}

std::shared_ptr<optbench::Dataset> make_idx_dataset(const std::string& title,
                                                    const optbench::Params& p, double mean,
                                                    double std) {
  const fs::path root = p.get<std::string>("root");
  if (!fs::is_directory(root))
    throw std::runtime_error(title + ": root directory " + root.string() + " does not exist");
  std::map<std::string, ImageSplit> splits;
  splits["train"] = read_idx_split(root, "train");
  splits["test"] = read_idx_split(root, "t10k");
  const auto& train = splits["train"].images;
  const auto& test = splits["test"].images;
  if (train.size(2) != test.size(2) || train.size(3) != test.size(3))
    throw std::runtime_error(splits["test"].files[0] + " holds " + std::to_string(test.size(2)) + "x" +
                             std::to_string(test.size(3)) + " images but " + splits["train"].files[0] + " holds " +
                             std::to_string(train.size(2)) + "x" + std::to_string(train.size(3)) +
                             " ones: every split must have one image size");
  optbench::DataSpec spec;
  spec.modality = "image";
  spec.num_classes = 10;
  spec.input_shape = {1, splits["train"].images.size(2), splits["train"].images.size(3)};
  spec.mean = {mean};
  spec.std = {std};
  spec.attributes["augment"] = "rotate";  // the original suite: RandomRotation(10)
  return std::make_shared<ImageDataset>(title, spec, std::move(splits));
}

ImageSplit read_cifar_split(const fs::path& dir, const std::vector<std::string>& names) {
  optbench::vision::CifarRecords records;
  ImageSplit s;
  for (const auto& name : names) {
    s.files.push_back(find_file(dir, name));
    optbench::vision::read_cifar10_batch(s.files.back(), records);
  }
  const auto n = static_cast<std::int64_t>(records.labels.size());
  s.images = torch::from_blob(records.images.data(), {n, 3, 32, 32}, torch::kUInt8).clone();
  s.labels = torch::from_blob(records.labels.data(), {n}, torch::kUInt8).to(torch::kInt64);
  return s;
}

std::shared_ptr<optbench::Dataset> make_cifar10(const optbench::Params& p) {
  fs::path root = p.get<std::string>("root");
  // Accept the archive's own folder or its parent.
  if (fs::is_directory(root / "cifar-10-batches-bin")) root /= "cifar-10-batches-bin";
  if (!fs::is_directory(root))
    throw std::runtime_error("cifar10: root directory " + root.string() + " does not exist");
  std::map<std::string, ImageSplit> splits;
  splits["train"] = read_cifar_split(
      root, {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
             "data_batch_5.bin"});
  splits["test"] = read_cifar_split(root, {"test_batch.bin"});
  optbench::DataSpec spec;
  spec.modality = "image";
  spec.num_classes = 10;
  spec.input_shape = {3, 32, 32};
  spec.mean = {0.4914, 0.4822, 0.4465};
  spec.std = {0.2470, 0.2435, 0.2616};
  spec.attributes["augment"] = "crop_flip";  // RandomCrop(32, padding 4) + horizontal flip
  return std::make_shared<ImageDataset>("CIFAR-10", spec, std::move(splits));
}

}  // namespace

OPTBENCH_PLUGIN("vision_datasets", "1.0.0", [](optbench::Registrar& r) {
  r.dataset("mnist", "MNIST handwritten digits, IDX files (.gz or raw); LeCun et al. 1998")
      .param("root", "data/mnist", "directory with {train,t10k}-{images,labels}-idx*-ubyte[.gz]")
      .factory([](const optbench::Params& p) { return make_idx_dataset("MNIST", p, 0.1307, 0.3081); });
  r.dataset("fashion_mnist",
            "Fashion-MNIST, IDX files (.gz or raw); Xiao et al. 2017, arXiv:1708.07747")
      .param("root", "/usr/share/datasets/fashion-mnist",
             "directory with {train,t10k}-{images,labels}-idx*-ubyte[.gz] (Debian: dataset-fashion-mnist)")
      .factory([](const optbench::Params& p) {
        return make_idx_dataset("Fashion-MNIST", p, 0.2860, 0.3530);
      });
  r.dataset("cifar10", "CIFAR-10 binary version (data_batch_1..5.bin, test_batch.bin); Krizhevsky 2009")
      .param("root", "data/cifar10", "directory holding cifar-10-batches-bin/ or its files")
      .factory(make_cifar10);
})
