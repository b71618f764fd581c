#include "synthetic.hpp"

#include <random>

namespace mirkit::test {

Dataset make_blobs(int items, int dims, int classes, double separation, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> centre(-separation, separation);
  std::normal_distribution<double> noise(0.0, 1.0);
  dsp::MatrixD centres(classes, dims);
  for (Eigen::Index i = 0; i < centres.size(); ++i)
    centres.data()[i] = centre(rng);
  Dataset data;
  data.classes = classes;
  data.x.resize(items, dims);
  for (int i = 0; i < items; ++i) {
    const int c = i % classes;
    data.labels.push_back(c);
    for (int d = 0; d < dims; ++d)
      data.x(i, d) = static_cast<float>(centres(c, d) + noise(rng));
  }
  return data;
}

Dataset slice(const Dataset& data, int begin, int end) {
  Dataset out;
  out.classes = data.classes;
  out.x = data.x.middleRows(begin, end - begin);
  out.labels.assign(data.labels.begin() + begin, data.labels.begin() + end);
  return out;
}

double accuracy(const dsp::Matrix& proba, const std::vector<int>& labels) {
  int correct = 0;
  for (Eigen::Index i = 0; i < proba.rows(); ++i) {
    Eigen::Index best = 0;
    proba.row(i).maxCoeff(&best);
    correct += best == labels[static_cast<std::size_t>(i)];
  }
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

}  // namespace mirkit::test
