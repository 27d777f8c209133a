package decode

import (
	"strings"
	"testing"

	"github.com/hamba/avro/v2"

	"github.com/kpeek/kpeek/kafka"
)

// TestStoredRegistryDecodesLikeTheRegistry decodes framed Avro whose schema uses a named
// type from a reference, with only the kept texts; other ids are "not found", offline.
func TestStoredRegistryDecodesLikeTheRegistry(t *testing.T) {
	const addr = `{"type":"record","name":"Address","namespace":"erp","fields":[{"name":"city","type":"string"}]}`
	const order = `{"type":"record","name":"Order","namespace":"erp","fields":[{"name":"id","type":"long"},{"name":"ship_to","type":"erp.Address"}]}`
	reg, err := NewStoredRegistry([]StoredSchema{{ID: 7, Type: SchemaTypeAvro, Subject: "orders-value", Version: 3, Text: order,
		References: []StoredReference{{Name: "erp.Address", Subject: "address", Version: 1, Text: addr}}}})
	if err != nil {
		t.Fatal(err)
	}
	cache := &avro.SchemaCache{}
	if _, err := avro.ParseWithCache(addr, "", cache); err != nil {
		t.Fatal(err)
	}
	s, err := avro.ParseWithCache(order, "", cache)
	if err != nil {
		t.Fatal(err)
	}
	body, err := avro.Marshal(s, map[string]any{"id": int64(42), "ship_to": map[string]any{"city": "Lyon"}})
	if err != nil {
		t.Fatal(err)
	}
	dec := New(WithRegistry(reg))
	rec := kafka.Record{Topic: "erp.orders", Value: append([]byte{0, 0, 0, 0, 7}, body...)}
	got := dec.DecodeValue(t.Context(), &rec)
	if got.Error != "" || string(got.JSON) != `{"id":42,"ship_to":{"city":"Lyon"}}` || got.Subject != "orders-value" || got.Version != 3 {
		t.Fatalf("decoded %+v (%s)", got, got.JSON)
	}
	rec.Value = []byte{0, 0, 0, 0, 8, 1}
	if got := dec.DecodeValue(t.Context(), &rec); !strings.Contains(got.Error, "schema id 8 not found") {
		t.Errorf("unknown id: %+v", got)
	}
	if _, err := NewStoredRegistry([]StoredSchema{{ID: 1, Type: "XML", Text: "<x/>"}}); err == nil {
		t.Error("an unknown schema type compiled")
	}
	if _, err := NewStoredRegistry([]StoredSchema{{ID: 1, Type: SchemaTypeProtobuf, Text: "syntax = \"proto3\"; message M { Missing x = 1; }"}}); err == nil {
		t.Error("a protobuf schema with a missing import compiled")
	}
}
