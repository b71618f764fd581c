#include "fftw_planner.hpp"

namespace mirkit {

std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace mirkit
