package decode

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
)

// fuzzAvroSchemas are the schemas FuzzAvro picks from with its first byte.
func fuzzAvroSchemas() []string {
	return []string{
		benchAvroSchema,
		`{"type":"record","name":"All","fields":[
			{"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
			{"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"by","type":"bytes"},
			{"name":"s","type":"string"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}},
			{"name":"fx","type":{"type":"fixed","name":"F","size":4}},
			{"name":"a","type":{"type":"array","items":["null","int","string"]}},
			{"name":"m","type":{"type":"map","values":["null","double"]}}]}`,
		`{"type":"record","name":"Logical","fields":[
			{"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":20,"scale":4}},
			{"name":"fdec","type":{"type":"fixed","name":"FD","size":6,"logicalType":"decimal","precision":14,"scale":2}},
			{"name":"date","type":{"type":"int","logicalType":"date"}},
			{"name":"tms","type":{"type":"int","logicalType":"time-millis"}},
			{"name":"tus","type":{"type":"long","logicalType":"time-micros"}},
			{"name":"tsm","type":{"type":"long","logicalType":"timestamp-millis"}},
			{"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
			{"name":"uuid","type":{"type":"string","logicalType":"uuid"}},
			{"name":"dur","type":{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}}]}`,
		`{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"kids","type":{"type":"array","items":"Node"}},{"name":"next","type":["null","Node"]}]}`,
		`["null","string","long",{"type":"record","name":"U","fields":[{"name":"x","type":["null","U"]}]}]`,
	}
}

// FuzzAvro checks the straight-to-JSON renderer against hamba's generic decoder: whatever
// it accepts, hamba must decode to the same value.
func FuzzAvro(f *testing.F) {
	f.Add(uint8(0), benchAvroRecord(f))
	f.Add(uint8(1), []byte("\x01\x02\x04\x00\x00\xc0\x3f\x00\x00\x00\x00\x00\x00\xf0\x3f\x02\xff\x02a\x02abcd\x04\x00\x02\x02\x04\x00\x02\x02k\x02\x00\x00\x00\x00\x00\x00\xf8\x3f\x00"))
	f.Add(uint8(2), []byte("\x04\x01\x00\x00\x00\x00\x00\x10\x02\x80\x01\x80\x02\x80\x03\x80\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add(uint8(3), []byte("\x02\x01\x02\x04\x00\x00\x02\x06\x00\x00"))
	f.Add(uint8(4), []byte("\x06\x02\x02\x00"))
	schemas := fuzzAvroSchemas()
	parsed := make([]avro.Schema, len(schemas))
	progs := make([]*avroProgram, len(schemas))
	for i, s := range schemas {
		parsed[i] = avro.MustParse(s)
		progs[i] = mustCompileAvro(f, s)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		i := int(which) % len(schemas)
		got, err := progs[i].render(nil, data)
		if err != nil {
			if knownStricter(err) {
				return // and hamba may exhaust memory on such input: do not ask it
			}
			var ref any
			if herr := avro.Unmarshal(parsed[i], data, &ref); herr == nil {
				t.Fatalf("kpeek rejects what hamba accepts: %v", err)
			}
			return
		}
		if !json.Valid(got) {
			t.Fatalf("invalid JSON: %s", got)
		}
		var ref any
		if herr := avro.Unmarshal(parsed[i], data, &ref); herr != nil {
			t.Fatalf("kpeek accepted what hamba rejects (%v): %s", herr, got)
		}
		want := hambaToJSON(t, parsed[i], ref)
		var mine any
		dec := json.NewDecoder(strings.NewReader(string(got)))
		dec.UseNumber()
		if err := dec.Decode(&mine); err != nil {
			t.Fatal(err)
		}
		if !jsonMatch(mine, want) {
			t.Fatalf("disagree with hamba\nkpeek: %s\nhamba: %#v", got, want)
		}
	})
}

// knownStricter reports the checks kpeek makes and hamba does not: trailing bytes and
// some truncations (hamba ignores both), ints beyond 32 bits and varints beyond 10 bytes (hamba wraps them), bounds
// on nesting and on zero-size items.
func knownStricter(err error) bool {
	for _, s := range []string{"bytes left after the value", "truncated", "zero-size", "nesting deeper", "avro: int ", "overflows a long"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

// hambaToJSON converts hamba's generic value into kpeek's JSON conventions.
func hambaToJSON(t *testing.T, s avro.Schema, v any) any {
	if r, ok := s.(*avro.RefSchema); ok {
		s = r.Schema()
	}
	switch s := s.(type) {
	case *avro.NullSchema:
		return nil
	case *avro.RecordSchema:
		m := v.(map[string]any)
		out := map[string]any{}
		for _, f := range s.Fields() {
			out[f.Name()] = hambaToJSON(t, f.Type(), m[f.Name()])
		}
		return out
	case *avro.ArraySchema:
		var out []any
		rv := reflect.ValueOf(v)
		for j := 0; j < rv.Len(); j++ {
			out = append(out, hambaToJSON(t, s.Items(), rv.Index(j).Interface()))
		}
		return out
	case *avro.MapSchema:
		out := map[string]any{}
		for k, e := range v.(map[string]any) {
			out[string(quoteJSONRoundTrip(k))] = hambaToJSON(t, s.Values(), e)
		}
		return out
	case *avro.EnumSchema:
		return v
	case *avro.UnionSchema:
		return hambaUnion(t, s, v)
	case *avro.FixedSchema:
		return hambaFixed(s, v)
	case *avro.PrimitiveSchema:
		return hambaPrimitive(t, s, v)
	}
	t.Fatalf("unexpected schema %s", s.Type())
	return nil
}

func hambaUnion(t *testing.T, s *avro.UnionSchema, v any) any {
	if v == nil {
		return nil
	}
	nonNull := -1
	for i, b := range s.Types() {
		if b.Type() != avro.Null {
			if nonNull >= 0 {
				nonNull = -2
				break
			}
			nonNull = i
		}
	}
	if s.Nullable() {
		// hamba keys a nullable union's value by branch name unless it is a primitive.
		b := s.Types()[nonNull]
		if m, ok := v.(map[string]any); ok && len(m) == 1 && b.Type() != avro.Map {
			if inner, ok := m[hambaBranchName(b)]; ok {
				v = inner
			}
		}
		return hambaToJSON(t, b, v)
	}
	m, ok := v.(map[string]any)
	if !ok {
		// Inside arrays hamba leaves a union's primitive value unwrapped: its Go type
		// names the branch.
		m = map[string]any{primitiveTypeName(v): v}
	}
	for k, inner := range m {
		for _, b := range s.Types() {
			if hambaBranchName(b) == k {
				val := hambaToJSON(t, b, inner)
				if nonNull >= 0 {
					return val
				}
				return map[string]any{branchName(b): val}
			}
		}
	}
	t.Fatalf("no branch for %#v", v)
	return nil
}

// primitiveTypeName is the Avro type hamba decodes into v's Go type.
func primitiveTypeName(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case int:
		return "int"
	case int64:
		return "long"
	case float32:
		return "float"
	case float64:
		return "double"
	case []byte:
		return "bytes"
	case string:
		return "string"
	}
	return fmt.Sprintf("%T", v)
}

func hambaBranchName(s avro.Schema) string {
	if r, ok := s.(*avro.RefSchema); ok {
		s = r.Schema()
	}
	if n, ok := s.(avro.NamedSchema); ok {
		return n.FullName()
	}
	name := string(s.Type())
	if l, ok := s.(avro.LogicalTypeSchema); ok && l.Logical() != nil {
		name += "." + string(l.Logical().Type())
	}
	return name
}

func hambaFixed(s *avro.FixedSchema, v any) any {
	switch l := s.Logical().(type) {
	case *avro.DecimalLogicalSchema:
		return v.(*big.Rat).FloatString(l.Scale())
	case *avro.PrimitiveLogicalSchema:
		d := v.(avro.LogicalDuration)
		return map[string]any{"months": json.Number(fmt.Sprint(d.Months)), "days": json.Number(fmt.Sprint(d.Days)),
			"milliseconds": json.Number(fmt.Sprint(d.Milliseconds))}
	}
	rv := reflect.ValueOf(v)
	b := make([]byte, rv.Len())
	reflect.Copy(reflect.ValueOf(b), rv)
	return string(appendBase64(nil, b)[1 : len(appendBase64(nil, b))-1])
}

func hambaPrimitive(t *testing.T, s *avro.PrimitiveSchema, v any) any {
	if l, ok := s.Logical().(*avro.DecimalLogicalSchema); ok {
		return v.(*big.Rat).FloatString(l.Scale())
	}
	switch v := v.(type) {
	case bool:
		return v
	case int, int32, int64:
		return json.Number(fmt.Sprint(v))
	case float32:
		return jsonFloat(appendFloat(nil, float64(v), 32))
	case float64:
		return jsonFloat(appendFloat(nil, v, 64))
	case []byte:
		b := appendBase64(nil, v)
		return string(b[1 : len(b)-1])
	case string:
		return quoteJSONRoundTrip(v)
	case time.Time:
		switch s.Logical().Type() {
		case avro.Date:
			return v.UTC().Format(dateOnly)
		case avro.LocalTimestampMillis:
			return v.UTC().Format("2006-01-02T15:04:05.000")
		case avro.LocalTimestampMicros:
			return v.UTC().Format("2006-01-02T15:04:05.000000")
		case avro.TimestampMillis:
			return v.UTC().Format("2006-01-02T15:04:05.000Z07:00")
		}
		return v.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
	case time.Duration:
		if v < 0 || v >= 24*time.Hour {
			// Not a time of day: kpeek keeps the raw number, which hamba's nanosecond
			// Duration may have overflowed, so any number matches.
			return anyNumber{}
		}
		layout := timeMillis
		if s.Logical().Type() == avro.TimeMicros {
			layout = timeMicros
		}
		return time.Unix(0, int64(v)).UTC().Format(layout)
	}
	t.Fatalf("unexpected value %T", v)
	return nil
}

// jsonFloat is a rendered float as a decoded JSON value (a number, or a string for NaN/Inf).
func jsonFloat(b []byte) any {
	if b[0] == '"' {
		return string(b[1 : len(b)-1])
	}
	return json.Number(b)
}

// quoteJSONRoundTrip is s as it reads back from kpeek's JSON (invalid bytes spelled \xNN).
func quoteJSONRoundTrip(s string) string {
	var out string
	_ = json.Unmarshal(appendString(nil, s), &out)
	return out
}

// anyNumber in an expected value matches any JSON number.
type anyNumber struct{}

// jsonMatch compares a decoded JSON value with an expected one: nil and empty arrays
// are equal, anyNumber matches any number.
func jsonMatch(got, want any) bool {
	switch w := want.(type) {
	case anyNumber:
		_, ok := got.(json.Number)
		return ok
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return ok && len(g) == 0 && len(w) == 0
		}
		for i := range w {
			if !jsonMatch(g[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok || !jsonMatch(gv, wv) {
				return false
			}
		}
		return true
	case nil:
		if g, ok := got.([]any); ok {
			return len(g) == 0
		}
	}
	return reflect.DeepEqual(got, want)
}
