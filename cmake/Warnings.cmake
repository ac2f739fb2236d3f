# One INTERFACE target carries the warning flags; -Werror only when asked (CI), never for users.
add_library(relgate_warnings INTERFACE)
target_compile_options(relgate_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(RELGATE_WERROR)
  target_compile_options(relgate_warnings INTERFACE -Werror)
endif()
