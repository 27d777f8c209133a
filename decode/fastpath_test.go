package decode_test

import (
	"context"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/kafka"
)

// The fast path must never change what a filter matches: every record, rebuilt or
// decoded, gives the same answer to every kind of filter.
func TestRebuildMatchesLikeDecode(t *testing.T) {
	values := [][]byte{
		[]byte(`{"user":"slyon","amount":12000,"ok":true}`),
		[]byte(`{ "user": "slyon", "amount": 12000 }`), // not compact: decoded differently
		[]byte(`[1,2,3]`),
		[]byte(`{"id":12345678901234567890}`),
		[]byte(`{broken`),
		[]byte(`slyon logged in`),
		[]byte(`say "hi"\now`),
		[]byte("\x1b[2J slyon"),
		{0xff, 0x00, 0x10},
		[]byte(""),
		nil,
	}
	keys := [][]byte{nil, []byte("k-slyon"), []byte(`{"k":1}`), []byte("k\tslyon")}
	exprs := []string{"slyon", "SLYON", `"slyon logged"`, `\x1b`, "/sly[o]n/", "/^k-/", "12000",
		`value.amount > 10000`, `value.user == "slyon"`, `key == "k-slyon"`, `headers.source == "idp"`,
		`has(value.ok)`, `value_encoding == "string"`, `size > 20`}
	dec := decode.New()
	seen := map[decode.Class]int{}
	for _, v := range values {
		for _, k := range keys {
			r := kafka.Record{Topic: "t", Partition: 1, Offset: 7, Timestamp: time.Unix(1, 0), Key: k, Value: v,
				Headers: []kafka.Header{{Key: "source", Value: []byte("idp")}}}
			slow := dec.Decode(context.Background(), &r)
			class := decode.Classify(&r, &slow)
			seen[class]++
			var sc decode.Scratch
			for _, x := range exprs {
				f, err := filter.Compile(x)
				if err != nil {
					t.Fatalf("%s: %v", x, err)
				}
				// As classified, as not known yet, and as always decoded; each with only
				// the parts the filter reads.
				for _, known := range []decode.Class{class, decode.ClassUnknown, decode.ClassDecode} {
					fast, _ := dec.DecodeParts(context.Background(), &r, known, f.Needs(), &sc)
					if a, b := f.Match(&slow), f.Match(fast); a != b {
						t.Errorf("key %q value %q class %d filter %s: decoded %v, fast %v", k, v, known, x, a, b)
					}
				}
			}
		}
	}
	if seen[decode.ClassRebuild] == 0 || seen[decode.ClassDecode] == 0 {
		t.Errorf("classes seen: %v, want both kinds", seen)
	}
}
