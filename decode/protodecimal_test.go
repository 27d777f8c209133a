package decode

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// testTradeProto holds Decimals in every place a message can sit: a field, a repeated
// field, a map value, a nested message, and as google.type.Decimal.
const testTradeProto = `syntax = "proto3";
package fin;
import "confluent/type/decimal.proto";
import "google/type/decimal.proto";
import "google/type/money.proto";

message Trade {
  string id = 1;
  confluent.type.Decimal amount = 2;
  repeated confluent.type.Decimal fees = 3;
  map<string, confluent.type.Decimal> limits = 4;
  google.type.Decimal rate = 5;
  message Leg {
    confluent.type.Decimal price = 1;
    int64 qty = 2;
  }
  repeated Leg legs = 6;
  int64 qty = 7;
  google.type.Money money = 8;
}`

func compileTestProto(tb testing.TB, srcs map[string]string) *protoSchema {
	tb.Helper()
	ps, err := compileProtoFile("main.proto", &protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(srcs)})
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

// protoBytes is the message named name, given as protojson, in the binary encoding.
func protoBytes(tb testing.TB, ps *protoSchema, name, js string) []byte {
	tb.Helper()
	msg := dynamicpb.NewMessage(ps.file.Messages().ByName(protoreflect.Name(name)))
	if err := (protojson.UnmarshalOptions{Resolver: ps.resolver}).Unmarshal([]byte(js), msg); err != nil {
		tb.Fatal(err)
	}
	b, err := proto.Marshal(msg)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// dec is a confluent.type.Decimal in protojson: unscaled big-endian bytes and a scale.
func dec(unscaled []byte, scale int) string {
	return `{"value":"` + base64.StdEncoding.EncodeToString(unscaled) + `","precision":38,"scale":` + strconv.Itoa(scale) + `}`
}

func TestProtobufDecimals(t *testing.T) {
	ps := compileTestProto(t, map[string]string{"main.proto": testTradeProto})
	tests := []struct {
		name, in, want string
	}{
		{"positive", `{"amount":` + dec([]byte{0x12, 0x4f, 0xb2}, 2) + `}`, `{"amount":"12000.50"}`},
		{"negative", `{"amount":` + dec([]byte{0xed, 0xb0, 0x4e}, 2) + `}`, `{"amount":"-12000.50"}`},
		{"zero", `{"amount":` + dec([]byte{0}, 2) + `}`, `{"amount":"0.00"}`},
		{"scale 0", `{"amount":` + dec([]byte{0x30, 0x39}, 0) + `}`, `{"amount":"12345"}`},
		{"beyond int64", `{"amount":` + dec([]byte{0x40, 0, 0, 0, 0, 0, 0, 0, 0}, 4) + `}`, `{"amount":"118059162071741130.3424"}`},
		{"negative beyond int64", `{"amount":` + dec([]byte{0xc0, 0, 0, 0, 0, 0, 0, 0, 0}, 4) + `}`, `{"amount":"-118059162071741130.3424"}`},
		{"negative scale", `{"amount":` + dec([]byte{12}, -2) + `}`, `{"amount":"1200"}`},
		{"zero with negative scale", `{"amount":` + dec([]byte{0}, -3) + `}`, `{"amount":"0"}`},
		{"empty value is zero", `{"amount":{"scale":2}}`, `{"amount":"0.00"}`},
		{"empty message is zero", `{"amount":{}}`, `{"amount":"0"}`},
		{"huge scale gets an exponent", `{"amount":` + dec([]byte{12}, 1000) + `}`, `{"amount":"12E-1000"}`},
		{"huge negative scale gets an exponent", `{"amount":` + dec([]byte{0xf4}, -2147483648) + `}`, `{"amount":"-12E2147483648"}`},
		{"repeated", `{"fees":[` + dec([]byte{15}, 1) + `,` + dec([]byte{0xff}, 2) + `,{}]}`, `{"fees":["1.5","-0.01","0"]}`},
		{"map values", `{"limits":{"b":` + dec([]byte{1}, 0) + `,"a":` + dec([]byte{0x01, 0x00}, 1) + `}}`, `{"limits":{"a":"25.6","b":"1"}}`},
		{"nested in a repeated message", `{"legs":[{"price":` + dec([]byte{0x04, 0xd2}, 2) + `,"qty":"7"},{"qty":"1"}]}`,
			`{"legs":[{"price":"12.34","qty":"7"},{"qty":"1"}]}`},
		{"google.type.Decimal", `{"rate":{"value":"-1.25e-3"}}`, `{"rate":"-1.25e-3"}`},
		{"google.type.Decimal empty", `{"rate":{}}`, `{"rate":""}`},
		{"everything else stays protojson", `{"id":"T-1","amount":` + dec([]byte{5}, 1) + `,"qty":"9007199254740993",` +
			`"money":{"currency_code":"EUR","units":"12000","nanos":500000000}}`,
			`{"id":"T-1","amount":"0.5","qty":"9007199254740993","money":{"currency_code":"EUR","units":"12000","nanos":500000000}}`},
		{"no decimal set", `{"id":"T-2","qty":"-3"}`, `{"id":"T-2","qty":"-3"}`},
	}
	md := ps.file.Messages().ByName("Trade")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ps.render([]byte("prefix:"), md, protoBytes(t, ps, "Trade", tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(out); got != "prefix:"+tt.want {
				t.Errorf("got  %s\nwant prefix:%s", got, tt.want)
			}
		})
	}
}

func TestProtobufDecimalTopLevel(t *testing.T) {
	ps := compileTestProto(t, map[string]string{"main.proto": testTradeProto})
	md := ps.resolver.FindDescriptorByName
	d, err := md("confluent.type.Decimal")
	if err != nil {
		t.Fatal(err)
	}
	out, err := ps.render(nil, d.(protoreflect.MessageDescriptor), []byte("\x0a\x03\x12\x4f\xb2\x18\x02"))
	if err != nil || string(out) != `"12000.50"` {
		t.Errorf("top-level Decimal = %s, %v; want \"12000.50\"", out, err)
	}
}

// TestProtobufDecimalOtherShape checks that a schema's own message named
// confluent.type.Decimal with another shape is left to protojson.
func TestProtobufDecimalOtherShape(t *testing.T) {
	ps := compileTestProto(t, map[string]string{
		"confluent/type/decimal.proto": `syntax = "proto3"; package confluent.type; message Decimal { bytes value = 1; string note = 2; }`,
		"main.proto": `syntax = "proto3"; package x; import "confluent/type/decimal.proto";
message M { confluent.type.Decimal d = 1; }`,
	})
	out, err := ps.render(nil, ps.file.Messages().ByName("M"), []byte("\x0a\x05\x0a\x01\x0c\x12\x00"))
	if err != nil || string(out) != `{"d":{"value":"DA=="}}` {
		t.Errorf("got %s, %v", out, err)
	}
}

func TestAppendProtoDecimal(t *testing.T) {
	tests := []struct {
		b     []byte
		scale int32
		want  string
	}{
		{nil, 0, `"0"`},
		{nil, 2, `"0.00"`},
		{nil, -2, `"0"`},
		{[]byte{12}, -2, `"1200"`},
		{[]byte{0xf4}, -100, `"-12` + strings.Repeat("0", 100) + `"`},
		{[]byte{0xf4}, -101, `"-12E101"`},
		{[]byte{12}, 100, `"0.` + strings.Repeat("0", 98) + `12"`},
		{[]byte{12}, 101, `"12E-101"`},
		{nil, 101, `"0E-101"`},
		{[]byte{0x7f, 0xff, 0xff, 0xff}, 2147483647, `"2147483647E-2147483647"`},
	}
	for _, tt := range tests {
		if got := string(appendProtoDecimal([]byte("x"), tt.b, tt.scale)); got != "x"+tt.want {
			t.Errorf("appendProtoDecimal(%x, %d) = %s, want x%s", tt.b, tt.scale, got, tt.want)
		}
	}
}
