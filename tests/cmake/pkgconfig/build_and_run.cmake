# The consumer built with a plain compiler command line whose flags come from pkg-config:
#   c++ -std=c++20 consumer_main.cpp $(pkg-config --cflags --libs ocikit) -o consumer
# cmake -DPREFIX=<install prefix> -DCXX=<compiler> -DCXX_FLAGS=<flags> -DLINKER_FLAGS=<flags>
#       -DVERSION=<project version> -DOUT=<dir> -P build_and_run.cmake
find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${PREFIX}/share/pkgconfig)

function(pc out)
  execute_process(COMMAND ${PKG_CONFIG} ${ARGN} ocikit OUTPUT_VARIABLE text
                  ERROR_VARIABLE err RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config ${ARGN} ocikit failed (${rc}): ${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

pc(version --modversion)
if(NOT version STREQUAL VERSION)
  message(FATAL_ERROR "pkg-config --modversion ocikit: '${version}', expected '${VERSION}'")
endif()
pc(cflags --cflags)
pc(libs --libs)
foreach(lib -lboost_json -lcrypto)
  if(NOT " ${libs} " MATCHES " ${lib} ")
    message(FATAL_ERROR "pkg-config --libs ocikit: '${libs}' lacks ${lib}")
  endif()
endforeach()
# The headers must come from the prefix (the .pc file finds it from its own place).
file(REAL_PATH ${PREFIX}/include want_include)
string(REGEX MATCH "-I[^ ]+" include_flag "${cflags}")
string(SUBSTRING "${include_flag}" 2 -1 include_dir)
file(REAL_PATH "${include_dir}" got_include)
if(NOT got_include STREQUAL want_include)
  message(FATAL_ERROR "pkg-config --cflags ocikit: '${cflags}', expected -I${want_include}")
endif()

separate_arguments(cflags_list UNIX_COMMAND "${cflags}")
separate_arguments(libs_list UNIX_COMMAND "${libs}")
separate_arguments(cxx_flags_list UNIX_COMMAND "${CXX_FLAGS}")
separate_arguments(linker_flags_list UNIX_COMMAND "${LINKER_FLAGS}")
file(MAKE_DIRECTORY ${OUT})
set(cmd ${CXX} -std=c++20 ${cxx_flags_list} ${cflags_list}
        "-DOCIKIT_EXPECTED_VERSION=\"${VERSION}\""
        ${CMAKE_CURRENT_LIST_DIR}/../consumer_main.cpp -o ${OUT}/consumer
        ${linker_flags_list} ${libs_list})
list(JOIN cmd " " shown)
message(STATUS "${shown}")
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the compiler command failed (${rc})")
endif()
execute_process(COMMAND ${OUT}/consumer RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer failed (${rc})")
endif()
