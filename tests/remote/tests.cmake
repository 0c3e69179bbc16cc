# Remote tests (ctest label `remote`): the HTTP transport and the session's authentication,
# driven against a small Python test server (tests/remote/http_server.py, plain and TLS with a
# certificate made by `openssl req`) on 127.0.0.1; the driver stops the servers it started.
#   remote:http   the [.server] cases of remote_http_test and remote_auth_test
find_package(Python3 3.9 REQUIRED COMPONENTS Interpreter)
add_test(NAME remote:http
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/http_test.py
                 $<TARGET_FILE:remote_http_test> $<TARGET_FILE:remote_auth_test>)
set_tests_properties(remote:http PROPERTIES LABELS remote TIMEOUT 300)
