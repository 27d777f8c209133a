package export

import "github.com/kpeek/kpeek/decode"

// The CSV member reader (objectMembers) delimits JSON with these two names; they are
// decode's JSON scanner, so export has no scanner of its own.

func skipSpace(b []byte, i int) int { return decode.SkipJSONSpace(b, i) }

func skipValue(b []byte, i int) (int, bool) { return decode.SkipJSONValue(b, i) }
