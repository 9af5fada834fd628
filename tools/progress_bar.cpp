#include "progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace tscript::tools {

namespace {
constexpr int kWidth = 30;
}

ProgressBar::ProgressBar(int64_t total, std::chrono::milliseconds delay)
    : total_(total), enabled_(total > 0 && isatty(STDERR_FILENO)), delay_(delay) {
  start_ = lastDraw_ = std::chrono::steady_clock::now();
}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fprintf(stderr, "\r%*s\r", kWidth + 50, "");
}

void ProgressBar::step() {
  ++done_;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < delay_) return;
  if (drawn_ && now - lastDraw_ < std::chrono::milliseconds(100) && done_ < total_) return;
  lastDraw_ = now;
  draw(std::chrono::duration<double>(now - start_).count());
}

void ProgressBar::draw(double elapsedSeconds) {
  int filled = static_cast<int>(kWidth * done_ / total_);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  double remaining = done_ > 0 ? elapsedSeconds * static_cast<double>(total_ - done_) / static_cast<double>(done_) : 0;
  std::fprintf(stderr, "\r[%s] %3d%% %lld/%lld  %.1fs left ", bar.c_str(),
               static_cast<int>(100 * done_ / total_), static_cast<long long>(done_),
               static_cast<long long>(total_), remaining);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace tscript::tools
