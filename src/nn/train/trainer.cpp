// The training loop: split, epochs of shuffled windows in batches, micro-batches on replicas in
// parallel, gradients summed in order, an optimiser step; after each epoch the network is written
// as a model file and scored on the validation clips exactly as `evaluate` would score it, and
// the best such file is the result.
#include <malloc.h>

#include <chrono>
#include <cmath>
#include <map>
#include <numbers>
#include <numeric>
#include <set>

#include "../../core/random.hpp"
#include "augment.hpp"
#include "builder.hpp"
#include "loss.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/hash.hpp"
#include "mirkit/core/parallel.hpp"
#include "mirkit/core/text.hpp"
#include "mirkit/nn/network.hpp"
#include "mirkit/nn/training.hpp"
#include "optimizer.hpp"

namespace mirkit::nn {
namespace {

using train::Parameter;
using train::TrainableNetwork;

// Stream numbers of derive_seed: one per purpose, so that changing one setting (say, the
// augmentation) leaves the others' draws (initial weights, split) as they were.
enum Stream : std::uint64_t { kInit = 1, kSplit = 2, kOrder = 3, kMicroBatch = 4 };

std::uint64_t stream(Stream purpose, std::uint64_t a = 0, std::uint64_t b = 0,
                     std::uint64_t c = 0) {
  return ((purpose * 0x100000001b3ULL + a) * 0x100000001b3ULL + b) * 0x100000001b3ULL + c;
}

double learning_rate(const TrainingSettings& t, int epoch, int epochs) {
  const double base = t.learning_rate;
  const int warmup = t.warmup_epochs;
  if (epoch < warmup) return base * (epoch + 1) / (warmup + 1);
  const int e = epoch - warmup, span = std::max(1, epochs - warmup);
  if (t.schedule == "step") return base * std::pow(t.step_gamma, e / t.step_size);
  if (t.schedule == "cosine") {
    const double low = t.min_learning_rate;
    return low + (base - low) * 0.5 * (1.0 + std::cos(std::numbers::pi * e / span));
  }
  return base;
}

// The top-level layer index of a tensor name ("3.body.0.weight" → 3).
int top_layer(const std::string& name) {
  return std::stoi(name.substr(0, name.find('.')));
}

// A recipe may write "out_features": "classes" (the head's width) so that it fits any data set;
// the model file records the number.
void fill_class_count(Json& layers, std::int64_t classes) {
  if (!layers.is_array()) return;
  for (Json& layer : layers) {
    if (!layer.is_object()) continue;
    for (auto& [key, value] : layer.items()) {
      if (value == "classes") value = classes;
      if (value.is_array()) fill_class_count(value, classes);
    }
  }
}

struct Prepared {
  Json description;
  WeightStore store;
  int frozen_layers = 0;  // top-level layers [0, frozen_layers) are fixed
};

// The network to train: the recipe's, or (fine-tuning) the kept layers of a model file followed
// by the recipe's layers as the new head, with the kept layers' weights.
Prepared prepare_network(const NetworkRecipe& recipe, const std::string& where) {
  Prepared p;
  p.store.file = where;
  const FineTuneSettings& fine = recipe.fine_tune;
  if (!fine.from) {
    p.description = recipe.resolved["network"];
    return p;
  }
  const std::string from = *fine.from;
  io::TensorFile base;
  try {
    base = io::read_safetensors(from);
  } catch (const Error& error) {
    throw usage_error(where + ": fine_tune.from: " + error.what());
  }
  if (base.metadata.value("kind", std::string()) != "nn" || !base.metadata.contains("network")) {
    throw usage_error(where + ": fine_tune.from: " + from + " is not a neural-network model file");
  }
  const Json& base_layers = base.metadata["network"]["layers"];
  const int count = static_cast<int>(base_layers.size());
  const int keep = fine.keep_layers.value_or(count - 1);
  if (keep < 0 || keep > count) {
    throw usage_error(where + ": fine_tune.keep_layers " + std::to_string(keep) + " but " + from +
                      " has " + std::to_string(count) + " layers");
  }
  p.description = {{"input_shape", base.metadata["network"]["input_shape"]},
                   {"layers", Json::array()}};
  for (int i = 0; i < keep; ++i)
    p.description["layers"].push_back(base_layers[static_cast<std::size_t>(i)]);
  // No new head with every layer kept: the whole network trains on from the file's weights (as
  // `mirkit prune` fine-tunes a pruned network).
  const Json head = recipe.resolved["network"].value("layers", Json::array());
  if (!head.is_array() || (head.empty() && keep < count)) {
    throw usage_error(where + ": fine-tuning needs the new head as \"network\": {\"layers\": […]}");
  }
  if (head.empty() && fine.freeze) {
    throw usage_error(where + ": fine_tune keeps every layer of " + from +
                      " frozen and adds none: nothing would train (set \"freeze\": false to "
                      "train them all on)");
  }
  for (const Json& layer : head)
    p.description["layers"].push_back(layer);
  p.store.file = from;
  for (auto& [name, tensor] : base.tensors) {
    if (top_layer(name) < keep) p.store.tensors.emplace(name, std::move(tensor));
  }
  p.frozen_layers = fine.freeze ? keep : 0;
  return p;
}

struct Split {
  std::vector<int> training, validation;
};

// Stratified by each clip's first class (or by group when groups are given); copies go with
// their originals, to the training side only.
Split split_clips(const TrainingSet& data, double fraction, std::uint64_t seed) {
  const auto clips = static_cast<int>(data.clips.size());
  const auto is_copy = [&](int i) { return !data.copy_of.empty() && data.copy_of[i] >= 0; };
  std::vector<char> held(static_cast<std::size_t>(clips), 0);
  Random random(derive_seed(seed, stream(kSplit)));
  const bool by_group =
      !data.groups.empty() && std::any_of(data.groups.begin(), data.groups.end(),
                                          [](const std::string& g) { return !g.empty(); });
  if (fraction > 0) {
    if (by_group) {
      std::vector<std::string> groups;
      std::set<std::string> seen;
      for (int i = 0; i < clips; ++i) {
        if (!is_copy(i) && seen.insert(data.groups[i]).second) groups.push_back(data.groups[i]);
      }
      random.shuffle(groups);
      const auto take = static_cast<std::size_t>(std::llround(fraction * groups.size()));
      const std::set<std::string> chosen(groups.begin(),
                                         groups.begin() + std::min(take, groups.size() - 1));
      for (int i = 0; i < clips; ++i)
        held[i] = !is_copy(i) && chosen.count(data.groups[i]);
    } else {
      std::map<Eigen::Index, std::vector<int>> by_class;
      for (int i = 0; i < clips; ++i) {
        if (is_copy(i)) continue;
        Eigen::Index first = 0;
        data.targets.row(i).maxCoeff(&first);
        by_class[first].push_back(i);
      }
      for (auto& [c, members] : by_class) {
        random.shuffle(members);
        const auto take = std::min<std::size_t>(
            static_cast<std::size_t>(std::llround(fraction * members.size())), members.size() - 1);
        for (std::size_t k = 0; k < take; ++k)
          held[members[k]] = 1;
      }
    }
  }
  Split split;
  for (int i = 0; i < clips; ++i) {
    const int origin = is_copy(i) ? data.copy_of[i] : i;
    if (held[origin] && !is_copy(i)) {
      split.validation.push_back(i);
    } else if (!held[origin]) {
      split.training.push_back(i);
    }
  }
  return split;
}

// One window of clip `clip`, frames [start, start + window), zero-padded past its end (as
// Network::predict_windows pads), into `out` (window × dims).
void copy_window(const TrainingSet& data, int clip, std::int64_t start, std::int64_t window,
                 float* out) {
  const std::span<const float> frames = data.clips[static_cast<std::size_t>(clip)];
  const std::int64_t rows = static_cast<std::int64_t>(frames.size()) / data.dims;
  const std::int64_t take = std::max<std::int64_t>(0, std::min(window, rows - start));
  std::copy(frames.begin() + start * data.dims, frames.begin() + (start + take) * data.dims, out);
  std::fill(out + take * data.dims, out + window * data.dims, 0.0f);
}

struct Example {
  int clip;
};

struct Settings {
  TrainingSettings training;
  train::LossOptions loss;
  train::PatchAugmentation patch;
  double mixup = 0.0;
  std::int64_t window = 0;
  Shape item;                   // one input's shape, the window's length filled in
  double distill_weight = 0.0;  // the teacher's share of the loss (with a teacher)
  double temperature = 1.0;
};

// The teacher of knowledge distillation: a trained network run on the student's windows.
struct Teacher {
  Network network;
  Shape item;        // one window in the teacher's input shape
  std::string hash;  // of the file's bytes, for the report
};

class Trainer {
 public:
  Trainer(const TrainingSet& data, const NetworkTrainingOptions& options)
      : data_(data), options_(options) {}

  NetworkTrainingResult run();

 private:
  void configure(const NetworkRecipe& recipe);
  // The network of the recipe, its weights from the starting file or initialised from the seed,
  // its frozen layers frozen.
  void build_network(const NetworkRecipe& recipe);
  void check_output();
  // The teacher of recipe.distill, checked against the data: same classes, output kind and
  // tasks, and a window of the student's length fits it (the caller checks that it reads the
  // same features).
  void load_teacher(const NetworkRecipe& recipe);
  // One replica of the network per micro-batch of a batch, sharing the parameters' values.
  void make_replicas(std::size_t batch_size, std::size_t micro);
  train::Optimizer make_optimizer() const;
  // One optimiser step on the examples order[first, first + size): the micro-batches in
  // parallel, their gradients summed in order, clipped. Adds each micro-batch's summed loss to
  // `loss_sum` (in micro-batch order, as the epoch's figure always has) and the batch's weight
  // to `weight_sum`.
  void train_batch(const std::vector<Example>& order, std::size_t first, std::size_t size,
                   int epoch, std::size_t batch, train::Optimizer& optimizer, double rate,
                   double& loss_sum, double& weight_sum);
  void sum_micro_batch_gradients(std::size_t parts);
  void clip_gradients(double clip_norm);
  // Micro-batch `m` of a batch: forward, loss, backward on replica m. Returns the summed loss.
  double run_micro_batch(std::size_t m, const std::vector<Example>& examples, double normaliser,
                         std::uint64_t seed);
  std::string export_model(const Json& report) const;
  void validate(const std::string& model, const std::vector<int>& clips, EpochReport& report);

  const TrainingSet& data_;
  const NetworkTrainingOptions& options_;
  Settings s_;
  std::uint64_t seed_ = 0;
  TrainableNetwork net_;
  std::optional<Teacher> teacher_;
  std::vector<std::unique_ptr<train::TrainLayer>> replicas_;
  std::vector<std::vector<Parameter*>> replica_parameters_;
  std::vector<double> micro_losses_;
  std::size_t micro_size_ = 1;  // examples per micro-batch
};

void Trainer::configure(const NetworkRecipe& recipe) {
  s_.training = recipe.training;
  const TrainingSettings& t = s_.training;
  const AugmentSettings& a = recipe.augment;
  const auto classes = static_cast<int>(options_.classes.size());
  const std::string loss = t.loss.value_or(
      options_.multi_label && t.tasks.empty() ? "binary_cross_entropy" : "cross_entropy");
  s_.loss.kind = train::parse_loss(loss);
  s_.loss.focal_gamma = t.focal_gamma;
  if (options_.multi_label && s_.loss.kind != train::LossKind::binary_cross_entropy &&
      t.tasks.empty()) {
    throw usage_error(
        options_.where +
        ": the data is multi-label (some clip has several labels): "
        "use \"loss\": \"binary_cross_entropy\", or \"tasks\" for one label per task");
  }
  if (!t.tasks.empty()) {
    // Multi-task: the classes "task=value", sorted, fall in one contiguous range per task.
    for (const std::string& task : t.tasks) {
      const std::string prefix = task + "=";
      int begin = -1, end = -1;
      for (int c = 0; c < classes; ++c) {
        if (options_.classes[static_cast<std::size_t>(c)].starts_with(prefix)) {
          if (begin < 0) begin = c;
          end = c + 1;
        }
      }
      if (begin < 0) {
        throw usage_error(options_.where + ": task '" + task + "' has no labels '" + prefix + "…'");
      }
      s_.loss.groups.emplace_back(begin, end);
    }
    int covered = 0;
    for (const auto& [begin, end] : s_.loss.groups)
      covered += end - begin;
    if (covered != classes) {
      throw usage_error(options_.where +
                        ": with \"tasks\" every label must be 'task=value' for "
                        "one of the tasks");
    }
    if (s_.loss.kind == train::LossKind::binary_cross_entropy) {
      throw usage_error(options_.where +
                        ": \"tasks\" need a softmax loss (cross_entropy or focal)");
    }
  }
  if (t.class_weight == "balanced") {
    Eigen::VectorXd counts = data_.targets.cast<double>().colwise().sum().transpose();
    s_.loss.class_weights.resize(classes);
    for (int c = 0; c < classes; ++c) {
      s_.loss.class_weights[c] =
          counts[c] > 0 ? static_cast<double>(data_.clips.size()) / (classes * counts[c]) : 0.0;
    }
  }
  s_.patch.time_masks = a.time_masks;
  s_.patch.time_width = a.time_mask_width;
  s_.patch.freq_masks = a.freq_masks;
  s_.patch.freq_width = a.freq_mask_width;
  s_.patch.gain_probability = a.gain_probability;
  s_.patch.gain_low = a.gain_db[0];
  s_.patch.gain_high = a.gain_db[1];
  s_.patch.noise_probability = a.noise_probability;
  s_.patch.snr_low = a.noise_snr_db[0];
  s_.patch.snr_high = a.noise_snr_db[1];
  s_.patch.max_shift = a.time_shift_frames;
  s_.mixup = a.mixup_alpha;
}

// The window length and the item shape: a fixed input shape fixes the window; a −1 (any
// length) takes training.window_frames.
void Trainer::check_output() {
  const std::int64_t dims = data_.dims;
  std::int64_t known = 1;
  bool any_length = false;
  for (const std::int64_t d : net_.input_shape) {
    if (d == -1) {
      any_length = true;
    } else {
      known *= d;
    }
  }
  const TrainingSettings& t = s_.training;
  if (any_length) {
    if (!t.window_frames) {
      throw usage_error(options_.where + ": the input shape " + to_string(net_.input_shape) +
                        " takes any length: set training.window_frames");
    }
    s_.window = *t.window_frames;
  } else {
    if (known % dims != 0) {
      throw usage_error(options_.where + ": the input shape " + to_string(net_.input_shape) +
                        " is not a whole number of " + std::to_string(dims) + "-value frames");
    }
    s_.window = known / dims;
  }
  s_.item = net_.input_shape;
  for (std::int64_t& d : s_.item) {
    if (d == -1) d = s_.window * dims / known;
  }
  if (element_count(s_.item) != s_.window * dims) {
    throw usage_error(options_.where + ": a window of " + std::to_string(s_.window) + " frames × " +
                      std::to_string(dims) + " values does not fit the input shape " +
                      to_string(net_.input_shape));
  }
  Shape probe = {1};
  probe.insert(probe.end(), s_.item.begin(), s_.item.end());
  Shape out;
  try {
    out = net_.root->output_shape(probe);
  } catch (const Error& error) {
    throw usage_error(options_.where + ": " + error.cause());
  }
  const auto classes = static_cast<std::int64_t>(options_.classes.size());
  if (out.size() != 2 || out[1] != classes) {
    throw usage_error(options_.where + ": the network gives " + to_string(out) +
                      " for one window but the data has " + std::to_string(classes) +
                      " classes: make the last layer's out_features " + std::to_string(classes));
  }
}

double Trainer::run_micro_batch(std::size_t m, const std::vector<Example>& examples,
                                double normaliser, std::uint64_t seed) {
  Random random(seed);
  const auto n = static_cast<std::int64_t>(examples.size());
  const auto classes = static_cast<Eigen::Index>(options_.classes.size());
  const std::int64_t per_item = s_.window * data_.dims;
  Shape shape = {n};
  shape.insert(shape.end(), s_.item.begin(), s_.item.end());
  Tensor input(shape);
  Matrix targets(n, classes);
  for (std::int64_t i = 0; i < n; ++i) {
    const int clip = examples[static_cast<std::size_t>(i)].clip;
    const std::int64_t rows =
        static_cast<std::int64_t>(data_.clips[static_cast<std::size_t>(clip)].size()) / data_.dims;
    const std::int64_t start =
        rows > s_.window ? static_cast<std::int64_t>(random.index(rows - s_.window + 1)) : 0;
    float* window = input.data() + i * per_item;
    copy_window(data_, clip, start, s_.window, window);
    if (s_.patch.any()) {
      train::augment_patch(s_.patch, MatrixMap(window, s_.window, data_.dims), random);
    }
    targets.row(i) = data_.targets.row(clip);
  }
  if (s_.mixup > 0 && n > 1) train::mix_up(s_.mixup, input.matrix(n, per_item), targets, random);
  train::TrainLayer& replica = *replicas_[m];
  Tensor logits, grad_in;
  replica.forward(input, logits, train::Pass{true, &random});
  Matrix grad;
  double loss = train::loss_and_gradient(s_.loss, std::as_const(logits).matrix(n, classes),
                                         ConstMatrixMap(targets.data(), n, classes), grad);
  if (teacher_) {
    // The teacher sees the very window the student sees, augmentation and mixup included.
    Tensor teacher_input = input;
    Shape teacher_shape = {n};
    teacher_shape.insert(teacher_shape.end(), teacher_->item.begin(), teacher_->item.end());
    teacher_input.reshape(teacher_shape);
    const Tensor teacher_logits = teacher_->network.forward(teacher_input);
    Matrix soft_grad;
    const double soft = train::distillation_loss_and_gradient(
        s_.loss, std::as_const(logits).matrix(n, classes), teacher_logits.matrix(n, classes),
        s_.temperature, soft_grad);
    const double w = s_.distill_weight;
    loss = (1 - w) * loss + w * soft;
    grad = (1 - w) * grad + w * soft_grad;
  }
  grad /= static_cast<float>(normaliser);
  Tensor grad_out(logits.shape(), std::vector<float>(grad.data(), grad.data() + grad.size()));
  replica.backward(input, logits, grad_out, grad_in);
  return loss;
}

std::string Trainer::export_model(const Json& report) const {
  Json metadata = {{"classes", options_.classes},
                   {"output", options_.multi_label ? "sigmoid" : "softmax"},
                   {"features", options_.features},
                   {"training", report}};
  if (!s_.loss.groups.empty()) {
    metadata["output"] = "softmax_per_task";
    for (std::size_t k = 0; k < s_.loss.groups.size(); ++k) {
      metadata["tasks"].push_back(
          {{"name", s_.training.tasks[k]},
           {"classes", {s_.loss.groups[k].first, s_.loss.groups[k].second}}});
    }
  }
  return io::encode_safetensors(train::export_network(net_, metadata));
}

void Trainer::validate(const std::string& model, const std::vector<int>& clips,
                       EpochReport& report) {
  if (clips.empty()) return;
  const Network network = Network::from_bytes(
      std::span(reinterpret_cast<const std::byte*>(model.data()), model.size()), options_.where);
  const auto classes = static_cast<Eigen::Index>(options_.classes.size());
  double loss = 0.0, correct = 0.0, decisions = 0.0;
  for (const int clip : clips) {
    const std::span<const float> frames = data_.clips[static_cast<std::size_t>(clip)];
    const ConstMatrixMap rows(frames.data(), static_cast<Eigen::Index>(frames.size()) / data_.dims,
                              data_.dims);
    const WindowPredictions p =
        network.predict_windows(rows, s_.window, s_.window, Aggregate::mean);
    const auto truth = data_.targets.row(clip);
    if (s_.loss.kind == train::LossKind::binary_cross_entropy) {
      for (Eigen::Index c = 0; c < classes; ++c) {
        const double q = std::clamp<double>(p.clip[c], 1e-7, 1 - 1e-7);
        loss -= truth[c] * std::log(q) + (1 - truth[c]) * std::log(1 - q);
        correct += (p.clip[c] >= 0.5f) == (truth[c] >= 0.5f);
        decisions += 1;
      }
      continue;
    }
    const auto groups = s_.loss.groups.empty()
                            ? std::vector<std::pair<int, int>>{{0, static_cast<int>(classes)}}
                            : s_.loss.groups;
    for (const auto& [begin, end] : groups) {
      Eigen::Index predicted = 0, actual = 0;
      p.clip.segment(begin, end - begin).maxCoeff(&predicted);
      truth.segment(begin, end - begin).maxCoeff(&actual);
      loss -= std::log(std::clamp<double>(p.clip[begin + actual], 1e-7, 1.0));
      correct += predicted == actual;
      decisions += 1;
    }
  }
  report.validation_loss = loss / static_cast<double>(clips.size());
  report.validation_accuracy = correct / decisions;
}

void Trainer::build_network(const NetworkRecipe& recipe) {
  Prepared prepared = prepare_network(recipe, options_.where);
  fill_class_count(prepared.description["layers"],
                   static_cast<std::int64_t>(options_.classes.size()));
  Random init(derive_seed(seed_, stream(kInit)));
  try {
    net_ = train::build_trainable(prepared.description, prepared.store, init);
  } catch (const Error& error) {
    throw usage_error(error.cause());
  }
  if (prepared.frozen_layers > 0) {
    for (int i = 0; i < prepared.frozen_layers; ++i)
      net_.root->layer(static_cast<std::size_t>(i)).freeze();
    for (Parameter* p : net_.parameters)
      p->frozen = top_layer(p->name) < prepared.frozen_layers;
  }
  check_output();
}

void Trainer::load_teacher(const NetworkRecipe& recipe) {
  const DistillSettings& d = recipe.distill;
  if (!d.teacher) return;
  const std::string where = options_.where + ": distill.teacher: ";
  std::string bytes;
  try {
    bytes = read_file(*d.teacher);
  } catch (const Error& error) {
    throw usage_error(where + error.what());
  }
  Teacher teacher{
      Network::from_bytes(std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()),
                          *d.teacher),
      {},
      to_hex(fnv1a64(bytes))};
  const Network& network = teacher.network;
  const std::string& file = *d.teacher;
  if (network.classes() != options_.classes) {
    throw usage_error(where + file + " has the classes " + join(network.classes(), ", ") +
                      " but the data has " + join(options_.classes, ", ") +
                      ": a teacher must be trained on the same labels");
  }
  const bool teacher_tags = network.output() == OutputKind::multi_label;
  const bool student_tags = s_.loss.kind == train::LossKind::binary_cross_entropy;
  if (teacher_tags != student_tags || network.tasks() != s_.loss.groups) {
    throw usage_error(where + file + " gives " + (teacher_tags ? "tags (sigmoid)" : "a softmax") +
                      (network.tasks().empty() ? "" : " per task") + " but the student learns " +
                      (student_tags ? "tags (sigmoid)" : "a softmax") +
                      (s_.loss.groups.empty() ? "" : " per task") +
                      ": distillation compares the same kind of output");
  }
  try {
    teacher.item = network.window_shape(s_.window, data_.dims);
  } catch (const Error& error) {
    throw usage_error(where + error.cause() + " (the student's window)");
  }
  s_.distill_weight = d.weight;
  s_.temperature = d.temperature;
  teacher_ = std::move(teacher);
}

void Trainer::make_replicas(std::size_t batch_size, std::size_t micro) {
  const std::size_t replicas = (batch_size + micro - 1) / micro;
  for (std::size_t r = 0; r < replicas; ++r) {
    replicas_.push_back(net_.root->replicate());
    std::vector<Parameter*> parameters;
    std::vector<train::Buffer> buffers;
    replicas_.back()->collect(parameters, buffers);
    replica_parameters_.push_back(std::move(parameters));
  }
  micro_losses_.resize(replicas);
}

train::Optimizer Trainer::make_optimizer() const {
  const TrainingSettings& t = s_.training;
  train::OptimizerOptions o;
  o.kind = train::parse_optimizer(t.optimizer);
  o.momentum = t.momentum;
  o.nesterov = t.nesterov;
  o.beta1 = t.beta1;
  o.beta2 = t.beta2;
  o.weight_decay = t.weight_decay;
  return train::Optimizer(o, net_.parameters);
}

void Trainer::train_batch(const std::vector<Example>& order, std::size_t first, std::size_t size,
                          int epoch, std::size_t batch, train::Optimizer& optimizer, double rate,
                          double& loss_sum, double& weight_sum) {
  const auto classes = static_cast<int>(options_.classes.size());
  const std::size_t micro_size = micro_size_;
  double normaliser = 0.0;
  for (std::size_t i = first; i < first + size; ++i)
    normaliser += train::item_weight(s_.loss, data_.targets.row(order[i].clip).data(), classes);
  normaliser = std::max(normaliser, 1e-12);
  const std::size_t parts = (size + micro_size - 1) / micro_size;
  parallel_for(parts, options_.threads, [&](std::size_t m, int) {
    const std::size_t begin = first + m * micro_size;
    const std::size_t end = std::min(begin + micro_size, first + size);
    const std::vector<Example> examples(order.begin() + static_cast<std::ptrdiff_t>(begin),
                                        order.begin() + static_cast<std::ptrdiff_t>(end));
    micro_losses_[m] = run_micro_batch(m, examples, normaliser,
                                       derive_seed(seed_, stream(kMicroBatch, epoch, batch, m)));
  });
  sum_micro_batch_gradients(parts);
  for (std::size_t m = 0; m < parts; ++m) {
    replicas_[m]->commit_statistics();
    loss_sum += micro_losses_[m];
  }
  weight_sum += normaliser;
  clip_gradients(s_.training.clip_norm);
  optimizer.step(rate);
}

// Sums in micro-batch order, whatever thread ran which: the same bits for any -j.
void Trainer::sum_micro_batch_gradients(std::size_t parts) {
  for (std::size_t k = 0; k < net_.parameters.size(); ++k) {
    Parameter& total = *net_.parameters[k];
    std::fill(total.grad.values().begin(), total.grad.values().end(), 0.0f);
    for (std::size_t m = 0; m < parts; ++m) {
      Tensor& grad = replica_parameters_[m][k]->grad;
      total.grad.matrix(1, grad.size()) += grad.matrix(1, grad.size());
      std::fill(grad.values().begin(), grad.values().end(), 0.0f);
    }
  }
}

// Scales every gradient down so that their joint norm is at most `clip_norm` (0: never).
void Trainer::clip_gradients(double clip_norm) {
  if (clip_norm <= 0) return;
  double squares = 0.0;
  for (const Parameter* p : net_.parameters)
    if (!p->frozen) squares += std::as_const(p->grad).matrix(1, p->grad.size()).squaredNorm();
  const double norm = std::sqrt(squares);
  if (norm <= clip_norm) return;
  for (Parameter* p : net_.parameters)
    p->grad.matrix(1, p->grad.size()) *= static_cast<float>(clip_norm / norm);
}

NetworkTrainingResult Trainer::run() {
  const NetworkRecipe recipe = NetworkRecipe::read(options_.recipe, options_.where);
  configure(recipe);
  const TrainingSettings& t = s_.training;
  seed_ = options_.seed.value_or(t.seed);
  if (data_.clips.empty()) throw usage_error(options_.where + ": no clips to train on");
  build_network(recipe);
  load_teacher(recipe);

  const Split split = split_clips(data_, t.validation_fraction, seed_);
  if (split.training.empty()) throw usage_error(options_.where + ": no clips left to train on");
  const int epochs = t.epochs;
  const auto batch_size = static_cast<std::size_t>(t.batch_size);
  micro_size_ = std::min(static_cast<std::size_t>(t.micro_batch), batch_size);
  make_replicas(batch_size, micro_size_);
  train::Optimizer optimizer = make_optimizer();
  const std::string& monitor = t.monitor;
  const int patience = t.patience;

  NetworkTrainingResult result;
  result.training_clips = static_cast<std::int64_t>(split.training.size());
  result.validation_clips = static_cast<std::int64_t>(split.validation.size());
  Json report = {{"recipe", recipe.resolved},
                 {"seed", seed_},
                 {"training_clips", result.training_clips},
                 {"validation_clips", result.validation_clips},
                 {"window_frames", s_.window}};
  if (teacher_) report["teacher_fnv1a64"] = teacher_->hash;
  std::optional<double> best_score;
  int since_best = 0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    EpochReport epoch_report;
    epoch_report.epoch = epoch + 1;
    epoch_report.epochs = epochs;
    epoch_report.learning_rate = learning_rate(t, epoch, epochs);

    std::vector<Example> order;
    for (const int clip : split.training) {
      for (int w = 0; w < t.windows_per_clip; ++w)
        order.push_back({clip});
    }
    Random shuffle(derive_seed(seed_, stream(kOrder, epoch)));
    shuffle.shuffle(order);
    double loss_sum = 0.0, weight_sum = 0.0;
    for (std::size_t first = 0, batch = 0; first < order.size(); first += batch_size, ++batch) {
      train_batch(order, first, std::min(batch_size, order.size() - first), epoch, batch, optimizer,
                  epoch_report.learning_rate, loss_sum, weight_sum);
    }
    epoch_report.train_loss = loss_sum / std::max(weight_sum, 1e-12);

    Json epoch_json = {{"epoch", epoch + 1},
                       {"learning_rate", epoch_report.learning_rate},
                       {"train_loss", epoch_report.train_loss}};
    const std::string model = export_model(report);
    validate(model, split.validation, epoch_report);
    if (epoch_report.validation_loss) {
      epoch_json["validation_loss"] = *epoch_report.validation_loss;
      epoch_json["validation_accuracy"] = *epoch_report.validation_accuracy;
    }
    report["epochs"].push_back(epoch_json);
    // Higher is better: −loss, or accuracy with the loss breaking ties.
    double score = -epoch_report.train_loss;
    if (epoch_report.validation_loss) {
      score = monitor == "val_accuracy"
                  ? *epoch_report.validation_accuracy - 1e-6 * *epoch_report.validation_loss
                  : -*epoch_report.validation_loss;
    }
    if (!best_score || score > *best_score || !epoch_report.validation_loss) {
      best_score = score;
      result.best_epoch = epoch + 1;
      since_best = 0;
      epoch_report.best = true;
      Json final_report = report;
      final_report["best_epoch"] = epoch + 1;
      result.model = export_model(final_report);
    } else {
      ++since_best;
    }
    epoch_report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.epochs.push_back(epoch_report);
    if (options_.progress) options_.progress(epoch_report);
    if (patience > 0 && since_best >= patience && epoch_report.validation_loss) break;
  }
  // The kept file records every epoch run, not only those up to the best one.
  Json final_report = report;
  final_report["best_epoch"] = result.best_epoch;
  const io::TensorFile best = io::decode_safetensors(
      std::span(reinterpret_cast<const std::byte*>(result.model.data()), result.model.size()),
      options_.where);
  io::TensorFile rewritten = best;
  rewritten.metadata["training"] = final_report;
  result.model = io::encode_safetensors(rewritten);
  result.report = final_report;
  return result;
}

}  // namespace

NetworkTrainingResult train_network(const TrainingSet& data,
                                    const NetworkTrainingOptions& options) {
  Trainer trainer(data, options);
  return trainer.run();
}

}  // namespace mirkit::nn
