// Semantic segmentation end to end: Oxford-IIIT Pet and ADE20K fixtures in their real layouts
// (JPEG images, PNG trimaps and masks, list files), U-Net trained by the host, corrupt files
// named or skipped.
#include <random>

#include "fixtures.h"
#include "image_files.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace optbench::testing;

namespace {

// A bright blob on a dark, noisy background; `labels(inside, ring)` gives each pixel's file value.
template <class Labels>
void write_blob_pair(const fs::path& image, const fs::path& mask, int w, int h, std::mt19937& rng, bool palette,
                     Labels labels) {
  std::uniform_int_distribution<int> noise(-20, 20);
  std::uniform_real_distribution<double> where(0.3, 0.7);
  const double cx = where(rng) * w, cy = where(rng) * h, r = 0.25 * std::min(w, h);
  std::vector<std::uint8_t> rgb;
  std::vector<std::uint16_t> values;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double d = std::hypot(x - cx, y - cy);
      const bool inside = d < r;
      for (int base : inside ? std::vector<int>{210, 70, 60} : std::vector<int>{40, 50, 45})
        rgb.push_back(static_cast<std::uint8_t>(std::clamp(base + noise(rng), 0, 255)));
      values.push_back(labels(inside, std::abs(d - r) < 1.5));
    }
  fs::create_directories(image.parent_path());
  fs::create_directories(mask.parent_path());
  write_jpeg(image.string(), w, h, JpegColor::kRgb, rgb, 95);
  PngSpec spec{0, 8, {}};
  if (palette) spec = {3, 8, {0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255}};
  write_png(mask.string(), w, h, spec, values);
}

// oxford-iiit-pet/{images,annotations/trimaps,annotations/*.txt}; trimap 1 pet, 2 background, 3 border.
void write_pet_dataset(const fs::path& root, int train, int test) {
  std::mt19937 rng(7);
  const fs::path dir = root / "oxford-iiit-pet";
  for (const auto& [file, count, offset] : {std::tuple<const char*, int, int>{"trainval.txt", train, 0},
                                            {"test.txt", test, train}}) {
    std::string list = "#Image CLASS-ID SPECIES BREED ID\n";
    for (int i = offset; i < offset + count; ++i) {
      const std::string name = (i % 2 ? "Abyssinian_" : "yorkshire_terrier_") + std::to_string(i);
      list += name + " " + std::to_string(1 + i % 2) + " " + std::to_string(1 + i % 2) + " 1\n";
      write_blob_pair(dir / "images" / (name + ".jpg"), dir / "annotations" / "trimaps" / (name + ".png"),
                      40 + 4 * (i % 3), 36 + 2 * (i % 4), rng, i % 3 == 0,
                      [](bool inside, bool ring) -> std::uint16_t { return ring ? 3 : inside ? 1 : 2; });
    }
    write_file(dir / "annotations" / file, list);
  }
}

// ADEChallengeData2016/{images,annotations}/{training,validation}; mask 0 other, 5 the blob, 1 the rest.
void write_ade_dataset(const fs::path& root, int train, int validation) {
  std::mt19937 rng(8);
  const fs::path dir = root / "ADEChallengeData2016";
  for (const auto& [split, count, prefix] : {std::tuple<const char*, int, const char*>{"training", train, "ADE_train_"},
                                             {"validation", validation, "ADE_val_"}})
    for (int i = 1; i <= count; ++i) {
      char name[32];
      std::snprintf(name, sizeof(name), "%s%08d", prefix, i);
      write_blob_pair(dir / "images" / split / (std::string(name) + ".jpg"),
                      dir / "annotations" / split / (std::string(name) + ".png"), 32, 32, rng, false,
                      [](bool inside, bool ring) -> std::uint16_t { return ring ? 0 : inside ? 5 : 1; });
    }
}

std::string pet_experiment(const fs::path& dir, const std::string& dataset_extra, int epochs) {
  return "optimizers = [\"adam\"]\noutput_dir = \"" + (dir / "out").string() + "\"\n"
         "[task]\nname = \"semantic_segmentation\"\n"
         "[dataset]\nname = \"oxford_iiit_pet\"\nroot = \"" + (dir / "data").string() + "\"\nimage_size = 32\n" +
         dataset_extra + "validation_fraction = 0.25\n"
         "[model]\nname = \"unet\"\nwidth = 4\ndepth = 2\n"
         "[training]\nepochs = " + std::to_string(epochs) + "\nbatch_size = 4\nthreads = 1\nseeds = [1]\n"
         "[optimizer.adam]\nlr = 0.01\n";
}

}  // namespace

using SegmentationTest = HostTest;

TEST_F(SegmentationTest, OxfordPetWithUNetLearnsTheBlobs) {
  write_pet_dataset(dir_ / "data", 16, 8);
  const json s = run_single(dir_, pet_experiment(dir_, "", 4), "exp");
  expect_trained(s);
  ASSERT_TRUE(s["test"].is_object()) << s.dump(2);
  const json& test = s["test"];
  for (const char* key : {"miou", "dice", "pixel_accuracy", "iou_class_0", "iou_class_1", "loss"})
    EXPECT_TRUE(test.contains(key)) << key << " in " << test.dump();
  EXPECT_GT(test["pixel_accuracy"].get<double>(), 0.8) << "the blob is red on gray: easy";
  EXPECT_GT(test["miou"].get<double>(), 0.5);
  EXPECT_LE(test["miou"].get<double>(), 1.0);
  const std::string details = s["details"];
  EXPECT_TRUE(contains(details, "background = class 0, pet = class 1, border ignored (255)")) << details;
  EXPECT_TRUE(contains(details, "train 12, validation 4, test 8 samples")) << details;
}

TEST_F(SegmentationTest, OxfordPetWithDeepLabV3Trains) {
  write_pet_dataset(dir_ / "data", 16, 8);
  std::string toml = pet_experiment(dir_, "", 8);
  toml.replace(toml.find("name = \"unet\"\nwidth = 4\ndepth = 2"), std::string("name = \"unet\"\nwidth = 4\ndepth = 2").size(),
               "name = \"deeplabv3_resnet50\"\nwidth = 4\naspp_channels = 8");
  const json s = run_single(dir_, toml, "exp");
  expect_trained(s);
  ASSERT_TRUE(s["test"].is_object()) << s.dump(2);
  EXPECT_GE(s["test"]["miou"].get<double>(), 0.0);
  EXPECT_TRUE(contains(s["details"].get<std::string>(), "deeplabv3_resnet50: ResNet-50 (base width 4, output stride 8"))
      << s["details"];
}

TEST_F(SegmentationTest, CorruptImagesAreNamedOrLeftOut) {
  write_pet_dataset(dir_ / "data", 8, 4);
  const fs::path bad = dir_ / "data" / "oxford-iiit-pet" / "images" / "Abyssinian_3.jpg";
  write_file(bad, "GIF89a not really a jpeg");
  write_file(dir_ / "exp.toml", pet_experiment(dir_, "", 1));
  const auto refused = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(contains(refused.output, bad.string() + ": not a JPEG or PNG image (a GIF image)")) << refused.output;
  EXPECT_TRUE(contains(refused.output, "on_corrupt = \"skip\" leaves such samples out")) << refused.output;

  const json s = run_single(dir_, pet_experiment(dir_, "on_corrupt = \"skip\"\n", 1), "exp");
  EXPECT_EQ(s["status"], "completed") << s.dump(2);
  const std::string details = s["details"];
  EXPECT_TRUE(contains(details, "1 corrupt sample(s) left out:\n    " + bad.string())) << details;
  EXPECT_TRUE(contains(details, "train 6, validation 1, test 4 samples")) << details;  // 7 of 8 kept
}

TEST_F(SegmentationTest, ABadMaskValueStopsTheRunWithFileAndPixel) {
  write_pet_dataset(dir_ / "data", 8, 4);
  const fs::path mask = dir_ / "data" / "oxford-iiit-pet" / "annotations" / "trimaps" / "yorkshire_terrier_0.png";
  write_png(mask.string(), 40, 36, {0, 8, {}}, std::vector<std::uint16_t>(40 * 36, 7));
  write_file(dir_ / "exp.toml", pet_experiment(dir_, "", 1));
  const auto r = run_host("run '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, mask.string() + ": value 7 at pixel (0, 0) is not a label of this dataset "
                                                 "(accepted: 1 = pet, 2 = background, 3 = border)"))
      << r.output;
}

TEST_F(SegmentationTest, Ade20kWithUNet) {
  write_ade_dataset(dir_ / "data", 8, 4);
  const json s = run_single(dir_,
                            "optimizers = [\"adam\"]\noutput_dir = \"" + (dir_ / "out").string() + "\"\n"
                            "[task]\nname = \"semantic_segmentation\"\n"
                            "[dataset]\nname = \"ade20k\"\nroot = \"" + (dir_ / "data").string() +
                            "\"\nimage_size = 32\nvalidation_fraction = 0.25\n"
                            "[model]\nname = \"unet\"\nwidth = 4\ndepth = 2\n"
                            "[training]\nepochs = 1\nbatch_size = 4\nthreads = 1\n",
                            "exp");
  EXPECT_EQ(s["status"], "completed") << s.dump(2);
  const json& test = s["test"];
  ASSERT_TRUE(test.is_object()) << s.dump(2);
  EXPECT_GE(test["miou"].get<double>(), 0.0);
  EXPECT_FALSE(test.contains("iou_class_0")) << "150 classes are too many to list";
  EXPECT_TRUE(contains(s["details"].get<std::string>(), "150 classes, file value v -> class v - 1")) << s["details"];
}

// The shipped segmentation experiments: every key known, each combination accepted.
TEST_F(SegmentationTest, ShippedSegmentationExperimentsValidateOnFixtureData) {
  write_pet_dataset(dir_, 20, 4);  // "data/..." in the shipped files becomes dir_/...
  write_ade_dataset(dir_, 10, 2);
  for (const char* name : {"oxford_pet_unet", "oxford_pet_deeplabv3", "ade20k_unet", "ade20k_deeplabv3"}) {
    const auto r = validate_shipped_experiment(dir_, name);
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.output;
  }
}

TEST_F(SegmentationTest, ImageClassificationRefusesMasks) {
  write_pet_dataset(dir_ / "data", 4, 2);
  std::string toml = pet_experiment(dir_, "", 1);
  toml.replace(toml.find("semantic_segmentation"), std::string("semantic_segmentation").size(), "image_classification");
  write_file(dir_ / "exp.toml", toml);
  const auto r = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "image_classification needs one label per image, but this dataset's target is "
                                 "'mask' (use the semantic_segmentation task)"))
      << r.output;
}
