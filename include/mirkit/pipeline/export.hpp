// Feature files as the formats other tools read: CSV (spreadsheets, pandas, R), NumPy .npy
// (the values alone, float32), and Weka's ARFF.
#pragma once

#include <filesystem>
#include <string>

#include "mirkit/pipeline/feature_file.hpp"

namespace mirkit::pipeline {

enum class ExportFormat { csv, npy, arff };

ExportFormat parse_export_format(const std::string& name);  // a usage Error lists the formats

// CSV and ARFF: one row per feature row, led by path, label (labels joined by ';'), group, and
// for segments and frames the row's position within its item; then the columns, as the shortest
// text that reads back to the same float. NPY: the values, rows × dims, float32, little-endian.
// Written atomically.
void export_features(const FeatureFile& file, ExportFormat format,
                     const std::filesystem::path& output);

std::string export_features_to_string(const FeatureFile& file, ExportFormat format);

}  // namespace mirkit::pipeline
