// The one writer for values relgate puts into YAML (the kustomize Component, rendered templates):
// a double-quoted YAML scalar, so no value (an image name from evidence, a release id from a
// hostile repository) can close the quote, start a new key or a new document.
#pragma once

#include <string>
#include <string_view>

namespace relgate::gitops
{

// "<value>" with \" \\ \n \r \t, \xHH for other ASCII control bytes and DEL, and \N \L \P for
// U+0085, U+2028 and U+2029 (YAML line breaks); other UTF-8 passes through unchanged, and bytes
// that are not valid UTF-8 are written as \xHH so the document stays valid.
std::string yaml_quoted(std::string_view value);

} // namespace relgate::gitops
