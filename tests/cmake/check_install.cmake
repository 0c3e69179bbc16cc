# cmake -DPREFIX=<install prefix> -P check_install.cmake
# What a headers-only install of an unbuilt tree must hold: every public header, the CMake package
# files and ocikit.pc; and no ocikit CLI, since nothing was built.
if(NOT PREFIX)
  message(FATAL_ERROR "usage: cmake -DPREFIX=<install prefix> -P check_install.cmake")
endif()
set(expected
  include/ocikit/ocikit.hpp
  include/ocikit/version.hpp
  include/ocikit/grammar/reference.hpp
  include/ocikit/detail
  share/cmake/ocikit/ocikit-config.cmake
  share/cmake/ocikit/ocikit-config-version.cmake
  share/cmake/ocikit/ocikit-targets.cmake
  share/pkgconfig/ocikit.pc)
set(missing)
foreach(f IN LISTS expected)
  if(NOT EXISTS ${PREFIX}/${f})
    list(APPEND missing ${f})
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "not installed under ${PREFIX}: ${missing}")
endif()
# Every header of the source tree is installed, and nothing else lands under include/ocikit.
get_filename_component(src_include ${CMAKE_CURRENT_LIST_DIR}/../../include REALPATH)
file(GLOB_RECURSE src_headers RELATIVE ${src_include} ${src_include}/ocikit/*)
file(GLOB_RECURSE dst_headers RELATIVE ${PREFIX}/include ${PREFIX}/include/ocikit/*)
list(SORT src_headers)
list(SORT dst_headers)
if(NOT src_headers STREQUAL dst_headers)
  message(FATAL_ERROR "installed headers differ from include/:\n  source: ${src_headers}\n"
                      "  installed: ${dst_headers}")
endif()
list(LENGTH dst_headers n)
if(EXISTS ${PREFIX}/bin/ocikit)
  message(FATAL_ERROR "${PREFIX}/bin/ocikit installed although nothing was built")
endif()
message(STATUS "install: ${n} headers, CMake package files and ocikit.pc under ${PREFIX}")
