# Code that must not compile (tests/compile_fail/cases.cpp): invalid reference and digest
# literals, and views of temporaries (g++ says "use of deleted function", clang "call to deleted
# function" or "call to deleted member function"). Each case is a target outside `all`; its ctest
# builds it and passes only when the build fails with the expected diagnostic. The control case
# must build.
set(OCIKIT_COMPILE_FAIL_CASES
  "ref_empty|invalid_reference_literal"
  "ref_uppercase|invalid_reference_literal"
  "ref_empty_tag|invalid_reference_literal"
  "ref_bad_tag|invalid_reference_literal"
  "ref_double_slash|invalid_reference_literal"
  "ref_short_digest|invalid_reference_literal"
  "ref_digest_length|invalid_reference_literal"
  "ref_unsupported_algorithm|invalid_reference_literal"
  "ref_path_too_long|invalid_reference_literal"
  "digest_length|invalid_digest_literal"
  "digest_uppercase_hex|invalid_digest_literal"
  "digest_unsupported|invalid_digest_literal"
  "digest_no_colon|invalid_digest_literal"
  "rvalue_parse_reference|deleted function"
  "rvalue_parse_digest|deleted function"
  "rvalue_parse_digest_lenient|deleted function"
  "view_of_temporary_inline_reference|deleted (member )?function"
  "view_of_temporary_reference|deleted (member )?function")

foreach(entry IN ITEMS "control|" ${OCIKIT_COMPILE_FAIL_CASES})
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 case)
  list(GET parts 1 expected)
  set(target ocikit_compile_fail_${case})
  add_executable(${target} EXCLUDE_FROM_ALL ${CMAKE_CURRENT_LIST_DIR}/cases.cpp)
  target_link_libraries(${target} PRIVATE ocikit::ocikit)
  target_compile_definitions(${target} PRIVATE OCIKIT_CASE_${case})
  add_test(NAME compile_fail:${case}
    COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target ${target} --config $<CONFIG>)
  # One build at a time in the build tree.
  set_tests_properties(compile_fail:${case} PROPERTIES LABELS compile_fail
                       RESOURCE_LOCK ocikit_build_tree)
  if(NOT case STREQUAL "control")
    # The build must fail, and for the expected reason (not a missing header, say).
    set_tests_properties(compile_fail:${case} PROPERTIES
                         PASS_REGULAR_EXPRESSION "${expected}")
  endif()
endforeach()
