#include "fixtures.h"

#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace optbench::testing {

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

CommandResult run_host(const std::string& args) {
  // A host config of the developer's must not change what the tests see.
  return run_command("env -u OPTBENCH_PLUGIN_PATH OPTBENCH_HOST_CONFIG= XDG_CONFIG_HOME=/nonexistent '" +
                     std::string(OPTBENCH_HOST) + "' " + args);
}

int start_host(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  freopen(log.c_str(), "w", stdout);
  dup2(fileno(stdout), fileno(stderr));
  unsetenv("OPTBENCH_PLUGIN_PATH");
  setenv("OPTBENCH_HOST_CONFIG", "", 1);
  setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
  std::vector<char*> argv{const_cast<char*>(OPTBENCH_HOST)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(OPTBENCH_HOST, argv.data());
  _exit(127);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(read_file(path)); }

std::vector<nlohmann::json> read_jsonl(const fs::path& path) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::string idx_experiment(const fs::path& data, const fs::path& out, const std::string& optimizers,
                           const std::string& extra_training) {
  return "name = \"fixture\"\n"
         "output_dir = \"" + out.string() + "\"\n"
         "optimizers = " + optimizers + "\n"
         "[task]\nname = \"image_classification\"\n"
         "[dataset]\nname = \"fashion_mnist\"\nroot = \"" + data.string() + "\"\n"
         "[model]\nname = \"cnn_scratch\"\nchannels = [8, 16]\nhidden = 32\n"
         "[training]\nepochs = 2\nbatch_size = 32\nseeds = [1]\nthreads = 1\nlog_every_steps = 5\n" +
         extra_training +
         "[lr_overrides]\nadam = 0.003\nsgd_momentum = 0.05\n";
}

std::vector<fs::path> run_dirs(const fs::path& experiment_dir) {
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(experiment_dir))
    if (e.is_directory() && fs::exists(e.path() / "config.toml")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

nlohmann::json run_single(const fs::path& dir, const std::string& toml, const std::string& experiment) {
  write_file(dir / "exp.toml", toml);
  const auto r = run_host("run '" + (dir / "exp.toml").string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const fs::path root = dir / "out" / experiment;
  if (!fs::is_directory(root) || run_dirs(root).size() != 1) return nlohmann::json::object();
  const fs::path run = run_dirs(root)[0];
  nlohmann::json s = read_json(run / "summary.json");
  std::vector<double> losses;
  for (const auto& line : read_jsonl(run / "metrics.jsonl"))
    if (line["type"] == "epoch") losses.push_back(line["train_loss"]);
  s["run_dir"] = run.string();
  s["epoch_losses"] = losses;
  s["details"] = read_file(run / "details.txt");
  return s;
}

CommandResult validate_shipped_experiment(const fs::path& dir, const std::string& name) {
  std::istringstream in(read_file(fs::path(OPTBENCH_SOURCE_DIR) / "experiments" / (name + ".toml")));
  std::string toml;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("pretrained = ", 0) == 0) continue;
    for (auto at = line.find("\"data/"); at != std::string::npos; at = line.find("\"data/", at + 1))
      line.replace(at, 6, "\"" + dir.string() + "/");
    toml += line + "\n";
  }
  write_file(dir / "exp.toml", toml);
  return run_host("validate '" + (dir / "exp.toml").string() + "'");
}

void expect_trained(const nlohmann::json& s) {
  ASSERT_TRUE(s.contains("status")) << s.dump(2);
  EXPECT_EQ(s["status"], "completed");
  const auto losses = s["epoch_losses"].get<std::vector<double>>();
  ASSERT_GE(losses.size(), 2u);
  EXPECT_LT(losses.back(), 0.9 * losses.front()) << "train loss per epoch: " << losses.front() << " ... " << losses.back();
}

namespace {

void write_gz(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

std::vector<std::uint8_t> idx_header(std::uint8_t ndims, const std::vector<std::uint32_t>& dims) {
  std::vector<std::uint8_t> out = {0, 0, 0x08, ndims};
  for (auto d : dims)
    for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<std::uint8_t>(d >> shift));
  return out;
}

void write_idx_split(const fs::path& dir, const std::string& prefix, int n, std::mt19937& rng) {
  std::uniform_int_distribution<int> noise(0, 60), label(0, 9);
  auto images = idx_header(3, {static_cast<std::uint32_t>(n), 28, 28});
  auto labels = idx_header(1, {static_cast<std::uint32_t>(n)});
  for (int i = 0; i < n; ++i) {
    const int c = label(rng);
    labels.push_back(static_cast<std::uint8_t>(c));
    const int top = (c / 5) * 14 + 4, left = (c % 5) * 5 + 1;
    for (int r = 0; r < 28; ++r)
      for (int col = 0; col < 28; ++col) {
        const bool square = r >= top && r < top + 6 && col >= left && col < left + 6;
        images.push_back(static_cast<std::uint8_t>(square ? 200 + noise(rng) / 2 : noise(rng)));
      }
  }
  write_gz(dir / (prefix + "-images-idx3-ubyte.gz"), images);
  write_gz(dir / (prefix + "-labels-idx1-ubyte.gz"), labels);
}

}  // namespace

void write_idx_dataset(const fs::path& dir, int train, int test, unsigned seed) {
  fs::create_directories(dir);
  std::mt19937 rng(seed);
  write_idx_split(dir, "train", train, rng);
  write_idx_split(dir, "t10k", test, rng);
}

void write_cifar_dataset(const fs::path& dir, int per_batch, int test, unsigned seed) {
  const fs::path d = dir / "cifar-10-batches-bin";
  fs::create_directories(d);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255), label(0, 9);
  auto batch = [&](const std::string& name, int n) {
    std::string bytes;
    for (int i = 0; i < n; ++i) {
      const int c = label(rng);
      bytes.push_back(static_cast<char>(c));
      for (int channel = 0; channel < 3; ++channel)
        for (int p = 0; p < 1024; ++p)
          bytes.push_back(static_cast<char>(channel == c % 3 ? 128 + byte(rng) / 2 : byte(rng) / 4));
    }
    write_file(d / name, bytes);
  };
  for (int b = 1; b <= 5; ++b) batch("data_batch_" + std::to_string(b) + ".bin", per_batch);
  batch("test_batch.bin", test);
}

}  // namespace optbench::testing
