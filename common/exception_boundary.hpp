// The one `catch` in relgate. Errors are values (result.hpp), but three things throw: the
// libraries we wrap (Boost.Program_options in cli_options.cpp, toml++ in policy.cpp) and, as a
// last resort, anything a step lets escape (step_main, run_program). Each of them calls
// call_catching() instead of writing its own try/catch, so what an exception becomes (an Error
// with the caller's wording, never a crash or a half-written output) is decided here once.
#pragma once

#include "result.hpp"

#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

namespace relgate
{

namespace exception_boundary_detail
{
template <typename T> struct AsResult {
  using type = Result<T>;
};
template <typename T> struct AsResult<Result<T>> {
  using type = Result<T>; // a call that already returns a Result keeps its own errors
};
} // namespace exception_boundary_detail

// Runs `call()` and returns its value as a Result; an `Exception` (or a subclass) thrown by it
// becomes the Error `describe(exception)` words. A call returning Result<T> gives Result<T>, a
// call returning void gives Result<void>. Other exception types propagate (to the outer boundary).
template <typename Exception = std::exception, typename Call, typename Describe>
auto call_catching(Call &&call, Describe &&describe) ->
    typename exception_boundary_detail::AsResult<std::invoke_result_t<Call>>::type
{
  using Returned = std::invoke_result_t<Call>;
  try {
    if constexpr (std::is_void_v<Returned>) {
      std::invoke(std::forward<Call>(call));
      return ok_result();
    } else {
      return std::invoke(std::forward<Call>(call));
    }
  } catch (const Exception &exception) {
    return make_error(std::invoke(std::forward<Describe>(describe), exception));
  }
}

} // namespace relgate
