package decode

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
)

func TestFromConfigErrors(t *testing.T) {
	dir := t.TempDir()
	badAvsc := filepath.Join(dir, "bad.avsc")
	if err := os.WriteFile(badAvsc, []byte(`{"type":"record"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "common", "address.proto"), testAddressProto)
	protoFile := filepath.Join(dir, "shipment.proto")
	write(t, protoFile, testShipmentProto)
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"bad value format", Config{ValueFormat: "xml"}, `--value-format: unknown format "xml" (valid: auto, avro, protobuf, json, string, hex, base64, msgpack, cbor)`},
		{"bad key format", Config{KeyFormat: "yaml"}, `--key-format: unknown format "yaml"`},
		{"bad topic format", Config{Topics: map[string]config.TopicFormat{"t": {ValueFormat: "nope"}}}, `topic t value: unknown format "nope"`},
		{"missing schema file", Config{Topics: map[string]config.TopicFormat{"t": {KeySchema: filepath.Join(dir, "missing.avsc")}}}, "topic t key: avro schema:"},
		{"bad avsc", Config{Topics: map[string]config.TopicFormat{"t": {ValueSchema: badAvsc}}}, "bad.avsc"},
		{"proto without message", Config{Topics: map[string]config.TopicFormat{"t": {ValueSchema: filepath.Join(dir, "x.proto")}}}, "needs a message name"},
		{"unknown message", Config{Topics: map[string]config.TopicFormat{"t": {ValueSchema: protoFile, ValueMessage: "Nope"}}},
			`no message "Nope" (top-level messages: erp.supply.Carrier, erp.supply.Shipment)`},
		{"unknown schema extension", Config{Topics: map[string]config.TopicFormat{"t": {ValueSchema: "x.xsd"}}}, "want .avsc or .proto"},
		{"registry without url", Config{Registry: &config.Registry{URL: " "}}, "schema registry: no url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromConfig(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestFromConfigLocalSchemasAndOverrides(t *testing.T) {
	dir := t.TempDir()
	avsc := filepath.Join(dir, "login.avsc")
	write(t, avsc, `{"type":"record","name":"Login","fields":[{"name":"user","type":"string"},{"name":"ok","type":"boolean"}]}`)
	write(t, filepath.Join(dir, "common", "address.proto"), testAddressProto)
	protoFile := filepath.Join(dir, "shipment.proto")
	write(t, protoFile, testShipmentProto)
	d, err := FromConfig(Config{Topics: map[string]config.TopicFormat{
		"logins":    {ValueSchema: avsc, KeyFormat: "hex"},
		"shipments": {ValueSchema: protoFile, ValueMessage: "Shipment.Leg"},
		"fq":        {ValueFormat: "protobuf", ValueSchema: protoFile, ValueMessage: "erp.supply.Carrier"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	login := []byte("\x0aslyon\x01")
	tests := []struct {
		name, topic string
		key, value  []byte
		wantKey     string
		want        string
		encoding    Encoding
	}{
		{"local avsc, hex key", "logins", []byte{0xca, 0xfe}, login, `"cafe"`, `{"user":"slyon","ok":true}`, EncodingAvro},
		{"local avsc, framed anyway", "logins", nil, frame(9, login), "null", `{"user":"slyon","ok":true}`, EncodingAvro},
		{"local proto nested message", "shipments", nil, []byte("\x0a\x03HAM"), "null", `{"from":"HAM"}`, EncodingProtobuf},
		{"local proto framed with indexes", "fq", nil, frameProto(1, []int{0}, []byte("\x0a\x03DHL")), "null", `{"name":"DHL"}`, EncodingProtobuf},
		{"other topics auto", "auth.logins", []byte("u-1"), []byte(`{"a":1}`), `"u-1"`, `{"a":1}`, EncodingJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := d.Decode(context.Background(), &kafka.Record{Topic: tt.topic, Key: tt.key, Value: tt.value})
			if e.Value.Error != "" || string(e.Value.JSON) != tt.want || e.Value.Encoding != tt.encoding {
				t.Errorf("value = %s %s (error %q), want %s %s", e.Value.Encoding, e.Value.JSON, e.Value.Error, tt.encoding, tt.want)
			}
			if got := string(appendJSONOrNull(nil, e.Key.JSON)); got != tt.wantKey {
				t.Errorf("key = %s, want %s", got, tt.wantKey)
			}
		})
	}
	// A flag beats the topic's format but the topic's schema file stays.
	d, err = FromConfig(Config{ValueFormat: "base64", Topics: map[string]config.TopicFormat{"logins": {ValueSchema: avsc}}})
	if err != nil {
		t.Fatal(err)
	}
	if e := d.Decode(context.Background(), &kafka.Record{Topic: "logins", Value: login}); e.Value.Encoding != EncodingBase64 {
		t.Errorf("--value-format base64 ignored: %s", e.Value.Encoding)
	}
}

// TestDecodePartsMatchDecode checks that DecodeKey, DecodeValue and AppendHeaders give
// exactly the parts Decode gives: per-topic schemas and formats, registry framing,
// hostile bytes and nulls.
func TestDecodePartsMatchDecode(t *testing.T) {
	dir := t.TempDir()
	avsc := filepath.Join(dir, "login.avsc")
	write(t, avsc, `{"type":"record","name":"Login","fields":[{"name":"user","type":"string"},{"name":"ok","type":"boolean"}]}`)
	tr := newTestRegistry(t)
	id := tr.register(t, "framed-value", "AVRO", `{"type":"record","name":"H","fields":[{"name":"s","type":"string"},{"name":"n","type":"long"}]}`)
	cfg := Config{Topics: map[string]config.TopicFormat{"logins": {ValueSchema: avsc, KeyFormat: "hex"}}}
	local, err := FromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	decoders := map[string]*Decoder{
		"auto":     New(),
		"registry": New(WithRegistry(tr.client(t))),
		"local":    local,
		"forced":   New(WithFormats(FormatBase64, FormatString)),
	}
	payloads := append(hostilePayloads(), frame(id, []byte("\x06abc\x02")), []byte("\x0aslyon\x01"),
		[]byte(`{"user":"slyon","amount":12.50}`), []byte(`{ "spaced": [1, 2] }`), []byte("k-u0001"), []byte{})
	ctx := context.Background()
	for name, d := range decoders {
		for _, topic := range []string{"logins", "other"} {
			for i, p := range payloads {
				rec := &kafka.Record{Topic: topic, Partition: 2, Offset: int64(i), Key: p, Value: p,
					Headers: []kafka.Header{{Key: "source", Value: []byte("idp")}, {Key: "raw", Value: p}}}
				full := d.Decode(ctx, rec)
				if got := d.DecodeValue(ctx, rec); !reflect.DeepEqual(got, full.Value) {
					t.Errorf("%s/%s payload %d: DecodeValue = %+v, Decode's value = %+v", name, topic, i, got, full.Value)
				}
				if got := d.DecodeKey(ctx, rec); !reflect.DeepEqual(got, full.Key) {
					t.Errorf("%s/%s payload %d: DecodeKey = %+v, Decode's key = %+v", name, topic, i, got, full.Key)
				}
				if got := d.AppendHeaders(nil, rec); !reflect.DeepEqual(got, full.Headers) {
					t.Errorf("%s/%s payload %d: AppendHeaders = %+v, Decode's headers = %+v", name, topic, i, got, full.Headers)
				}
			}
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// hostilePayloads mirrors the demo's hostile.payloads topic.
func hostilePayloads() [][]byte {
	return [][]byte{
		[]byte("\x1b[2J\x1b[H screen cleared"),
		[]byte("\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07 clipboard"),
		[]byte("\x1b]0;root@prod\x07 title"),
		[]byte("\x9b31m 8-bit CSI, not UTF-8"),
		[]byte("\u009b31m C1 CSI as UTF-8"),
		[]byte("invoice\u202egnp.exe"),
		[]byte("caf\xe9 \xff\xfe"),
		[]byte(strings.Repeat("A", 2<<20)),
		frame(999999, []byte("\x02\x04")),
		{0, 0, 0, 0},
		[]byte(`{"note":"\u001b]52;c;eA==\u0007","raw":"` + "\u202e" + `"}`),
		nil,
	}
}

func TestHostilePayloads(t *testing.T) {
	tr := newTestRegistry(t)
	id := tr.register(t, "hostile-value", "AVRO", `{"type":"record","name":"H","fields":[{"name":"s","type":"string"},{"name":"n","type":"long"}]}`)
	d := New(WithRegistry(tr.client(t)))
	payloads := append(hostilePayloads(), frame(id, []byte("\x7e\x1b[2J")))
	for i, p := range payloads {
		headers := make([]kafka.Header, 0, 200)
		for h := range 200 {
			headers = append(headers, kafka.Header{Key: "h\x1b" + string(rune('a'+h%26)), Value: p[:min(len(p), 64)]})
		}
		e := d.Decode(context.Background(), &kafka.Record{Topic: "hostile.payloads", Key: p, Value: p, Headers: headers})
		if string(e.Value.Raw) != string(p) || (p == nil) != (e.Value.JSON == nil) {
			t.Errorf("payload %d: raw bytes or null lost", i)
		}
		line := e.AppendJSON(nil, JSONOptions{IncludeRaw: true})
		if !json.Valid(line) {
			t.Fatalf("payload %d: invalid JSON line %.200q", i, line)
		}
		assertTerminalSafe(t, string(line), false)
		assertTerminalSafe(t, DisplayValue(&e.Value), false)
		assertTerminalSafe(t, Preview(&e.Key, 40), false)
		assertTerminalSafe(t, DisplayIndented(&e.Value), true)
		assertTerminalSafe(t, Sanitize(e.Value.Error), false)
	}
}

// FuzzDecode drives the whole decoder, wire format and auto-detection, with a registry
// that knows an Avro, a Protobuf and a JSON schema (ids 1-4).
func FuzzDecode(f *testing.F) {
	tr := newTestRegistry(f)
	tr.register(f, "a-value", "AVRO", benchAvroSchema)
	tr.registerShipment(f)
	tr.register(f, "j-value", "JSON", `{"type":"object"}`)
	d := New(WithRegistry(tr.client(f)))
	f.Add([]byte("k"), frame(1, benchAvroRecord(f)))
	f.Add([]byte(nil), frameProto(3, []int{1}, testShipment(f)))
	f.Add([]byte("{}"), frame(4, []byte(`{"a":[1,2]}`)))
	for _, p := range hostilePayloads()[:7] {
		f.Add(p, p)
	}
	f.Fuzz(func(t *testing.T, key, value []byte) {
		if len(value) >= 5 && value[0] == 0 {
			value[1], value[2], value[3] = 0, 0, 0 // keep ids small: known, or one unknown cached
			value[4] %= 6
		}
		e := d.Decode(context.Background(), &kafka.Record{Topic: "t", Key: key, Value: value,
			Headers: []kafka.Header{{Key: string(key), Value: value}}})
		for _, v := range []*Decoded{&e.Key, &e.Value} {
			if v.JSON != nil && !json.Valid(v.JSON) {
				t.Fatalf("invalid JSON %q (encoding %s)", v.JSON, v.Encoding)
			}
			assertTerminalSafe(t, DisplayValue(v), false)
		}
		if string(e.Value.Raw) != string(value) {
			t.Fatal("raw bytes lost")
		}
		line := e.AppendJSON(nil, JSONOptions{})
		if !json.Valid(line) {
			t.Fatalf("invalid line %q", line)
		}
		assertTerminalSafe(t, string(line), false)
	})
}

// FuzzProtobuf feeds arbitrary message indexes and payloads to the Protobuf path.
func FuzzProtobuf(f *testing.F) {
	tr := newTestRegistry(f)
	id := tr.registerShipment(f)
	reg := tr.client(f)
	s, err := reg.schema(context.Background(), id)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(frameProto(id, []int{1}, testShipment(f))[5:])
	f.Add(frameProto(id, []int{1, 0}, []byte("\x0a\x03HAM"))[5:])
	f.Add([]byte("\x00\x0a\x03DHL\x12\x05\x0a\x01k\x12\x00"))
	// Each payload is also rendered as a fin.Trade, whose Decimals take their own path.
	trade := compileTestProto(f, map[string]string{"main.proto": testTradeProto})
	f.Add(append([]byte{0}, protoBytes(f, trade, "Trade", `{"id":"T-1","amount":`+dec([]byte{0x12, 0x4f, 0xb2}, 2)+
		`,"fees":[`+dec([]byte{0xff}, -2)+`,{}],"limits":{"a":`+dec([]byte{0x40, 0, 0, 0, 0, 0, 0, 0, 0}, 4)+`},`+
		`"rate":{"value":"1.5"},"legs":[{"price":`+dec([]byte{1}, 200)+`,"qty":"7"}]}`)...))
	f.Fuzz(func(t *testing.T, payload []byte) {
		idx, rest, err := readMessageIndexes(payload)
		if err != nil {
			return
		}
		for _, ps := range []*protoSchema{s.proto, trade} {
			md, err := ps.messageAt(idx)
			if err != nil {
				continue
			}
			out, err := ps.render(nil, md, rest)
			if err != nil && strings.Contains(err.Error(), "placeholders") {
				t.Fatal(err)
			}
			if err == nil && !json.Valid(out) {
				t.Fatalf("invalid JSON %q", out)
			}
			if err == nil {
				assertTerminalSafe(t, string(out), false)
			}
		}
	})
}
