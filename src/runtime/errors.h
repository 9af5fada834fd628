// The one error type of the runtime: a Python exception raised while a TorchScript program
// runs. Operators throw it with the Python exception class torch.jit would raise
// ("IndexError", "ZeroDivisionError", ...); the interpreter adds one traceback frame per
// function the error passes through, so the message reads like torch.jit's:
//
//   The following operation failed in the TorchScript interpreter.
//   Traceback of TorchScript (most recent call last):
//     File "f.py", line 3, in forward
//       return a // b
//              ~~~~~~ <--- HERE
//   ZeroDivisionError: integer division or modulo by zero
//
// Code read from an archive with debug records also knows the Python that the printed code
// came from; its frames then carry an "original" text too, and the report has 1.13's two
// parts: "Traceback of TorchScript, serialized code (most recent call last):" with the
// frames in the archive's code, then "Traceback of TorchScript, original code (most recent
// call last):" with each frame's original (or, lacking one, its serialized text again).
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tscript::runtime {

class ScriptError : public std::exception {
 public:
  ScriptError(std::string pythonClass, std::string message)
      : pythonClass_(std::move(pythonClass)), message_(std::move(message)) {
    rebuildText();
  }

  // The Python exception class name: "ValueError", "RuntimeError", ...
  const std::string& pythonClass() const { return pythonClass_; }
  // The message alone, as Python's str(exception) gives it.
  const std::string& message() const { return message_; }
  // Traceback frames, innermost first (the order in which addFrame was called).
  const std::vector<std::string>& frames() const { return frames_; }

  // Called by the interpreter as the error leaves a function; `frameText` is the complete
  // text of one frame (lines ending in '\n'), `originalText` the frame in the Python that the
  // code was printed from, when known (it may be empty: a range of no source). Empty frames
  // are ignored.
  void addFrame(std::string frameText, std::optional<std::string> originalText = std::nullopt) {
    if (frameText.empty()) return;
    frames_.push_back(std::move(frameText));
    originals_.push_back(std::move(originalText));
    rebuildText();
  }

  // The full report: traceback (outermost first, as Python prints it) and `Class: message`.
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  void rebuildText() {
    text_.clear();
    if (!frames_.empty()) {
      bool hasOriginals = false;
      for (const auto& original : originals_) hasOriginals = hasOriginals || original.has_value();
      text_ = "The following operation failed in the TorchScript interpreter.\n";
      text_ += hasOriginals ? "Traceback of TorchScript, serialized code (most recent call last):\n"
                            : "Traceback of TorchScript (most recent call last):\n";
      for (auto frame = frames_.rbegin(); frame != frames_.rend(); ++frame) text_ += *frame;
      if (hasOriginals) {
        text_ += "\nTraceback of TorchScript, original code (most recent call last):\n";
        for (size_t i = frames_.size(); i-- > 0;) text_ += originals_[i] ? *originals_[i] : frames_[i];
      }
    }
    text_ += pythonClass_;
    text_ += ": ";
    text_ += message_;
  }

  std::string pythonClass_;
  std::string message_;
  std::vector<std::string> frames_;
  std::vector<std::optional<std::string>> originals_;  // one per frame
  std::string text_;
};

// Shorthands for the operators: throwError("IndexError", "list index out of range").
[[noreturn]] inline void throwError(const char* pythonClass, std::string message) {
  throw ScriptError(pythonClass, std::move(message));
}

}  // namespace tscript::runtime
