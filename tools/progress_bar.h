// A progress bar on stderr for long loops (`tscript run --bench N`): drawn only when stderr
// is a terminal and the loop has already run for a while, so short runs and logs stay clean.
#pragma once

#include <chrono>
#include <cstdint>

namespace tscript::tools {

class ProgressBar {
 public:
  // `total` steps; the bar appears once `delay` has passed without the loop finishing.
  explicit ProgressBar(int64_t total, std::chrono::milliseconds delay = std::chrono::milliseconds(500));
  ~ProgressBar();  // clears the bar's line if one was drawn

  // Call after each step; redraws at most ten times a second.
  void step();

 private:
  void draw(double elapsedSeconds);

  int64_t total_;
  int64_t done_ = 0;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point lastDraw_;
  std::chrono::milliseconds delay_;
};

}  // namespace tscript::tools
