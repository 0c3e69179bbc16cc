# Packaging tests (ctest label `cmake`): ocikit used by another project in each of the ways a
# user can, from this source tree and with no network:
#   cmake:install:*           a fresh configure of the tree with the default options, installed
#                             into a temporary prefix without building anything, then checked
#                             (check_install.cmake: headers, CMake package files, ocikit.pc);
#   cmake:find_package:*      tests/cmake/find_package built against that prefix;
#   cmake:add_subdirectory:*  tests/cmake/add_subdirectory built with the tree added as a subdir
#                             (ocikit's headers under the consumer's strict warnings, -Werror);
#   cmake:fetchcontent:*      tests/cmake/fetchcontent built with FetchContent (SYSTEM) on the
#                             local tree;
#   cmake:pkgconfig:*         consumer_main.cpp compiled by one compiler command line with the
#                             flags of `pkg-config --cflags --libs ocikit` from that prefix.
# Each consumer is configured, built and run as tests chained with fixtures, so a failure names
# its step. The consumers use the compiler, flags and generator of this build (a sanitizer build
# checks them under the sanitizers too).
# Included by tests/CMakeLists.txt: CMAKE_CURRENT_LIST_DIR is tests/cmake.

set(_ocikit_ck_src ${CMAKE_CURRENT_LIST_DIR})
set(_ocikit_ck_bin ${CMAKE_CURRENT_BINARY_DIR}/cmake)
set(_ocikit_ck_prefix ${_ocikit_ck_bin}/prefix)

# What every nested configure gets from this build. No build type: the consumers check packaging,
# not speed, and build fastest unoptimised (CMAKE_CXX_FLAGS still carries any sanitizer flags).
set(_ocikit_ck_args
  -G "${CMAKE_GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
  "-DCMAKE_CXX_FLAGS=${CMAKE_CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${CMAKE_EXE_LINKER_FLAGS}")
if(CMAKE_GENERATOR_PLATFORM)
  list(APPEND _ocikit_ck_args -A "${CMAKE_GENERATOR_PLATFORM}")
endif()
if(CMAKE_GENERATOR_TOOLSET)
  list(APPEND _ocikit_ck_args -T "${CMAKE_GENERATOR_TOOLSET}")
endif()
if(CMAKE_MAKE_PROGRAM)
  list(APPEND _ocikit_ck_args "-DCMAKE_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}")
endif()
if(CMAKE_CXX_COMPILER_LAUNCHER)
  list(APPEND _ocikit_ck_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}")
endif()

get_property(_ocikit_ck_multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
if(_ocikit_ck_multi)
  set(_ocikit_ck_build_config --config $<CONFIG>)
  set(_ocikit_ck_exe_subdir $<CONFIG>/)
else()
  set(_ocikit_ck_build_config)
  set(_ocikit_ck_exe_subdir)
endif()

# Install: clean -> configure (the defaults, as a user's first `cmake -S . -B b`) -> install
# (nothing built; --prefix given only at install time) -> check.
add_test(NAME cmake:install:clean
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${_ocikit_ck_prefix} ${_ocikit_ck_bin}/install-build)
add_test(NAME cmake:install:configure
  COMMAND ${CMAKE_COMMAND} -S ${PROJECT_SOURCE_DIR} -B ${_ocikit_ck_bin}/install-build
          ${_ocikit_ck_args})
add_test(NAME cmake:install
  COMMAND ${CMAKE_COMMAND} --install ${_ocikit_ck_bin}/install-build ${_ocikit_ck_build_config}
          --prefix ${_ocikit_ck_prefix})
add_test(NAME cmake:install:check
  COMMAND ${CMAKE_COMMAND} -DPREFIX=${_ocikit_ck_prefix}
          -P ${_ocikit_ck_src}/check_install.cmake)
set_tests_properties(cmake:install:clean PROPERTIES FIXTURES_SETUP ocikit_ck_clean)
set_tests_properties(cmake:install:configure PROPERTIES
  FIXTURES_REQUIRED ocikit_ck_clean FIXTURES_SETUP ocikit_ck_install_configured)
set_tests_properties(cmake:install PROPERTIES
  FIXTURES_REQUIRED ocikit_ck_install_configured FIXTURES_SETUP ocikit_ck_installed)
set_tests_properties(cmake:install:check PROPERTIES FIXTURES_REQUIRED ocikit_ck_installed)
set(_ocikit_ck_tests cmake:install:clean cmake:install:configure cmake:install
    cmake:install:check)

# One consumer: configure -> build -> run. Extra arguments go to its configure step.
function(_ocikit_ck_consumer name requires)
  set(dir ${_ocikit_ck_bin}/${name})
  add_test(NAME cmake:${name}:configure
    COMMAND ${CMAKE_COMMAND} --fresh -S ${_ocikit_ck_src}/${name} -B ${dir} ${_ocikit_ck_args}
            ${ARGN})
  add_test(NAME cmake:${name}:build
    COMMAND ${CMAKE_COMMAND} --build ${dir} ${_ocikit_ck_build_config})
  add_test(NAME cmake:${name}:run
    COMMAND ${CMAKE_COMMAND} -E chdir ${dir} ${dir}/${_ocikit_ck_exe_subdir}consumer)
  set_tests_properties(cmake:${name}:configure PROPERTIES
    FIXTURES_REQUIRED "${requires}" FIXTURES_SETUP ocikit_ck_${name}_configured)
  set_tests_properties(cmake:${name}:build PROPERTIES
    FIXTURES_REQUIRED ocikit_ck_${name}_configured FIXTURES_SETUP ocikit_ck_${name}_built)
  set_tests_properties(cmake:${name}:run PROPERTIES
    FIXTURES_REQUIRED ocikit_ck_${name}_built)
  list(APPEND _ocikit_ck_tests cmake:${name}:configure cmake:${name}:build cmake:${name}:run)
  set(_ocikit_ck_tests ${_ocikit_ck_tests} PARENT_SCOPE)
endfunction()

# Only the temporary prefix may provide ocikit (no user or system package registry).
_ocikit_ck_consumer(find_package ocikit_ck_installed
  "-DCMAKE_PREFIX_PATH=${_ocikit_ck_prefix}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
_ocikit_ck_consumer(add_subdirectory "" "-DOCIKIT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
_ocikit_ck_consumer(fetchcontent "" "-DOCIKIT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")

# pkg-config and a plain compiler command line, against the installed prefix.
add_test(NAME cmake:pkgconfig
  COMMAND ${CMAKE_COMMAND} -DPREFIX=${_ocikit_ck_prefix} "-DCXX=${CMAKE_CXX_COMPILER}"
          "-DCXX_FLAGS=${CMAKE_CXX_FLAGS}" "-DLINKER_FLAGS=${CMAKE_EXE_LINKER_FLAGS}"
          -DVERSION=${PROJECT_VERSION} -DOUT=${_ocikit_ck_bin}/pkgconfig
          -P ${_ocikit_ck_src}/pkgconfig/build_and_run.cmake)
set_tests_properties(cmake:pkgconfig PROPERTIES FIXTURES_REQUIRED ocikit_ck_installed)
list(APPEND _ocikit_ck_tests cmake:pkgconfig)

set_tests_properties(${_ocikit_ck_tests} PROPERTIES LABELS cmake TIMEOUT 900)
