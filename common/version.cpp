#include "version.hpp"

namespace relgate
{

std::string_view relgate_version()
{
  return RELGATE_VERSION;
}

} // namespace relgate
