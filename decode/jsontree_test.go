package decode

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWalkJSON(t *testing.T) {
	src := `{"a":1,"c\u0061rd":{"n":"x y","m":[true,null,{"k":-1.5e3}]},"e":[],"o":{}}`
	var got []string
	ok := WalkJSON([]byte(src), func(path []string, kind JSONKind, start, end int) {
		got = append(got, strings.Join(path, ".")+"="+string(kind)+src[start:end])
	})
	joined := strings.Join(got, " | ")
	for _, w := range []string{`a=01`, `card.n=""x y"`, `card.m=ttrue`, `card.m=nnull`, `card.m.k=0-1.5e3`,
		`card.m={{"k":-1.5e3}`, `card.m=[[true,null,{"k":-1.5e3}]`, `e=[[]`, `o={{}`, `={` + src} {
		if !strings.Contains(joined, w) {
			t.Errorf("walk lacks %s: %s", w, joined)
		}
	}
	if !ok {
		t.Error("valid JSON reported invalid")
	}
}

func TestWalkJSONInvalid(t *testing.T) {
	for _, src := range []string{``, `{`, `{"a"}`, `{"a":1,}`, `[1 2]`, `"\x01"`, `{"a":1}x`, `01`, `tru`, `{"a":[}`, `"\q"`} {
		if WalkJSON([]byte(src), func([]string, JSONKind, int, int) {}) {
			t.Errorf("WalkJSON(%q) accepted", src)
		}
	}
}

func FuzzWalkJSON(f *testing.F) {
	f.Add(`{"a":[1,{"b":"c"}],"d":null}`)
	f.Add(`[ "x" , 1e5 ]`)
	f.Fuzz(func(t *testing.T, src string) {
		ok := WalkJSON([]byte(src), func(path []string, kind JSONKind, start, end int) {
			if start < 0 || end > len(src) || start >= end {
				t.Fatalf("span %d..%d out of %q", start, end, src)
			}
		})
		if ok != json.Valid([]byte(src)) {
			t.Fatalf("WalkJSON(%q) = %v, json.Valid says %v", src, ok, !ok)
		}
	})
}
