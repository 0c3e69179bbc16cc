# Remote tests (ctest label `remote`), every server on 127.0.0.1, started and stopped by the test:
#   remote:http    the [.server] cases of remote_http_test and remote_auth_test against a small
#                  Python test server (tests/remote/http_server.py; plain, and TLS with a
#                  certificate made by `openssl req`): redirects, retries, timeouts, truncated and
#                  malformed answers, keep-alive, streamed bodies, token and Basic auth
#   remote:login   `ocikit login` / `logout` against docker-registry with htpasswd (plain, TLS)
find_package(Python3 3.9 REQUIRED COMPONENTS Interpreter)
add_test(NAME remote:http
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/http_test.py
                 $<TARGET_FILE:remote_http_test> $<TARGET_FILE:remote_auth_test>)
set_tests_properties(remote:http PROPERTIES LABELS remote TIMEOUT 300)
# Included by tests/CMakeLists.txt before the top level adds examples/: OCIKIT_BUILD_EXAMPLES
# says whether ocikit_cli will exist.
if(TARGET ocikit_cli OR OCIKIT_BUILD_EXAMPLES)
  add_test(NAME remote:login
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/login_test.py
                   $<TARGET_FILE:ocikit_cli>)
  set_tests_properties(remote:login PROPERTIES LABELS remote TIMEOUT 300)
endif()
# remote:registry  the [.registry] cases of remote_registry_test (the remote registry's
#                  operations) against docker-registry on 127.0.0.1 (tests/remote/registry_test.py)
add_test(NAME remote:registry
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/registry_test.py
                 $<TARGET_FILE:remote_registry_test>)
set_tests_properties(remote:registry PROPERTIES LABELS remote TIMEOUT 300)
