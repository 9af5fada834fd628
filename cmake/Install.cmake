# `make install` / `cmake --install`: what a C++ program needs to load and run archives
# without Python, found with `find_package(tscript)`:
#   lib/libtscript.so                 the public API (include/tscript) with every layer below it
#   include/tscript/*.h               the public headers (they include only ATen/c10)
#   bin/tscript                       the command
#   lib/cmake/tscript/                the package config: imported target tscript::tscript,
#                                     which also brings libtorch (found again with find_package(Torch))
#
# The layers stay static libraries for the build and the tests; the installed library is one
# shared object made of the API's objects linked against the layers, so a consumer links a
# single target and never sees internal headers.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TSCRIPT_VERSION 0.1.0)

add_library(tscript_shared SHARED $<TARGET_OBJECTS:tscript_api>)
target_link_libraries(tscript_shared PRIVATE tscript_archive tscript_torch)
set_target_properties(tscript_shared PROPERTIES
  OUTPUT_NAME tscript
  VERSION ${TSCRIPT_VERSION}
  SOVERSION 0)
target_include_directories(tscript_shared INTERFACE
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(TARGETS tscript_shared EXPORT tscriptTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/tscript
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS tscript RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT tscriptTargets NAMESPACE tscript::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tscript)
# The exported target is tscript::tscript_shared; the config adds the friendlier alias.
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/tscriptConfig.cmake.in
  ${CMAKE_BINARY_DIR}/tscriptConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tscript)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/tscriptConfigVersion.cmake
  VERSION ${TSCRIPT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/tscriptConfig.cmake ${CMAKE_BINARY_DIR}/tscriptConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tscript)
