// The last net under verify-signature's messages: every reason, note, detail and error the step
// prints passes through printable_message, so no text from a bundle, envelope, statement or
// certificate can add a line ("verify-signature: ALLOW"), move the cursor or reorder text, even
// where a message quotes it without printable_excerpt. Fields are still quoted with
// printable_excerpt where they are read; this only catches what was missed.
#pragma once

#include <string>
#include <string_view>

namespace relgate::sig
{

// Valid UTF-8 stays as it is (a path, the checkpoint's em dash), and '\\' stays, so a second
// pass changes nothing. C0 and C1 controls (newline, CR, ESC, CSI), DEL, bytes that are not
// UTF-8, U+2028 / U+2029 and the bidi marks, embeddings, overrides and isolates become \xNN per byte.
std::string printable_message(std::string_view text);

} // namespace relgate::sig
