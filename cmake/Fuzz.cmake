# The libFuzzer target for the archive reader (tests/fuzz/), in a build folder of its own
# configured with clang and -DTSCRIPT_FUZZ=ON (`make fuzz`; `make test-fuzz` runs it for a
# fixed time on tests/fuzz/corpus). Only the ATen-free layers it needs (serialize, lang) are
# built there, instrumented with AddressSanitizer and UBSan as well.
if(NOT TSCRIPT_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "TSCRIPT_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
set(fuzz_flags -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
               -fno-omit-frame-pointer)
foreach(layer lang serialize)
  target_compile_options(tscript_${layer} PRIVATE ${fuzz_flags})
endforeach()
add_executable(archive_reader_fuzz ${CMAKE_SOURCE_DIR}/tests/fuzz/archive_reader_fuzz.cpp)
target_compile_options(archive_reader_fuzz PRIVATE ${fuzz_flags})
target_link_options(archive_reader_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(archive_reader_fuzz PRIVATE tscript_serialize tscript_lang)
