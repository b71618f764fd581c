// The pieces of a self-contained HTML page: escaped text, and images inlined as data URIs.
#pragma once

#include <string>
#include <string_view>

#include "mirkit/plot/figure.hpp"

namespace mirkit::plot {

// &, <, >, " and ' as entities: safe in text and in quoted attributes.
std::string html_escape(std::string_view text);

// RFC 4648 base64 with padding.
std::string base64(std::string_view bytes);

// <img> of the figure as an inline PNG, `alt` describing it for screen readers.
std::string inline_image(const Figure& figure, const std::string& alt);

}  // namespace mirkit::plot
