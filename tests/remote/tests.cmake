# Remote tests (ctest label `remote`), every server on 127.0.0.1, started and stopped by the test:
#   remote:http      the [.server] cases of remote_http_test and remote_auth_test against a small
#                    Python test server (tests/remote/http_server.py; plain, and TLS with a
#                    certificate made by `openssl req`): redirects, retries, timeouts, truncated
#                    and malformed answers, keep-alive, streamed bodies, token and Basic auth
#   remote:login     `ocikit login` / `logout` against docker-registry with htpasswd (plain, TLS)
# and `ocikit copy`, `ocikit store VERB docker://…` end to end against real servers
# (tests/remote/fixtures.py; `python3 tests/remote/fixtures.py` checks the fixtures themselves
# with skopeo and curl):
#   remote:registry  plain docker-registry: push/pull by tag and digest, remote store verbs,
#                    monolithic and chunked uploads, mount, paging, Accept negotiation, round
#                    trips byte-identical with skopeo
#   remote:auth      token auth (a test ES256 token issuer), htpasswd + login/logout, TLS with a
#                    test CA; no secret in any output
#   remote:hostile   tests/remote/hostile_server.py: each misbehaviour refused, nothing stored;
#                    a broken blob download resumed with Range (206, or 200 from the start),
#                    a wrong Content-Range refused
#   remote:copy      store -> registry -> layout -> store keeps every digest; --platform,
#                    --referrers, --jobs
#   remote:acr       list-metadata from Azure's /acr/v1/ API (tests/remote/acr_server.py, a
#                    stand-in behind ACR's Bearer challenge): untagged manifests, timestamps
#   remote:fixtures  the fixtures against skopeo and curl alone (no ocikit)
# A failure prints the seed; OCIKIT_TEST_SEED=<seed> replays it.
find_package(Python3 3.9 REQUIRED COMPONENTS Interpreter)
add_test(NAME remote:http
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/http_test.py
                 $<TARGET_FILE:remote_http_test> $<TARGET_FILE:remote_auth_test>)
set_tests_properties(remote:http PROPERTIES LABELS remote TIMEOUT 300)
add_test(NAME remote:fixtures COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/fixtures.py)
set_tests_properties(remote:fixtures PROPERTIES LABELS remote TIMEOUT 300)
# Included by tests/CMakeLists.txt before the top level adds examples/: OCIKIT_BUILD_EXAMPLES
# says whether ocikit_cli will exist.
if(TARGET ocikit_cli OR OCIKIT_BUILD_EXAMPLES)
  set(_ocikit_remote_tests login registry auth hostile copy acr)
  set(_ocikit_remote_timeouts 300 400 300 600 300 300)
  foreach(name timeout IN ZIP_LISTS _ocikit_remote_tests _ocikit_remote_timeouts)
    add_test(NAME remote:${name}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/${name}_test.py
                     $<TARGET_FILE:ocikit_cli>)
    set_tests_properties(remote:${name} PROPERTIES LABELS remote TIMEOUT ${timeout})
  endforeach()
endif()
# remote:registry_cases  the [.registry] cases of remote_registry_test (the remote registry's
#                  operations) against docker-registry on 127.0.0.1
#                  (tests/remote/registry_cases_test.py)
add_test(NAME remote:registry_cases
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/registry_cases_test.py
                 $<TARGET_FILE:remote_registry_test>)
set_tests_properties(remote:registry_cases PROPERTIES LABELS remote TIMEOUT 300)
