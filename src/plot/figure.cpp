#include "mirkit/plot/figure.hpp"

#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include "draw.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/core/file_io.hpp"

namespace mirkit::plot {
namespace {

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS) {
    throw fatal_error(std::string("drawing the figure (") + what +
                      "): " + cairo_status_to_string(status));
  }
}

Surface image_surface(int width, int height) {
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height),
                  &cairo_surface_destroy);
  check(cairo_surface_status(surface.get()), "image surface");
  return surface;
}

void render(cairo_surface_t* surface, int width, int height, const std::string& title,
            const std::vector<Figure::Entry>& panels) {
  Context cr(cairo_create(surface), &cairo_destroy);
  draw_figure(cr.get(), width, height, title, panels);
  check(cairo_status(cr.get()), "drawing");
}

}  // namespace

ImageFormat image_format_of(const std::filesystem::path& path) {
  std::string ending = path.extension().string();
  std::transform(ending.begin(), ending.end(), ending.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ending == ".png") return ImageFormat::png;
  if (ending == ".svg") return ImageFormat::svg;
  throw usage_error(path.string() + ": an image file name ends in .png or .svg");
}

Figure::Figure(int width, int height, std::string title)
    : width_(width), height_(height), title_(std::move(title)) {
  // 16 px leaves room for nothing but the data; 8192 px is far beyond any screen and keeps a
  // PNG's ARGB buffer under 256 MB.
  if (width < 16 || width > 8192 || height < 16 || height > 8192) {
    throw usage_error("image size " + std::to_string(width) + "×" + std::to_string(height) +
                      ": width and height must be 16 … 8192 pixels");
  }
}

void Figure::add(Panel panel, std::string title, double weight) {
  panels_.push_back({std::move(panel), std::move(title), weight > 0 ? weight : 1.0});
}

std::string Figure::encode(ImageFormat format) const {
  std::string bytes;
  if (format == ImageFormat::png) {
    const Surface surface = image_surface(width_, height_);
    render(surface.get(), width_, height_, title_, panels_);
    check(cairo_surface_write_to_png_stream(surface.get(), append_bytes, &bytes), "PNG");
    return bytes;
  }
  Surface surface(cairo_svg_surface_create_for_stream(append_bytes, &bytes, width_, height_),
                  &cairo_surface_destroy);
  check(cairo_surface_status(surface.get()), "SVG surface");
  // Pixels, not cairo's default points, so that a W×H figure is W×H in a browser as the PNG is.
  cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_PX);
  render(surface.get(), width_, height_, title_, panels_);
  cairo_surface_finish(surface.get());
  check(cairo_surface_status(surface.get()), "SVG");
  return bytes;
}

void Figure::save(const std::filesystem::path& path) const {
  write_file_atomically(path, encode(image_format_of(path)));
}

Raster Figure::raster() const {
  const Surface surface = image_surface(width_, height_);
  render(surface.get(), width_, height_, title_, panels_);
  cairo_surface_flush(surface.get());
  Raster raster;
  raster.width = width_;
  raster.height = height_;
  raster.argb.resize(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_));
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < height_; ++y) {
    std::memcpy(raster.argb.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width_),
                data + static_cast<std::ptrdiff_t>(y) * stride,
                static_cast<std::size_t>(width_) * 4);
  }
  return raster;
}

Rect Figure::data_area(std::size_t index) const {
  const Surface surface = image_surface(1, 1);
  Context cr(cairo_create(surface.get()), &cairo_destroy);
  return layout_figure(cr.get(), width_, height_, title_, panels_).at(index).data;
}

}  // namespace mirkit::plot
