# One INTERFACE target carries the warning flags; -Werror only when asked (CI), never for users.
add_library(relgate_warnings INTERFACE)
target_compile_options(relgate_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(RELGATE_WERROR)
  target_compile_options(relgate_warnings INTERFACE -Werror)
endif()
# GCC 12 reports -Wrestrict false positives inside std::string assignment (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(relgate_warnings INTERFACE -Wno-restrict)
endif()
