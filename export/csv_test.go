package export

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/kpeek/kpeek/kafka"
)

// TestCSVNeutralizesFormulas writes cells a spreadsheet would run and checks each is
// prefixed with a quote (the OWASP rule), unless CSVRaw asks for them verbatim.
func TestCSVNeutralizesFormulas(t *testing.T) {
	rec := kafka.Record{Topic: "t", Partition: 0, Offset: 0, Timestamp: testEpoch, TimestampType: kafka.TimestampCreate,
		Key: []byte("=cmd|' /C calc'!A0"),
		Value: []byte(`{"link":"=HYPERLINK(\"http://evil\",\"x\")","at":"@SUM(1)","plus":"+1+1","minus":"-2+3",` +
			`"tab":"\tx","cr":"\rx","amount":-12.5,"plain":"ok"}`),
		Headers: []kafka.Header{{Key: "h", Value: []byte("x")}}}
	text := rec
	text.Offset, text.Value = 1, []byte("=1+1")
	tests := []struct {
		raw  bool
		want map[string]string
	}{
		{false, map[string]string{"key": "'=cmd|' /C calc'!A0", "value.link": `'=HYPERLINK("http://evil","x")`, "value.at": "'@SUM(1)",
			"value.plus": "'+1+1", "value.minus": "'-2+3", "value.tab": "'\tx", "value.cr": "'\rx", "value.amount": "-12.5", "value.plain": "ok"}},
		{true, map[string]string{"key": "=cmd|' /C calc'!A0", "value.at": "@SUM(1)", "value.minus": "-2+3", "value.amount": "-12.5"}},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "x.csv")
		if _, err := ToFile(t.Context(), testRequest([]kafka.Record{rec, text}), FileOptions{Path: path, Format: "csv", CSVRaw: tt.raw}); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, n := range rows[0] {
			col[n] = i
		}
		for name, want := range tt.want {
			if got := rows[1][col[name]]; got != want {
				t.Errorf("raw=%v: %s = %q, want %q", tt.raw, name, got, want)
			}
		}
		wantText := "'=1+1"
		if tt.raw {
			wantText = "=1+1"
		}
		if got := rows[2][col["value"]]; got != wantText {
			t.Errorf("raw=%v: text value = %q, want %q", tt.raw, got, wantText)
		}
	}
}
