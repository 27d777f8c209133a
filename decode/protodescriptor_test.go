package decode

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"

	"github.com/kpeek/kpeek/decode/registryserver"
	"github.com/kpeek/kpeek/kafka"
)

// serializedDescriptor is what Confluent's Python serializer registers for a .proto file:
// its FileDescriptorProto, serialized and base64-encoded.
func serializedDescriptor(tb testing.TB, name string, files map[string]string) string {
	tb.Helper()
	ps, err := compileProtoFile(name, &protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(files)})
	if err != nil {
		tb.Fatal(err)
	}
	b, err := proto.Marshal(protodesc.ToFileDescriptorProto(ps.file))
	if err != nil {
		tb.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// TestProtobufSerializedDescriptors registers the shipment schema and its reference as
// base64 descriptors and expects exactly the decoding the .proto text gives.
func TestProtobufSerializedDescriptors(t *testing.T) {
	files := map[string]string{"shipment.proto": testShipmentProto, "common/address.proto": testAddressProto}
	tr := newTestRegistry(t)
	tr.register(t, "common/address.proto", "PROTOBUF", serializedDescriptor(t, "common/address.proto", files))
	fromDescriptor := tr.register(t, "desc-value", "PROTOBUF", serializedDescriptor(t, "shipment.proto", files),
		registryserver.Reference{Name: "common/address.proto", Subject: "common/address.proto", Version: 1})
	fromText := tr.registerShipment(t)
	d := New(WithRegistry(tr.client(t)))

	for _, idx := range [][]int{{1}, {0}} {
		body := testShipment(t)
		if idx[0] == 0 {
			body = []byte("\x0a\x03DHL")
		}
		want := d.Decode(context.Background(), &kafka.Record{Value: frameProto(fromText, idx, body)}).Value
		got := d.Decode(context.Background(), &kafka.Record{Value: frameProto(fromDescriptor, idx, body)}).Value
		if want.Error != "" || got.Error != "" {
			t.Fatalf("message %v: errors text %q, descriptor %q", idx, want.Error, got.Error)
		}
		if string(got.JSON) != string(want.JSON) || got.Encoding != EncodingProtobuf {
			t.Errorf("message %v: descriptor decoded %s (%s), text %s", idx, got.JSON, got.Encoding, want.JSON)
		}
	}
}

func TestParseDescriptorText(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		ok      bool
		wantErr bool
	}{
		{"proto source", testAddressProto, false, false},
		{"one word", "syntax", true, true}, // base64 alphabet, but not a descriptor
		{"garbage base64", base64.StdEncoding.EncodeToString([]byte{0xff, 0xff, 0xff}), true, true},
		{"empty descriptor", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok, err := parseDescriptorText(tt.text)
			if ok != tt.ok || (err != nil) != tt.wantErr {
				t.Errorf("ok=%v err=%v, want ok=%v err=%v", ok, err, tt.ok, tt.wantErr)
			}
		})
	}
}
