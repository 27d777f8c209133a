package decode

import (
	"context"
	"encoding/binary"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/kpeek/kpeek/kafka"
)

// benchAvroSchema is a purchase order: 10 fields, the shape of the speed target.
const benchAvroSchema = `{"type":"record","name":"PurchaseOrder","namespace":"erp.purchasing","fields":[
	{"name":"order_id","type":"long"},
	{"name":"supplier","type":"string"},
	{"name":"buyer_email","type":"string"},
	{"name":"status","type":{"type":"enum","name":"Status","symbols":["DRAFT","SENT","CONFIRMED","CANCELLED"]}},
	{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
	{"name":"currency","type":"string"},
	{"name":"created_at","type":{"type":"long","logicalType":"timestamp-millis"}},
	{"name":"note","type":["null","string"]},
	{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
		{"name":"sku","type":"string"},{"name":"qty","type":"int"},{"name":"unit_price","type":"double"}]}}},
	{"name":"tags","type":{"type":"map","values":"string"}}]}`

func benchAvroValue() map[string]any {
	return map[string]any{
		"order_id":    int64(12345678901234567),
		"supplier":    "Northwind Industrial Supplies GmbH",
		"buyer_email": "procurement.lead@example-erp.com",
		"status":      "CONFIRMED",
		"amount":      big.NewRat(1200050, 100),
		"currency":    "EUR",
		"created_at":  time.Date(2026, 11, 26, 2, 14, 7, 123000000, time.UTC),
		"note":        map[string]any{"string": "expedite: customer escalation, ship partial if needed"},
		"lines": []any{
			map[string]any{"sku": "BRG-6204-2RS", "qty": 400, "unit_price": 3.85},
			map[string]any{"sku": "SHAFT-20MM-H7", "qty": 25, "unit_price": 48.5},
			map[string]any{"sku": "GASKET-NBR-70", "qty": 1200, "unit_price": 0.42},
		},
		"tags": map[string]any{"plant": "DE-HAM-02", "cost_center": "CC-4410", "priority": "high"},
	}
}

func benchAvroRecord(tb testing.TB) []byte {
	return avroEncode(tb, benchAvroSchema, benchAvroValue())
}

func BenchmarkAvroRender(b *testing.B) {
	data := benchAvroRecord(b)
	p := mustCompileAvro(b, benchAvroSchema)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	dst := make([]byte, 0, 1024)
	reportCPU(b, func() {
		for b.Loop() {
			var err error
			if dst, err = p.render(dst[:0], data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAvroHambaGeneric is the baseline the renderer replaces: hamba into generic maps.
func BenchmarkAvroHambaGeneric(b *testing.B) {
	data := benchAvroRecord(b)
	s := avro.MustParse(benchAvroSchema)
	b.ReportAllocs()
	reportCPU(b, func() {
		for b.Loop() {
			var v any
			if err := avro.Unmarshal(s, data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeAvroWire is the target path: a framed record through a Decoder
// (schema cached) into an envelope rendered as one NDJSON line.
func BenchmarkDecodeAvroWire(b *testing.B) {
	data := benchAvroRecord(b)
	reg := newTestRegistry(b)
	id := reg.register(b, "erp.purchasing.orders-value", "AVRO", benchAvroSchema)
	d := New(WithRegistry(reg.client(b)))
	rec := &kafka.Record{Topic: "erp.purchasing.orders", Key: []byte("PO-1042"), Value: frame(id, data),
		Timestamp: time.Now(), Headers: []kafka.Header{{Key: "trace_id", Value: []byte("9f1c0a")}}}
	ctx := context.Background()
	d.Decode(ctx, rec) // warm the schema cache
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	line := make([]byte, 0, 2048)
	reportCPU(b, func() {
		for b.Loop() {
			e := d.Decode(ctx, rec)
			line = e.AppendJSON(line[:0], JSONOptions{})
		}
	})
}

func BenchmarkDecodeProtobufWire(b *testing.B) {
	reg := newTestRegistry(b)
	id := reg.registerShipment(b)
	d := New(WithRegistry(reg.client(b)))
	rec := &kafka.Record{Topic: "erp.supply.shipments", Value: frameProto(id, []int{1}, testShipment(b))}
	ctx := context.Background()
	if e := d.Decode(ctx, rec); e.Value.Encoding != EncodingProtobuf {
		b.Fatalf("decoded as %s: %s", e.Value.Encoding, e.Value.Error)
	}
	b.ReportAllocs()
	reportCPU(b, func() {
		for b.Loop() {
			e := d.Decode(ctx, rec)
			_ = e.AppendJSON(nil, JSONOptions{})
		}
	})
}

func BenchmarkDecodeJSON(b *testing.B) {
	rec := &kafka.Record{Topic: "auth.logins", Value: []byte(`{"user":"slyon","ip":"203.0.113.7","result":"success",
		"order_id":12345678901234567890,"attempt":3,"geo":{"country":"DE","asn":3320},"agent":"Mozilla/5.0 (X11; Linux x86_64)"}`)}
	benchDecode(b, rec, EncodingJSON)
}

func BenchmarkDecodeText(b *testing.B) {
	rec := &kafka.Record{Topic: "erp.audit", Value: []byte("2026-11-26T02:14:07Z user=slyon action=READ object=erp.purchasing.orders result=ok")}
	benchDecode(b, rec, EncodingString)
}

func BenchmarkDecodeBinary(b *testing.B) {
	v := make([]byte, 256)
	for i := range v {
		v[i] = byte(i * 7)
	}
	benchDecode(b, &kafka.Record{Topic: "telemetry.raw", Value: v}, EncodingBase64)
}

func benchDecode(b *testing.B, rec *kafka.Record, want Encoding) {
	d := New()
	ctx := context.Background()
	if e := d.Decode(ctx, rec); e.Value.Encoding != want {
		b.Fatalf("decoded as %s, want %s", e.Value.Encoding, want)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(rec.Value)))
	for b.Loop() {
		e := d.Decode(ctx, rec)
		_ = e.Value.JSON
	}
}

func BenchmarkSanitize(b *testing.B) {
	hostile := strings.Repeat("order PO-1042 \x1b]52;c;ZXZpbA==\x07 \u202egnp.exe \xff\xfe ok ", 8)
	clean := strings.Repeat("order PO-1042 confirmed by slyon at 02:14 ", 8)
	for _, c := range []struct{ name, s string }{{"clean", clean}, {"hostile", hostile}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.s)))
			for b.Loop() {
				_ = Sanitize(c.s)
			}
		})
	}
}

// BenchmarkPreview is one table cell of the hostile 2 MB value.
func BenchmarkPreview(b *testing.B) {
	d := decodeText([]byte(strings.Repeat("\x1b[2J EXFILTRATED ", 100000)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Preview(&d, 80)
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	id := 7
	e := Envelope{Topic: "auth.logins", Partition: 2, Offset: 41, Timestamp: time.Now(), TimestampType: "create",
		Key:   Decoded{JSON: []byte(`"u-1042"`), Encoding: EncodingString},
		Value: Decoded{JSON: []byte(`{"user":"slyon","ip":"203.0.113.7","result":"success"}`), Encoding: EncodingAvro, SchemaID: &id},
		Headers: []HeaderValue{{Key: "trace_id", Value: Decoded{JSON: []byte(`"9f1c"`)}},
			{Key: "source", Value: Decoded{JSON: []byte(`"idp"`)}}},
		Size: 112}
	b.ReportAllocs()
	dst := make([]byte, 0, 1024)
	for b.Loop() {
		dst = e.AppendJSON(dst[:0], JSONOptions{})
	}
}

// frame prefixes payload with the Confluent wire-format header for schema id.
func frame(id int, payload []byte) []byte {
	out := make([]byte, 5, 5+len(payload))
	binary.BigEndian.PutUint32(out[1:], uint32(id))
	return append(out, payload...)
}

// frameProto frames a Protobuf payload with its message indexes.
func frameProto(id int, idx []int, payload []byte) []byte {
	out := frame(id, nil)
	if len(idx) == 1 && idx[0] == 0 {
		out = append(out, 0)
	} else {
		out = binary.AppendVarint(out, int64(len(idx)))
		for _, i := range idx {
			out = binary.AppendVarint(out, int64(i))
		}
	}
	return append(out, payload...)
}

func BenchmarkDecodeMsgPack(b *testing.B) {
	benchDecode(b, &kafka.Record{Topic: "t", Value: unhex(b,
		"84 a475736572 a5736c796f6e a26970 ab3230332e302e3131332e37 a6726573756c74 a773756363657373 a5636f756e74 cd0400")}, EncodingMsgPack)
}

func BenchmarkDecodeCBOR(b *testing.B) {
	benchDecode(b, &kafka.Record{Topic: "t", Value: unhex(b,
		"a4 6475736572 65736c796f6e 626970 6b3230332e302e3131332e37 66726573756c74 6773756363657373 65636f756e74 190400")}, EncodingCBOR)
}

// BenchmarkAppendDisplayValue is one line of `consume -o raw`: a ~190-byte JSON value made
// safe for a terminal (it already is: the check is the cost).
func BenchmarkAppendDisplayValue(b *testing.B) {
	d := Decoded{JSON: []byte(`{"user":"slyon","ip":"203.0.113.7","result":"failure","method":"password",` +
		`"reason":"bad_password","user_agent":"Mozilla/5.0 (X11; Linux x86_64)","session":"9f1c2b7e4d"}`),
		Encoding: EncodingJSON}
	b.SetBytes(int64(len(d.JSON)))
	dst := make([]byte, 0, 512)
	for b.Loop() {
		dst = AppendDisplayValue(dst[:0], &d)
	}
}
