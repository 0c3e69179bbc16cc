# CLI tests of `ocikit ref parse`, `ocikit digest parse` and `ocikit digest file` (ctest label
# `cli`): exact outputs and exit codes, streaming from stdin, usage errors.
# See tests/cli_platform/tests.cmake for why OCIKIT_BUILD_EXAMPLES is tested here.
if(TARGET ocikit_cli OR OCIKIT_BUILD_EXAMPLES)
  add_test(NAME cli:ref_digest
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/ref_digest_test.sh $<TARGET_FILE:ocikit_cli>)
  set_tests_properties(cli:ref_digest PROPERTIES LABELS cli TIMEOUT 300)
endif()
