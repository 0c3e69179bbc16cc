# CLI tests of `ocikit platform parse` and `ocikit platform select` (ctest label `cli`): the built
# ocikit binary run through platform_test.sh, which checks exact outputs and exit codes on
# indexes it writes itself and on the corpus in tests/data.
# Included by tests/CMakeLists.txt (CMAKE_CURRENT_LIST_DIR is tests/cli_platform) before the top
# level adds examples/, so the ocikit_cli target may not exist yet: OCIKIT_BUILD_EXAMPLES says
# whether it will ($<TARGET_FILE:...> is resolved at generate time, when it does).
if(TARGET ocikit_cli OR OCIKIT_BUILD_EXAMPLES)
  add_test(NAME cli:platform
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/platform_test.sh $<TARGET_FILE:ocikit_cli>
            ${CMAKE_CURRENT_LIST_DIR}/../data)
  set_tests_properties(cli:platform PROPERTIES LABELS cli TIMEOUT 120)
endif()
