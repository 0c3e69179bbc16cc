# The ```cpp blocks of README.md compile against the headers: extract_blocks.py writes each block
# into its own translation unit at configure time (CMake configures again when README.md
# changes), and the ctest readme:blocks builds them. A block that no longer compiles fails it.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(OCIKIT_README ${PROJECT_SOURCE_DIR}/README.md)
set(OCIKIT_README_DIR ${CMAKE_CURRENT_BINARY_DIR}/readme_blocks)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${OCIKIT_README} ${CMAKE_CURRENT_LIST_DIR}/extract_blocks.py)
execute_process(
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/extract_blocks.py ${OCIKIT_README}
          ${OCIKIT_README_DIR}
  OUTPUT_VARIABLE OCIKIT_README_BLOCKS OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE OCIKIT_README_STATUS)
if(NOT OCIKIT_README_STATUS EQUAL 0)
  message(FATAL_ERROR "tests/readme: extracting the C++ blocks of README.md failed")
endif()
string(REPLACE "\n" ";" OCIKIT_README_BLOCKS "${OCIKIT_README_BLOCKS}")
add_library(ocikit_readme_blocks OBJECT EXCLUDE_FROM_ALL ${OCIKIT_README_BLOCKS})
target_link_libraries(ocikit_readme_blocks PRIVATE ocikit::ocikit)
# The blocks show what accessors return by calling them alone (`r->tag();  // "24.04"`).
target_compile_options(ocikit_readme_blocks PRIVATE -Wno-unused-result -Wno-unused-variable)
add_test(NAME readme:blocks
  COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target ocikit_readme_blocks
          --config $<CONFIG>)
set_tests_properties(readme:blocks PROPERTIES LABELS readme RESOURCE_LOCK ocikit_build_tree)
