// Loads a TorchScript archive, runs `forward` on one input tensor and prints the result.
//
//   run_model model.pt 2x3x8x8
//
// The input is linspace(-1, 1) over its elements, reshaped, so that anyone can reproduce it
// (torch.linspace(-1, 1, n).reshape(shape) in Python) and compare the outputs.
#include <tscript/tscript.h>

#include <ATen/ATen.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<int64_t> parseShape(const std::string& text) {
  std::vector<int64_t> shape;
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, 'x')) shape.push_back(std::stoll(part));
  return shape;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: run_model MODEL.pt SHAPE   (SHAPE like 1x3x224x224)\n";
    return 2;
  }
  try {
    tscript::Module model = tscript::load(argv[1]);
    std::vector<int64_t> shape = parseShape(argv[2]);
    int64_t count = 1;
    for (int64_t size : shape) count *= size;
    at::Tensor input = at::linspace(-1.0, 1.0, count).reshape(shape);

    at::Tensor output = model.forward({input}).toTensor().contiguous().to(at::kDouble);
    std::cout << "shape";
    for (int64_t size : output.sizes()) std::cout << ' ' << size;
    std::cout << '\n';
    const double* values = output.data_ptr<double>();
    for (int64_t i = 0; i < output.numel(); ++i) std::printf("%.9g\n", values[i]);
  } catch (const tscript::Error& error) {
    std::cerr << "run_model: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
