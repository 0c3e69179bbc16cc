# Store tests (ctest label `store`): `ocikit store ...` driven by Python scripts against real tools
# (skopeo, umoci, docker-registry on 127.0.0.1), each in its own temporary directory:
#   store:cli           every verb, its exit status, every refusal leaves the store unchanged
#   store:readers       skopeo inspect/copy and umoci stat/unpack/gc read every repository
#   store:writers       layouts written by umoci and skopeo import byte-identical
#   store:gc_oracle     the same script against docker-registry and the store, both collected
#   store:crash_faults  a crash at every fault point of include/ocikit/store/fault.hpp
#   store:crash_kill    >= 200 random kill -9 of pushes (OCIKIT_STORE_KILLS sets how many)
#   store:concurrency   pushers and gc at once, bounded in time
# A failure prints the seed; OCIKIT_TEST_SEED=<seed> replays it.
# Included by tests/CMakeLists.txt before the top level adds examples/, so the ocikit_cli target
# may not exist yet: OCIKIT_BUILD_EXAMPLES says whether it will.
if(TARGET ocikit_cli OR OCIKIT_BUILD_EXAMPLES)
  find_package(Python3 3.9 REQUIRED COMPONENTS Interpreter)
  set(_ocikit_store_tests
      cli readers writers gc_oracle crash_faults crash_kill concurrency)
  set(_ocikit_store_timeouts 300 300 300 300 300 400 300)
  foreach(name timeout IN ZIP_LISTS _ocikit_store_tests _ocikit_store_timeouts)
    set(_args $<TARGET_FILE:ocikit_cli>)
    if(name STREQUAL "crash_faults")
      list(APPEND _args ${PROJECT_SOURCE_DIR})
    endif()
    add_test(NAME store:${name}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/${name}_test.py ${_args})
    set_tests_properties(store:${name} PROPERTIES LABELS store TIMEOUT ${timeout})
  endforeach()
  # A sanitizer build starts each ocikit process several times slower: fewer kills there (the
  # 200 of the target are the optimized build's).
  if(CMAKE_CXX_FLAGS MATCHES "sanitize")
    set_tests_properties(store:crash_kill PROPERTIES ENVIRONMENT "OCIKIT_STORE_KILLS=50")
  endif()
endif()
