# libtorch: Debian's libtorch-dev first, then a pip-installed torch found through the
# interpreter that the Python tests use. Only layers that need ATen link `tscript_torch`.
set(TSCRIPT_PYTHON "/usr/bin/python3" CACHE FILEPATH "Python interpreter with torch")
find_package(Torch QUIET CONFIG)
if(NOT Torch_FOUND)
  execute_process(
    COMMAND ${TSCRIPT_PYTHON} -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
    OUTPUT_VARIABLE _torch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_torch_prefix)
    list(APPEND CMAKE_PREFIX_PATH ${_torch_prefix})
    find_package(Torch CONFIG)
  endif()
endif()
if(NOT Torch_FOUND)
  message(FATAL_ERROR "libtorch not found: run scripts/install-deps.sh (Debian libtorch-dev) "
                      "or install torch for ${TSCRIPT_PYTHON}")
endif()
add_library(tscript_torch INTERFACE)
target_link_libraries(tscript_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(tscript_torch INTERFACE ${TORCH_INCLUDE_DIRS})
