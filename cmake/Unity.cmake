# Unity builds: a library's sources compiled in batches of RELGATE_UNITY_BATCH as one translation
# unit each, so the heavy headers (RapidJSON, OpenSSL, the standard library) are parsed and their
# templates instantiated once per batch instead of once per file (scan-gate's six readers:
# 23.8 -> 14.0 CPU s with gcc). Off with -DRELGATE_UNITY=OFF, e.g. to find a file's own include gaps.
option(RELGATE_UNITY "Compile each library's sources in batches (unity build)" ON)
set(RELGATE_UNITY_BATCH 8 CACHE STRING "Sources per unity batch")

# relgate_unity(<target> [SKIP <sources...>]): SKIP lists sources that must stay alone
# (common/policy.cpp wraps toml++ in macros of its own).
function(relgate_unity target)
  cmake_parse_arguments(ARG "" "" "SKIP" ${ARGN})
  if(NOT RELGATE_UNITY)
    return()
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${RELGATE_UNITY_BATCH})
  if(ARG_SKIP)
    set_source_files_properties(${ARG_SKIP} TARGET_DIRECTORY ${target} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  endif()
endfunction()
