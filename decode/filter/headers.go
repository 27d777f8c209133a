package filter

import (
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/kpeek/kpeek/decode"
)

// headerFields is the CEL variable headers: header key → value text. A key sent more
// than once resolves to its last value (what Kafka's lastHeader returns); a null
// header value is the empty string.
type headerFields []decode.HeaderValue

// headerText is a header value as a string: the text of a string value, else its JSON.
func headerText(d *decode.Decoded) string {
	if len(d.JSON) == 0 {
		return ""
	}
	if d.JSON[0] == '"' {
		if s, ok := decode.UnquoteJSON(d.JSON); ok {
			return s
		}
	}
	return string(d.JSON)
}

func (h headerFields) find(key string) (ref.Val, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Key == key {
			return types.String(headerText(&h[i].Value)), true
		}
	}
	return nil, false
}

func (h headerFields) full() traits.Mapper {
	m := make(map[string]string, len(h))
	for i := range h {
		m[h[i].Key] = headerText(&h[i].Value)
	}
	return types.NewStringStringMap(types.DefaultTypeAdapter, m)
}
