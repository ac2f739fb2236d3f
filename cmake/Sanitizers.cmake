# Sanitizers apply to the whole build so library and tests agree on instrumentation.
# RELGATE_SANITIZE=ON is ASan + UBSan together (what scripts/test.sh runs the suite under).
set(RELGATE_SANITIZE_FLAGS "")
if(RELGATE_ASAN OR RELGATE_SANITIZE OR RELGATE_FUZZ)
  list(APPEND RELGATE_SANITIZE_FLAGS -fsanitize=address -fno-omit-frame-pointer)
endif()
if(RELGATE_UBSAN OR RELGATE_SANITIZE OR RELGATE_FUZZ)
  list(APPEND RELGATE_SANITIZE_FLAGS -fsanitize=undefined -fno-sanitize-recover=undefined)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    list(APPEND RELGATE_SANITIZE_FLAGS -fsanitize-ignorelist=${CMAKE_CURRENT_LIST_DIR}/ubsan-ignorelist.txt)
  endif()
endif()
# libFuzzer is blind to code built without coverage hooks: instrument every library, not only
# the harnesses (the sanitizer runtimes supply the hooks to the non-fuzzer executables).
if(RELGATE_FUZZ)
  list(APPEND RELGATE_SANITIZE_FLAGS -fsanitize=fuzzer-no-link)
endif()
if(RELGATE_SANITIZE_FLAGS)
  add_compile_options(${RELGATE_SANITIZE_FLAGS})
  add_link_options(${RELGATE_SANITIZE_FLAGS})
endif()
