// The hash of texts from reports (interned strings, object keys): XXH3 with a seed drawn once per
// run, so a report cannot be written to make its texts collide (hash flooding turns every index
// lookup into a scan of all earlier entries).
#pragma once

#include <cstdint>
#include <string_view>

namespace relgate::scan
{

uint64_t text_hash(std::string_view text);

} // namespace relgate::scan
