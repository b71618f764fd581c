#include "image_checks.hpp"

#include <cairo.h>
#include <librsvg/rsvg.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mirkit::test {
namespace {

struct Reader {
  const std::string* bytes;
  std::size_t at = 0;
};

cairo_status_t read_chunk(void* closure, unsigned char* data, unsigned int length) {
  auto* reader = static_cast<Reader*>(closure);
  if (reader->bytes->size() - reader->at < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, reader->bytes->data() + reader->at, length);
  reader->at += length;
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::pair<int, int> png_size(const std::string& bytes) {
  Reader reader{&bytes};
  cairo_surface_t* image = cairo_image_surface_create_from_png_stream(read_chunk, &reader);
  std::pair<int, int> size{0, 0};
  if (cairo_surface_status(image) == CAIRO_STATUS_SUCCESS)
    size = {cairo_image_surface_get_width(image), cairo_image_surface_get_height(image)};
  cairo_surface_destroy(image);
  return size;
}

std::pair<int, int> svg_size(const std::string& text) {
  GError* error = nullptr;
  RsvgHandle* handle =
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(text.data()), text.size(), &error);
  std::pair<int, int> size{0, 0};
  gdouble width = 0, height = 0;
  if (handle != nullptr && rsvg_handle_get_intrinsic_size_in_pixels(handle, &width, &height) &&
      width >= 1 && height >= 1) {
    cairo_surface_t* surface =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(std::ceil(width)),
                                   static_cast<int>(std::ceil(height)));
    cairo_t* context = cairo_create(surface);
    const RsvgRectangle viewport{0, 0, width, height};
    if (rsvg_handle_render_document(handle, context, &viewport, &error) &&
        cairo_status(context) == CAIRO_STATUS_SUCCESS) {
      size = {static_cast<int>(std::lround(width)), static_cast<int>(std::lround(height))};
    }
    cairo_destroy(context);
    cairo_surface_destroy(surface);
  }
  g_clear_error(&error);
  if (handle != nullptr) g_object_unref(handle);
  return size;
}

}  // namespace mirkit::test
