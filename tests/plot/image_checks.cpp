#include "image_checks.hpp"

#include <cairo.h>

#include <algorithm>
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

}  // namespace mirkit::test
