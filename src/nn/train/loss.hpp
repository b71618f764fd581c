// Internal: the training losses, on a micro-batch's logits (items × classes) against soft targets
// (one-hot, mixed by mixup, or 0/1 tags). Each returns the loss summed over the items and writes
// its gradient with respect to the logits; the trainer divides both by the batch's normaliser
// (`weight`), so micro-batches add up to the batch's mean exactly.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "mirkit/nn/tensor.hpp"

namespace mirkit::nn::train {

enum class LossKind { cross_entropy, focal, binary_cross_entropy };
LossKind parse_loss(const std::string& name);

struct LossOptions {
  LossKind kind = LossKind::cross_entropy;
  double focal_gamma = 2.0;
  Eigen::VectorXd class_weights;  // empty: all 1
  // Multi-task: consecutive class ranges [begin, end), each a softmax of its own; empty: one.
  std::vector<std::pair<int, int>> groups;
};

// Each item's share of the batch normaliser: Σ_c w_c t_c per softmax group (cross-entropy and
// focal: PyTorch's weighted mean divides by the summed weights of the targets), or the number of
// weighted tags (binary cross-entropy: the mean over items and tags).
double item_weight(const LossOptions& options, const float* target, int classes);

// Σ over items of the loss; `grad` (items × classes) receives dLoss/dlogits.
double loss_and_gradient(const LossOptions& options, const ConstMatrixMap& logits,
                         const ConstMatrixMap& targets, Matrix& grad);

// Knowledge distillation's soft term, Σ over items of T² · KL(teacher ‖ student) on the outputs
// softened by the temperature T: per softmax group KL of softmax(t/T) and softmax(z/T), or (binary
// cross-entropy) per tag KL of the Bernoullis σ(t/T) and σ(z/T). Zero where the logits agree.
// `grad` (items × classes) receives its gradient with respect to the student's logits z,
// T · (q_student − q_teacher): the T² keeps its size independent of T (Hinton et al. 2015).
double distillation_loss_and_gradient(const LossOptions& options, const ConstMatrixMap& logits,
                                      const ConstMatrixMap& teacher_logits, double temperature,
                                      Matrix& grad);

}  // namespace mirkit::nn::train
