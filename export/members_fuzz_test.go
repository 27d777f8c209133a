package export

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// FuzzObjectMembers checks objectMembers, which verify and CSV use on every line, against
// encoding/json: for a valid JSON object it must give the same member names and values.
func FuzzObjectMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[1,{"c":"d"}]}`, `{"\u00e9\"x":null}`, `{"a\\b":"\n"}`, ` { "a" : true } `, `{"\u0000":1}`, `[1]`, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		var names []string
		var values [][]byte
		ok := objectMembers(v, func(name string, value []byte) {
			names = append(names, name)
			values = append(values, value)
		})
		var obj map[string]json.RawMessage
		if !json.Valid(v) || json.Unmarshal(v, &obj) != nil || obj == nil {
			return // not an object: objectMembers may say anything but must not panic
		}
		if !ok {
			t.Fatalf("objectMembers refused the object %q", v)
		}
		want := memberNames(t, v)
		if !slices.Equal(names, want) {
			t.Fatalf("names %q, encoding/json reads %q from %q", names, want, v)
		}
		for i, name := range names {
			if last := lastIndex(names, name); last == i && !bytes.Equal(compact(t, values[i]), compact(t, obj[name])) {
				t.Fatalf("member %q = %s, encoding/json reads %s", name, values[i], obj[name])
			}
		}
	})
}

func memberNames(t *testing.T, v []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(v))
	var names []string
	depth := 0
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return names
		}
		switch x := tok.(type) {
		case json.Delim:
			if x == '{' || x == '[' {
				depth++
				expectKey = x == '{' && depth == 1
			} else {
				depth--
				if depth == 1 {
					expectKey = true
				}
			}
			continue
		case string:
			if depth == 1 && expectKey {
				names = append(names, x)
				expectKey = false
				continue
			}
		}
		if depth == 1 {
			expectKey = true
		}
	}
}

func lastIndex(names []string, name string) int {
	for i := len(names) - 1; i >= 0; i-- {
		if names[i] == name {
			return i
		}
	}
	return -1
}

func compact(t *testing.T, v []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		t.Fatalf("compact %q: %v", v, err)
	}
	return b.Bytes()
}
