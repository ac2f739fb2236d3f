# Portable binaries (RELGATE_PORTABLE): what a release tarball needs to run on any glibc >= 2.35
# Linux (Ubuntu 22.04, Debian 12, ...), so the default build/ is also what scripts/release.sh ships.
#   static:  libstdc++, libgcc, Boost.Program_options, RE2 (Debian ships the .a files), and an
#            arc4random of our own (portable/arc4random.cpp) so the floor stays GLIBC_2.35
#   header-only: toml++, RapidJSON
#   shared (the system's):  OpenSSL 3 (libssl3 / libcrypto.so.3), libcurl (libcurl4), glibc, libm;
#            except verify-signature, which links libcrypto.a (RELGATE_STATIC_OPENSSL, in
#            steps/verify-signature/CMakeLists.txt: start-up time; docs/verify-signature.md "Cost")
# Include before Dependencies.cmake (Boost's static choice is made at find_package), then call
# relgate_portable_static_dependencies() after it (RE2 comes from pkg-config as a shared library).
# Off by default under the sanitizers and libFuzzer: their runtimes want the shared C++ library.
# Keep the glibc floor at 2.35: no std::random_device (static libstdc++ uses arc4random, 2.36);
# tests/reach/release.sh checks NEEDED and the GLIBC_ versions of every executable.
set(relgate_portable_default ON)
if(RELGATE_SANITIZE OR RELGATE_ASAN OR RELGATE_UBSAN OR RELGATE_FUZZ OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(relgate_portable_default OFF)
endif()
option(RELGATE_PORTABLE "Link libstdc++, libgcc, Boost.Program_options and RE2 statically (release binaries)"
       ${relgate_portable_default})
if(RELGATE_PORTABLE AND (RELGATE_SANITIZE OR RELGATE_ASAN OR RELGATE_UBSAN OR RELGATE_FUZZ))
  message(FATAL_ERROR "RELGATE_PORTABLE=ON cannot be combined with the sanitizers or RELGATE_FUZZ")
endif()

if(RELGATE_PORTABLE)
  set(Boost_USE_STATIC_LIBS ON)
  # --as-needed: a shared library (libcurl, libssl) is recorded only in executables that call it;
  # each one costs start-up time in every run of a step.
  add_link_options(-static-libstdc++ -static-libgcc -Wl,--as-needed)
  # The static libstdc++ always imports arc4random (GLIBC_2.36) through random.o: every executable
  # gets its own definition instead (portable/arc4random.cpp), attached once all targets exist.
  add_library(relgate_portable_compat OBJECT ${CMAKE_CURRENT_LIST_DIR}/portable/arc4random.cpp)
  cmake_language(DEFER CALL relgate_portable_attach_compat ${CMAKE_CURRENT_SOURCE_DIR})
endif()

function(relgate_portable_attach_compat dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
      target_sources(${target} PRIVATE $<TARGET_OBJECTS:relgate_portable_compat>)
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir ${subdirs})
    relgate_portable_attach_compat(${subdir})
  endforeach()
endfunction()

function(relgate_portable_static_dependencies)
  if(NOT RELGATE_PORTABLE)
    return()
  endif()
  if(TARGET PkgConfig::RE2)
    find_library(RELGATE_RE2_STATIC_LIBRARY NAMES libre2.a HINTS ${RE2_LIBRARY_DIRS} REQUIRED)
    # The .a needs what the shared library carried itself: threads (in libc since glibc 2.34).
    set_target_properties(PkgConfig::RE2 PROPERTIES INTERFACE_LINK_LIBRARIES
                                                    "${RELGATE_RE2_STATIC_LIBRARY};Threads::Threads")
  endif()
endfunction()
