#include "mirkit/pipeline/export.hpp"

#include <cstring>

#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"
#include "mirkit/core/text.hpp"

namespace mirkit::pipeline {
namespace {

std::string arff_string(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  return quoted + "'";
}

std::string joined_labels(const FeatureItem& item) {
  std::string text;
  for (std::size_t i = 0; i < item.labels.size(); ++i)
    text += (i ? ";" : "") + item.labels[i];
  return text;
}

// Calls row(item, position within item, values) for every row in order.
template <typename Row>
void for_each_row(const FeatureFile& file, Row row) {
  for (std::size_t i = 0; i < file.items.size(); ++i) {
    const auto block = file.rows_of(i);
    for (Eigen::Index r = 0; r < block.rows(); ++r)
      row(file.items[i], r, block.row(r));
  }
}

std::string to_csv(const FeatureFile& file) {
  const bool per_row = file.layout != FeatureLayout::pooled;
  std::string out = "path,label,group";
  if (per_row) out += ",row";
  for (const std::string& name : file.names)
    out += "," + csv_field(name);
  out += "\n";
  for_each_row(file, [&](const FeatureItem& item, Eigen::Index r, const auto& values) {
    out +=
        csv_field(item.path) + "," + csv_field(joined_labels(item)) + "," + csv_field(item.group);
    if (per_row) out += "," + std::to_string(r);
    for (Eigen::Index c = 0; c < values.size(); ++c)
      out += "," + float_text(values(c));
    out += "\n";
  });
  return out;
}

std::string to_arff(const FeatureFile& file) {
  const bool per_row = file.layout != FeatureLayout::pooled;
  const std::vector<std::string> classes = file.classes();
  // A nominal class attribute when every item has exactly one label, as Weka's classifiers want.
  bool nominal = !classes.empty();
  for (const FeatureItem& item : file.items)
    nominal = nominal && item.labels.size() == 1;
  std::string out = "% written by mirkit; config " + file.config_hash + "\n@relation mirkit\n\n";
  out += "@attribute path string\n@attribute group string\n";
  if (per_row) out += "@attribute row numeric\n";
  for (const std::string& name : file.names)
    out += "@attribute " + arff_string(name) + " numeric\n";
  if (nominal) {
    out += "@attribute class {";
    for (std::size_t i = 0; i < classes.size(); ++i)
      out += (i ? "," : "") + arff_string(classes[i]);
    out += "}\n";
  } else {
    out += "@attribute labels string\n";
  }
  out += "\n@data\n";
  for_each_row(file, [&](const FeatureItem& item, Eigen::Index r, const auto& values) {
    out += arff_string(item.path) + "," + arff_string(item.group);
    if (per_row) out += "," + std::to_string(r);
    for (Eigen::Index c = 0; c < values.size(); ++c)
      out += "," + float_text(values(c));
    out += "," + (nominal ? arff_string(item.labels.front()) : arff_string(joined_labels(item)));
    out += "\n";
  });
  return out;
}

// NPY format 1.0 (numpy.lib.format): magic, version, a padded Python-literal header, the data.
std::string to_npy(const FeatureFile& file) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       std::to_string(file.values.rows()) + ", " +
                       std::to_string(file.names.size()) + "), }";
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  const auto length = static_cast<std::uint16_t>(header.size());
  out.append(reinterpret_cast<const char*>(&length), 2);
  out += header;
  out.append(reinterpret_cast<const char*>(file.values.data()),
             static_cast<std::size_t>(file.values.size()) * sizeof(float));
  return out;
}

}  // namespace

ExportFormat parse_export_format(const std::string& name) {
  if (name == "csv") return ExportFormat::csv;
  if (name == "npy") return ExportFormat::npy;
  if (name == "arff") return ExportFormat::arff;
  throw usage_error("unknown export format '" + name + "' (known: csv, npy, arff)");
}

std::string export_features_to_string(const FeatureFile& file, ExportFormat format) {
  switch (format) {
    case ExportFormat::csv:
      return to_csv(file);
    case ExportFormat::npy:
      return to_npy(file);
    case ExportFormat::arff:
      return to_arff(file);
  }
  return {};
}

void export_features(const FeatureFile& file, ExportFormat format,
                     const std::filesystem::path& output) {
  write_file_atomically(output, export_features_to_string(file, format));
}

}  // namespace mirkit::pipeline
