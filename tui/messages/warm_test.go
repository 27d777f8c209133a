package messages

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/kafka"
)

// Decoding only the parts a CEL filter reads must match exactly the records a full
// decode matches, over records the fast path rebuilds and records it cannot, before
// and after the background pass classifies them; and a partial decode must not
// classify a record (it cannot know the parts it skipped).
func TestMatchRangeDecodesOnlyNeededParts(t *testing.T) {
	values := [][]byte{
		[]byte(`{"result":"failure","amount":12000}`),
		[]byte(`{ "result": "success", "amount": 3 }`),
		[]byte(`{"result":"failure","amount":-1}`),
		[]byte(`failure`),
		{0xff, 0x00, 0x10},
		nil,
	}
	keys := [][]byte{nil, []byte("k-slyon"), []byte(`{"k":1}`), {0xfe, 0x01}}
	headers := [][]kafka.Header{
		nil,
		{{Key: "source", Value: []byte("idp")}},
		{{Key: "source", Value: []byte(`{"sys":"erp"}`)}, {Key: "trace", Value: []byte{0x00, 0x01}}},
		{{Key: "source", Value: []byte("say \"erp\"")}},
	}
	var recs []kafka.Record
	for i := range 3 * len(values) * len(keys) * len(headers) {
		recs = append(recs, kafka.Record{Topic: "t", Partition: int32(i % 3), Offset: int64(i),
			Timestamp: time.Unix(int64(i), 0), TimestampType: kafka.TimestampCreate,
			Key: keys[i%len(keys)], Value: values[(i/len(keys))%len(values)],
			Headers: headers[(i/len(keys)/len(values))%len(headers)]})
	}
	exprs := map[string]filter.Parts{
		`value.result == "failure" && value.amount >= 0`:       filter.PartValue,
		`value_encoding == "json"`:                             filter.PartValue,
		`headers.source == "idp"`:                              filter.PartHeaders,
		`has(headers.trace) || headers.source.contains("erp")`: filter.PartHeaders,
		`partition == 1 && offset % 5 != 0`:                    0,
		`key == "k-slyon" && size > 20`:                        filter.PartKey,
		`key_encoding == "base64" || value == null`:            filter.PartKey | filter.PartValue,
	}
	dec := decode.New()
	ctx := context.Background()
	for x, parts := range exprs {
		f, err := filter.Compile(x)
		if err != nil || f.Kind() != filter.KindCEL || f.Needs() != parts {
			t.Fatalf("%s: kind %v, needs %03b, want CEL needing %03b (%v)", x, f.Kind(), f.Needs(), parts, err)
		}
		var want []int64
		for i := range recs {
			if e := dec.Decode(ctx, &recs[i]); f.Match(&e) {
				want = append(want, int64(i))
			}
		}
		if len(want) == 0 || len(want) == len(recs) {
			t.Fatalf("%s matches %d of %d records: a poor test", x, len(want), len(recs))
		}
		s := newStore(DefaultCap)
		s.Append(recs)
		got, classes := matchRange(ctx, f, dec, s.Snapshot(), s.First(), s.End())
		if !slices.Equal(got, want) {
			t.Errorf("%s over unclassified records: %v, want %v", x, got, want)
		}
		if slices.ContainsFunc(classes, func(c uint8) bool { return c != classUnknown }) {
			t.Errorf("%s: a partial decode classified records", x)
		}
		all, _ := filter.Compile("")
		_, classes = matchRange(ctx, all, dec, s.Snapshot(), s.First(), s.End())
		s.SetClasses(s.First(), classes)
		if !slices.Contains(classes, classRebuild) || !slices.Contains(classes, classDecode) {
			t.Fatalf("classes %v: want records of both kinds", classes)
		}
		if got, _ = matchRange(ctx, f, dec, s.Snapshot(), s.First(), s.End()); !slices.Equal(got, want) {
			t.Errorf("%s over classified records: %v, want %v", x, got, want)
		}
	}
}
