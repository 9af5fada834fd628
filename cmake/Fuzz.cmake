# The libFuzzer targets (tests/fuzz/), in a build folder of their own configured with clang and
# -DTSCRIPT_FUZZ=ON (`make fuzz`; `make test-fuzz` runs each for a fixed time on the seeds of
# tests/fuzz/corpus):
#   archive_reader_fuzz  zip, pickles and code parsing (the ATen-free layers serialize, lang);
#   archive_load_fuzz    a whole load: tensor rebuild, data.pkl objects, the code compiled.
# Every layer they link is instrumented with AddressSanitizer and UBSan (with clang's UBSan
# that includes -fsanitize=function: calls through a function pointer of the wrong type) and
# with libFuzzer's coverage; libtorch is Debian's and uninstrumented.
if(NOT TSCRIPT_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "TSCRIPT_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
set(fuzz_flags -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
               -fno-omit-frame-pointer)
foreach(layer lang types ir passes ops compiler runtime serialize archive)
  target_compile_options(tscript_${layer} PRIVATE ${fuzz_flags})
endforeach()
# clang 14 in C++20 mode rejects libtorch 1.13's headers when ATen/Context.h's includes
# instantiate std::vector<c10::IValue> before IValue is complete (gcc accepts it); including
# ivalue.h first in the layers that use ATen avoids that without touching their sources.
foreach(layer ops runtime archive)
  target_compile_options(tscript_${layer} PRIVATE -include ATen/core/ivalue.h)
endforeach()

function(tscript_fuzz_target name)
  add_executable(${name} ${CMAKE_SOURCE_DIR}/tests/fuzz/${name}.cpp)
  target_compile_options(${name} PRIVATE ${fuzz_flags})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE ${ARGN})
endfunction()
tscript_fuzz_target(archive_reader_fuzz tscript_serialize tscript_lang)
tscript_fuzz_target(archive_load_fuzz tscript_archive)
