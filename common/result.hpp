// Errors are values: every fallible function in relgate returns Result<T>.
// Nothing catches but call_catching (common/exception_boundary.hpp): libraries that throw are
// wrapped once in common/ with it, and step_main / run_program use it as the last resort.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace relgate
{

// An error message is written for a person: it names the file, the field and the fix.
struct Error {
  std::string message;
};

inline Error make_error(std::string message)
{
  return Error{std::move(message)};
}

template <typename T> class [[nodiscard]] Result
{
public:
  Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return m_data.index() == 0; }
  explicit operator bool() const { return ok(); }

  T &value() &
  {
    assert(ok());
    return std::get<0>(m_data);
  }
  const T &value() const &
  {
    assert(ok());
    return std::get<0>(m_data);
  }
  T &&value() &&
  {
    assert(ok());
    return std::get<0>(std::move(m_data));
  }
  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }
  T &&operator*() && { return std::move(*this).value(); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }

  const Error &error() const
  {
    assert(!ok());
    return std::get<1>(m_data);
  }
  const std::string &message() const { return error().message; }

  template <typename U> T value_or(U &&fallback) const
  {
    return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

private:
  std::variant<T, Error> m_data;
};

template <> class [[nodiscard]] Result<void>
{
public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}

  bool ok() const { return m_ok; }
  explicit operator bool() const { return ok(); }
  const Error &error() const
  {
    assert(!ok());
    return m_error;
  }
  const std::string &message() const { return error().message; }

private:
  Error m_error;
  bool m_ok = true;
};

inline Result<void> ok_result()
{
  return {};
}

} // namespace relgate

#define RELGATE_CONCAT_INNER(a, b) a##b
#define RELGATE_CONCAT(a, b) RELGATE_CONCAT_INNER(a, b)

// RELGATE_TRY(expr): return the error of a Result<...> expression, else continue.
#define RELGATE_TRY(expr)                                                                                              \
  do {                                                                                                                 \
    auto &&relgate_try_result_ = (expr);                                                                               \
    if (!relgate_try_result_) {                                                                                        \
      return relgate_try_result_.error();                                                                              \
    }                                                                                                                  \
  } while (false)

// RELGATE_ASSIGN_OR_RETURN(auto x, expr): bind the value or return the error.
#define RELGATE_ASSIGN_OR_RETURN(decl, expr)                                                                           \
  RELGATE_ASSIGN_OR_RETURN_IMPL(RELGATE_CONCAT(relgate_result_, __LINE__), decl, expr)
#define RELGATE_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr)                                                                 \
  auto tmp = (expr);                                                                                                   \
  if (!tmp) {                                                                                                          \
    return tmp.error();                                                                                                \
  }                                                                                                                    \
  decl = std::move(tmp).value()
