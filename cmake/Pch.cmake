# Precompiled headers: the standard library and RapidJSON headers that nearly every translation
# unit parses again. Each target that uses them compiles its own header once, with its own flags
# (no sharing between targets whose definitions or -O differ). Only for targets with several
# sources: a one-file target gains nothing.
# Default on with clang (the sanitizer build: steps/rollback/rollback_step.cpp under ASan + UBSan
# + coverage, -O1, 11.5 -> 10.1 CPU s; the header costs 3.5 s once per target), off with gcc: there
# the gain is similar but GCC 12's -Warray-bounds false positives depend on include order
# (common/evidence_record.cpp fails -Werror with the header, not without).
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(relgate_pch_default ON)
else()
  set(relgate_pch_default OFF)
endif()
option(RELGATE_PCH "Precompile the standard library and RapidJSON headers" ${relgate_pch_default})
set(RELGATE_PCH_HEADERS
  <algorithm> <chrono> <cstdint> <cstdio> <cstdlib> <cstring> <functional> <map> <memory>
  <optional> <set> <string> <string_view> <unordered_map> <utility> <variant> <vector>
  <rapidjson/document.h>)

# relgate_precompile(<target> [SKIP <sources...>]): SKIP lists sources that must see their own
# include order (common/policy.cpp wraps toml++ in macros).
function(relgate_precompile target)
  cmake_parse_arguments(ARG "" "" "SKIP" ${ARGN})
  if(NOT RELGATE_PCH)
    return()
  endif()
  target_precompile_headers(${target} PRIVATE ${RELGATE_PCH_HEADERS})
  if(ARG_SKIP)
    set_source_files_properties(${ARG_SKIP} TARGET_DIRECTORY ${target} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  endif()
endfunction()
