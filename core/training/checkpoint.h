// checkpoint.pt: what an interrupted run needs to go on exactly where it stopped.
#pragma once

#include <optbench/model.h>
#include <optbench/optimizer.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace optbench::core {

// How far the epoch after TrainingProgress::epoch had got, for a checkpoint between its steps.
struct EpochProgress {
  std::int64_t steps = 0, samples = 0, window_steps = 0;
  double loss_sum = 0, window_loss_sum = 0;           // exact: the trainer sums in float64
  double seconds = 0, data_wait = 0, closure = 0, step = 0;
};

// The trainer's own state at the end of an epoch, or between two steps of the next one.
struct TrainingProgress {
  std::int64_t epoch = 0, step = 0, gradient_evaluations = 0, since_best = 0, samples_seen = 0;
  double best = std::nan(""), train_seconds = 0, final_train_loss = std::nan("");
  double data_wait_seconds = 0;     // of train_seconds, spent waiting for the next batch
  double forward_backward_seconds = 0, optimizer_seconds = 0;  // of train_seconds, in the step
  bool finished = false;            // the last epoch ran, or early stopping ended the run
  std::int64_t metrics_bytes = 0;   // metrics.jsonl's size at the checkpoint
  std::int64_t events_bytes = -1;   // the TensorBoard event file's (-1: not recorded)
  std::string best_json = "{}";     // best_epoch and best_validation of summary.json
  std::vector<double> schedule;     // LrSchedule::state()
  EpochProgress in_epoch;           // steps == 0: at an epoch's end
};

// Model, optimizer, progress and the default generators (dropout, augmentation): the CPU's, and
// for a run on `device` CUDA every CUDA device's; written atomically.
void save_checkpoint(const std::filesystem::path& path, const Model& model, const Optimizer& optimizer,
                     const TrainingProgress& progress, const torch::Device& device);
// Returns false when there is no checkpoint.
bool load_checkpoint(const std::filesystem::path& path, Model& model, Optimizer& optimizer,
                     TrainingProgress& progress, const torch::Device& device);

// A model's parameters and buffers alone (best_model.pt), written atomically.
void save_module(torch::nn::Module& model, const std::filesystem::path& path);
void load_module(torch::nn::Module& model, const std::filesystem::path& path, const torch::Device& device);

// SIGINT, SIGTERM and SIGUSR1 (Slurm's warning before the time limit) ask the trainer to stop
// at the end of the current epoch, after its checkpoint.
void install_stop_handlers();
bool stop_requested();

struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace optbench::core
