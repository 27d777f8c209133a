package decode

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
)

// avroEncode encodes v with schema using hamba, the reference implementation.
func avroEncode(t testing.TB, schema string, v any) []byte {
	t.Helper()
	s, err := avro.Parse(schema)
	if err != nil {
		t.Fatalf("parse %s: %v", schema, err)
	}
	b, err := avro.Marshal(s, v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return b
}

func mustCompileAvro(t testing.TB, schema string) *avroProgram {
	t.Helper()
	s, err := avro.Parse(schema)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := compileAvro(s)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return p
}

func TestAvroTypes(t *testing.T) {
	ts := time.Date(2026, 11, 26, 2, 14, 7, 123456000, time.UTC)
	tests := []struct {
		name   string
		schema string
		value  any
		want   string
	}{
		{"null", `"null"`, nil, `null`},
		{"boolean", `"boolean"`, true, `true`},
		{"int negative", `"int"`, -42, `-42`},
		{"long exact digits", `"long"`, int64(9223372036854775807), `9223372036854775807`},
		{"float", `"float"`, float32(1.5), `1.5`},
		{"double", `"double"`, 0.1, `0.1`},
		{"double large", `"double"`, 1e21, `1e+21`},
		{"bytes as base64", `"bytes"`, []byte{0, 1, 0xff}, `"AAH/"`},
		{"string escaped", `"string"`, "a\"b\x1b[2J\u202e", `"a\"b\u001b[2J\u202e"`},
		{"uuid", `{"type":"string","logicalType":"uuid"}`, "7f1c2a3e-0d7b-4b8e-9a31-6c2f5e1d9b40", `"7f1c2a3e-0d7b-4b8e-9a31-6c2f5e1d9b40"`},
		{"uuid fixed", `{"type":"fixed","name":"U","size":16,"logicalType":"uuid"}`, [16]byte{0x7f, 0x1c, 0x2a, 0x3e, 0x0d, 0x7b, 0x4b, 0x8e, 0x9a, 0x31, 0x6c, 0x2f, 0x5e, 0x1d, 0x9b, 0x40}, `"7f1c2a3e-0d7b-4b8e-9a31-6c2f5e1d9b40"`},
		{"enum by name", `{"type":"enum","name":"E","symbols":["A","B"]}`, "B", `"B"`},
		{"fixed as base64", `{"type":"fixed","name":"F","size":3}`, [3]byte{1, 2, 3}, `"AQID"`},
		{"array", `{"type":"array","items":"int"}`, []int{1, 2, 3}, `[1,2,3]`},
		{"empty array", `{"type":"array","items":"int"}`, []int{}, `[]`},
		{"map", `{"type":"map","values":"long"}`, map[string]any{"k": int64(7)}, `{"k":7}`},
		{"decimal bytes", `{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}`, big.NewRat(1200050, 100), `"12000.50"`},
		{"decimal negative", `{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}`, big.NewRat(-5, 100), `"-0.05"`},
		{"decimal scale 0", `{"type":"bytes","logicalType":"decimal","precision":30,"scale":0}`, new(big.Rat).SetFrac(mustBig("123456789012345678901234567890"), big.NewInt(1)), `"123456789012345678901234567890"`},
		{"decimal big negative", `{"type":"bytes","logicalType":"decimal","precision":30,"scale":4}`, new(big.Rat).SetFrac(mustBig("-123456789012345678901234567890"), big.NewInt(10000)), `"-12345678901234567890123456.7890"`},
		{"decimal fixed", `{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":18,"scale":3}`, big.NewRat(-1234567, 1000), `"-1234.567"`},
		{"date", `{"type":"int","logicalType":"date"}`, ts, `"2026-11-26"`},
		{"time-millis", `{"type":"int","logicalType":"time-millis"}`, 2*time.Hour + 14*time.Minute + 7*time.Second + 123*time.Millisecond, `"02:14:07.123"`},
		{"time-micros", `{"type":"long","logicalType":"time-micros"}`, 2*time.Hour + 5*time.Microsecond, `"02:00:00.000005"`},
		{"timestamp-millis", `{"type":"long","logicalType":"timestamp-millis"}`, ts, `"2026-11-26T02:14:07.123Z"`},
		{"timestamp-micros", `{"type":"long","logicalType":"timestamp-micros"}`, ts, `"2026-11-26T02:14:07.123456Z"`},
		{"timestamp-millis whole second", `{"type":"long","logicalType":"timestamp-millis"}`, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), `"2026-01-02T03:04:05.000Z"`},
		{"local-timestamp-millis", `{"type":"long","logicalType":"local-timestamp-millis"}`, ts, `"2026-11-26T02:14:07.123"`},
		{"duration", `{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}`, avro.LogicalDuration{Months: 1, Days: 2, Milliseconds: 3}, `{"months":1,"days":2,"milliseconds":3}`},
		{"nullable union null", `["null","string"]`, nil, `null`},
		{"nullable union value", `["null","string"]`, "x", `"x"`},
		{"ambiguous union keeps branch", `["null","string","long"]`, map[string]any{"long": int64(5)}, `{"long":5}`},
		{"ambiguous union named branch", `["string",{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":"int"}]}]`, map[string]any{"n.R": map[string]any{"a": 1}}, `{"n.R":{"a":1}}`},
		{"record", `{"type":"record","name":"R","fields":[{"name":"id","type":"long"},{"name":"tags","type":{"type":"array","items":"string"}}]}`,
			map[string]any{"id": int64(12345678901234567), "tags": []string{"a"}}, `{"id":12345678901234567,"tags":["a"]}`},
		{"recursive record", `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`,
			map[string]any{"v": 1, "next": map[string]any{"Node": map[string]any{"v": 2, "next": nil}}}, `{"v":1,"next":{"v":2,"next":null}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := avroEncode(t, tt.schema, tt.value)
			got, err := mustCompileAvro(t, tt.schema).render(nil, data)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func mustBig(s string) *big.Int {
	i, _ := new(big.Int).SetString(s, 10)
	return i
}

func TestAvroErrors(t *testing.T) {
	rec := `{"type":"record","name":"R","fields":[{"name":"s","type":"string"},{"name":"n","type":"long"}]}`
	good := avroEncode(t, rec, map[string]any{"s": "hello", "n": int64(1)})
	tests := []struct {
		name   string
		schema string
		data   []byte
		want   string
	}{
		{"truncated", rec, good[:len(good)-1], "truncated"},
		{"trailing bytes", rec, append(append([]byte{}, good...), 0), "bytes left"},
		{"string longer than data", `"string"`, []byte{0x7e, 'a'}, "truncated"},
		{"negative length", `"bytes"`, []byte{0x01}, "truncated"},
		{"varint overflow", `"long"`, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, "overflows"},
		{"int out of range", `"int"`, []byte{0x80, 0x80, 0x80, 0x80, 0x20}, "out of range"},
		{"bad boolean", `"boolean"`, []byte{2}, "invalid boolean"},
		{"enum out of range", `{"type":"enum","name":"E","symbols":["A"]}`, []byte{2}, "enum index"},
		{"union out of range", `["null","int"]`, []byte{4}, "union branch"},
		{"huge array count", `{"type":"array","items":"long"}`, []byte{0xfe, 0xff, 0xff, 0xff, 0x0f}, "truncated"},
		{"endless nulls", `{"type":"array","items":"null"}`, []byte{0xfe, 0xff, 0xff, 0xff, 0x0f}, "zero-size"},
		{"deep recursion", `{"type":"record","name":"N","fields":[{"name":"n","type":["null","N"]}]}`, []byte(strings.Repeat("\x02", 2000) + "\x00"), "nesting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mustCompileAvro(t, tt.schema).render(nil, tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestAppendDecimalEdges(t *testing.T) {
	tests := []struct {
		b     []byte
		scale int
		want  string
	}{
		{nil, 2, `"0.00"`},
		{[]byte{0x80, 0, 0, 0, 0, 0, 0, 0}, 0, `"-9223372036854775808"`},
		{[]byte{0xff}, 3, `"-0.001"`},
		{[]byte{0x00, 0xff}, 1, `"25.5"`},
		{[]byte{0xff, 0, 0, 0, 0, 0, 0, 0, 0}, 0, `"-18446744073709551616"`},
	}
	for _, tt := range tests {
		if got := string(appendDecimal(nil, tt.b, tt.scale)); got != tt.want {
			t.Errorf("appendDecimal(%x, %d) = %s, want %s", tt.b, tt.scale, got, tt.want)
		}
	}
}
