# CLI tests of `ocikit manifest validate|digest|inspect` (ctest label `cli`): the built ocikit
# binary run through manifest_test.sh, which checks outputs and exit codes on documents it writes
# itself and on the corpus in tests/data (every verdict and digest of cases.jsonl).
# Included by tests/CMakeLists.txt (CMAKE_CURRENT_LIST_DIR is tests/cli_manifest) before the top
# level adds examples/, so the ocikit_cli target may not exist yet: OCIKIT_BUILD_EXAMPLES says
# whether it will ($<TARGET_FILE:...> is resolved at generate time, when it does).
if(TARGET ocikit_cli OR OCIKIT_BUILD_EXAMPLES)
  add_test(NAME cli:manifest
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/manifest_test.sh $<TARGET_FILE:ocikit_cli>
            ${CMAKE_CURRENT_LIST_DIR}/../data)
  set_tests_properties(cli:manifest PROPERTIES LABELS cli TIMEOUT 120)
endif()
