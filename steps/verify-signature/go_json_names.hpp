// Go's encoding/json (cosign reads legacy bundles and simple-signing payloads with it) matches a
// member to a struct field ignoring case, with Unicode simple folding ("ſ" U+017F matches "s",
// "K" U+212A matches "k"), and a later match overwrites an earlier one. relgate reads such
// documents the same way and refuses two members that Go would read into one field, so the
// value relgate verifies is the value cosign would read.
#pragma once

#include "json.hpp"
#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate::sig
{

// The name as Go compares it: ASCII letters upper-cased, U+017F as 'S', U+212A as 'K'.
std::string go_folded_name(std::string_view name);

// Every object at every depth: no two member names with one folded form. The error names the
// source, the path and both spellings: "b.bundle: (root): members \"cert\" and \"Cert\" are one
// field to Go's encoding/json (cosign reads the last one): remove one".
Result<void> check_go_unique_members(const JsonValue &document, const std::string &source);

// The member Go would read into the field `key`, or nullptr. Call check_go_unique_members first:
// with two matches this returns the first, where Go reads the last.
const JsonValue *find_member_go(const JsonValue &object, std::string_view key);

} // namespace relgate::sig
