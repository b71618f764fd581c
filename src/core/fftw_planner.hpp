// FFTW's planner (plan creation and destruction) is not thread-safe; its execution is. Every plan
// in mirkit is made and destroyed under this one lock, with FFTW_ESTIMATE: FFTW_MEASURE picks
// algorithms by timing, so two runs could differ in the last bits.
#pragma once

#include <mutex>

namespace mirkit {

std::mutex& fftw_planner_mutex();

}  // namespace mirkit
