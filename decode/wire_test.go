package decode

import (
	"context"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kpeek/kpeek/decode/registryserver"
	"github.com/kpeek/kpeek/kafka"
)

const testAddressProto = `syntax = "proto3";
package common;
message Address {
  string city = 1;
  string country = 2;
}`

// testShipmentProto puts a message with a map<> field first, so the second top-level
// message, and a nested message declared after a map field, test Confluent's index counting.
const testShipmentProto = `syntax = "proto3";
package erp.supply;
import "google/protobuf/timestamp.proto";
import "google/type/money.proto";
import "confluent/meta.proto";
import "common/address.proto";

message Carrier {
  string name = 1;
  map<string, string> labels = 2;
}

message Shipment {
  option (confluent.message_meta) = { doc: "a shipment" };
  string id = 1;
  int64 order_id = 2;
  map<string, int32> counts = 3;
  message Leg {
    string from = 1;
    string to = 2;
  }
  repeated Leg legs = 4;
  google.protobuf.Timestamp shipped_at = 5;
  google.type.Money value = 6;
  common.Address destination = 7;
  enum Status {
    STATUS_UNSPECIFIED = 0;
    IN_TRANSIT = 1;
  }
  Status status = 8;
}`

const testShipmentJSON = `{"id":"SH-7","order_id":"12345678901234567","counts":{"pallets":3},
	"legs":[{"from":"HAM","to":"RTM"}],"shipped_at":"2026-11-26T02:14:07Z",
	"value":{"currency_code":"EUR","units":"12000","nanos":500000000},
	"destination":{"city":"Rotterdam","country":"NL"},"status":"IN_TRANSIT"}`

// testShipment is a Shipment in the Protobuf binary encoding.
func testShipment(tb testing.TB) []byte {
	tb.Helper()
	ps, err := compileProtoFile("shipment.proto", &protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(
		map[string]string{"shipment.proto": testShipmentProto, "common/address.proto": testAddressProto})})
	if err != nil {
		tb.Fatal(err)
	}
	msg := dynamicpb.NewMessage(ps.file.Messages().ByName("Shipment"))
	if err := protojson.Unmarshal([]byte(testShipmentJSON), msg); err != nil {
		tb.Fatal(err)
	}
	b, err := proto.Marshal(msg)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// registerShipment registers the address reference and the shipment schema.
func (tr *testRegistry) registerShipment(tb testing.TB) int {
	tr.register(tb, "common/address.proto", "PROTOBUF", testAddressProto)
	return tr.register(tb, "erp.supply.shipments-value", "PROTOBUF", testShipmentProto,
		registryserver.Reference{Name: "common/address.proto", Subject: "common/address.proto", Version: 1})
}

func TestDecodeWire(t *testing.T) {
	tr := newTestRegistry(t)
	v1 := tr.register(t, "orders-value", "AVRO", `{"type":"record","name":"Order","namespace":"erp","fields":[
		{"name":"id","type":"long"},{"name":"supplier","type":"string"}]}`)
	v2 := tr.register(t, "orders-value", "AVRO", `{"type":"record","name":"Order","namespace":"erp","fields":[
		{"name":"id","type":"long"},{"name":"supplier","type":"string"},{"name":"note","type":["null","string"],"default":null}]}`)
	tr.register(t, "erp.common.Currency", "AVRO", `{"type":"enum","name":"Currency","namespace":"erp.common","symbols":["EUR","USD"]}`)
	tr.register(t, "erp.common.Money", "AVRO", `{"type":"record","name":"Money","namespace":"erp.common","fields":[
		{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},{"name":"currency","type":"Currency"}]}`,
		registryserver.Reference{Name: "erp.common.Currency", Subject: "erp.common.Currency", Version: 1})
	withRef := tr.register(t, "invoices-value", "AVRO", `{"type":"record","name":"Invoice","namespace":"erp","fields":[
		{"name":"total","type":"erp.common.Money"},{"name":"tax","type":["null","erp.common.Money"]}]}`,
		registryserver.Reference{Name: "erp.common.Money", Subject: "erp.common.Money", Version: 1})
	shipment := tr.registerShipment(t)
	jsonSchema := tr.register(t, "crm.customers-value", "JSON", `{"type":"object","properties":{"id":{"type":"integer"}}}`)
	d := New(WithRegistry(tr.client(t)))

	tests := []struct {
		name      string
		value     []byte
		want      string
		encoding  Encoding
		subject   string
		version   int
		wantError string
	}{
		{"avro writer v1", frame(v1, avroEncode(t, `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"supplier","type":"string"}]}`,
			map[string]any{"id": int64(12345678901234567), "supplier": "Acme"})),
			`{"id":12345678901234567,"supplier":"Acme"}`, EncodingAvro, "orders-value", 1, ""},
		{"avro writer v2", frame(v2, []byte("\x02\x08Acme\x02\x08rush")),
			`{"id":1,"supplier":"Acme","note":"rush"}`, EncodingAvro, "orders-value", 2, ""},
		{"avro named types from references of references", frame(withRef, []byte("\x04\x01\xf4\x00\x00")),
			`{"total":{"amount":"5.00","currency":"EUR"},"tax":null}`, EncodingAvro, "invoices-value", 1, ""},
		{"avro truncated", frame(v1, []byte("\x02\x08Ac")), `"AAAAAAECCEFj"`, EncodingBase64, "orders-value", 1, "avro: truncated data"},
		{"protobuf second message after a map field", frameProto(shipment, []int{1}, testShipment(t)),
			`{"id":"SH-7","order_id":"12345678901234567","counts":{"pallets":3},"legs":[{"from":"HAM","to":"RTM"}],` +
				`"shipped_at":"2026-11-26T02:14:07Z","value":{"currency_code":"EUR","units":"12000","nanos":500000000},` +
				`"destination":{"city":"Rotterdam","country":"NL"},"status":"IN_TRANSIT"}`,
			EncodingProtobuf, "erp.supply.shipments-value", 1, ""},
		{"protobuf nested message after a map entry", frameProto(shipment, []int{1, 0}, []byte("\x0a\x03HAM\x12\x03RTM")),
			`{"from":"HAM","to":"RTM"}`, EncodingProtobuf, "erp.supply.shipments-value", 1, ""},
		{"protobuf first message by the single 0 byte", frameProto(shipment, []int{0}, []byte("\x0a\x03DHL")),
			`{"name":"DHL"}`, EncodingProtobuf, "erp.supply.shipments-value", 1, ""},
		{"protobuf map key repeated with a wrong wire type", frameProto(shipment, []int{0}, []byte("\x12\x0c\x0a\x01k\x09\x00\x00\x00\x00\x00\x00\x00\x00")),
			"", EncodingBase64, "erp.supply.shipments-value", 1, "protobuf: decode erp.supply.Carrier: invalid wire-format data (type mismatch: cannot convert nil to map key)"},
		{"protobuf index out of range", frameProto(shipment, []int{5}, nil), "", EncodingBase64, "erp.supply.shipments-value", 1, "message index 5 out of range"},
		{"json schema exact digits", frame(jsonSchema, []byte(`{"id": 12345678901234567890, "card":"4111 1111 1111 1111"}`)),
			`{"id":12345678901234567890,"card":"4111 1111 1111 1111"}`, EncodingJSONSchema, "crm.customers-value", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.Decode(context.Background(), &kafka.Record{Topic: "t", Value: tt.value}).Value
			if got.Error != tt.wantError && !(tt.wantError != "" && strings.Contains(got.Error, tt.wantError)) {
				t.Fatalf("error = %q, want %q", got.Error, tt.wantError)
			}
			if tt.want != "" && string(got.JSON) != tt.want {
				t.Errorf("JSON\ngot  %s\nwant %s", got.JSON, tt.want)
			}
			if got.Encoding != tt.encoding || got.Subject != tt.subject || got.Version != tt.version {
				t.Errorf("meta = %s %s v%d, want %s %s v%d", got.Encoding, got.Subject, got.Version, tt.encoding, tt.subject, tt.version)
			}
			if got.SchemaID == nil || string(got.Raw) != string(tt.value) {
				t.Errorf("schema id %v, raw kept %v", got.SchemaID, string(got.Raw) == string(tt.value))
			}
		})
	}
}

func TestFormatOverrides(t *testing.T) {
	tr := newTestRegistry(t)
	avroID := tr.register(t, "s-value", "AVRO", `"string"`)
	tests := []struct {
		format    Format
		value     []byte
		want      string
		encoding  Encoding
		wantError string
	}{
		{FormatString, []byte("caf\xc3\xa9 \xff"), `"café \\xff"`, EncodingString, ""},
		{FormatHex, []byte{0xde, 0xad}, `"dead"`, EncodingHex, ""},
		{FormatBase64, []byte("hi"), `"aGk="`, EncodingBase64, ""},
		{FormatJSON, []byte(` [1, 2.50, 12345678901234567890] `), `[1,2.50,12345678901234567890]`, EncodingJSON, ""},
		{FormatJSON, []byte(`{"a":`), `"eyJhIjo="`, EncodingBase64, "json: not a valid JSON value"},
		{FormatAvro, frame(avroID, []byte{4, 'h', 'i'}), `"hi"`, EncodingAvro, ""},
		{FormatProtobuf, frame(avroID, []byte{4, 'h', 'i'}), "", EncodingBase64, "schema id 1 is avro, not protobuf"},
		{FormatAvro, []byte("plain"), `"cGxhaW4="`, EncodingBase64, "avro: not in schema-registry wire format"},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			d := New(WithRegistry(tr.client(t)), WithFormats("", tt.format))
			got := d.Decode(context.Background(), &kafka.Record{Value: tt.value}).Value
			if got.Error != tt.wantError {
				t.Fatalf("error = %q, want %q", got.Error, tt.wantError)
			}
			if (tt.want != "" && string(got.JSON) != tt.want) || got.Encoding != tt.encoding {
				t.Errorf("got %s %s, want %s %s", got.Encoding, got.JSON, tt.encoding, tt.want)
			}
		})
	}
}
