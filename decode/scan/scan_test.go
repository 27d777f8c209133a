package scan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
)

func findings(s *Scanner, e *decode.Envelope) []string {
	var out []string
	s.Envelope(e, func(f Finding) { out = append(out, f.Path+" "+f.Detector+" "+f.Masked()) })
	return out
}

func TestEnvelopePaths(t *testing.T) {
	rec := kafka.Record{Topic: "crm", Key: []byte("c-1"), Timestamp: time.Unix(0, 0),
		Value:   []byte(`{"card":{"number":"4242424242424242"},"contacts":[{"email":"sam@example.com"},{"email":"kim@example.org"}],"n":4111111111111111,"payload":"{\"ssn\":\"536-22-1234\",\"pw\":\"x\"}"}`),
		Headers: []kafka.Header{{Key: "auth", Value: []byte("Basic dXNlcjpwYXNzd29yZA==")}}}
	env := decode.New().Decode(t.Context(), &rec)
	got := strings.Join(findings(New(), &env), "\n")
	for _, want := range []string{
		"value.card.number card_number **** **** **** 4242",
		"value.contacts.email email s***@example.com",
		"value.contacts.email email k***@example.org",
		"value.n card_number **** **** **** 1111",
		"value.payload.ssn us_ssn ***-**-1234",
		"headers.auth secret_field ********",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack %q:\n%s", want, got)
		}
	}
	for _, leak := range []string{"4242424242424242", "sam@", "536-22", "dXNlcjpw"} {
		if strings.Contains(got, leak) {
			t.Errorf("findings show %q", leak)
		}
	}
}

func TestUndecodedBytes(t *testing.T) {
	raw := append([]byte{0xff, 0x00, 0x13}, []byte("\x01mail slyon@example.com\x02\xfe")...)
	d := decode.Decoded{JSON: []byte(`"AAAA"`), Encoding: decode.EncodingBase64, Raw: raw}
	var got []Finding
	New().Decoded("value", &d, func(f Finding) { got = append(got, f) })
	if len(got) != 1 || got[0].Detector != Email || string(raw[got[0].Start:got[0].End]) != "slyon@example.com" {
		t.Errorf("findings in undecoded bytes: %v", got)
	}
}

func TestClasses(t *testing.T) {
	rec := kafka.Record{Value: []byte(`{"card":"4242424242424242","email":"sam@example.com","password":"hunter22"}`)}
	env := decode.New().Decode(t.Context(), &rec)
	for _, tt := range []struct {
		profile string
		want    []string
	}{
		{"pci", []string{CardNumber}},
		{"pii", []string{CardNumber, Email}},
		{"secrets", []string{SecretField}},
		{"all", []string{CardNumber, Email, SecretField}},
	} {
		cs, ok := ParseProfile(tt.profile)
		if !ok {
			t.Fatalf("ParseProfile(%s) failed", tt.profile)
		}
		var got []string
		New(WithClasses(cs...)).Envelope(&env, func(f Finding) { got = append(got, f.Detector) })
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: found %v, want %v", tt.profile, got, tt.want)
		}
	}
	if _, ok := ParseProfile("value.card"); ok {
		t.Error("a field path parsed as a profile")
	}
}

func TestRedactText(t *testing.T) {
	s := New()
	for _, tt := range []struct{ field, in, want string }{
		{"note", "card 4242 4242 4242 4242, mail sam@example.com.", "card **** **** **** 4242, mail [REDACTED]."},
		{"password", "hunter22", "[REDACTED]"},
		{"payload", `{"card":4111111111111111,"e":"sam@example.com"}`, `{"card":"**** **** **** 1111","e":"[REDACTED]"}`},
		{"payload", `{"e":"sam@example.com \u00e9"}`, `{"e":"[REDACTED] \u00e9"}`},
		{"note", "nothing here", "nothing here"},
	} {
		var fs []Finding
		s.Text("value."+tt.field, tt.in, func(f Finding) { fs = append(fs, f) })
		if got := RedactText(tt.in, fs); got != tt.want {
			t.Errorf("RedactText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTally(t *testing.T) {
	dec := decode.New()
	tl := NewTally(New(), "crm.customers")
	base := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	for i, v := range []string{`{"email":"a@example.com","e2":"b@example.com"}`, `{"name":"x"}`, `{"email":"c@example.com"}`, `{"email":"d@example.com"}`} {
		rec := kafka.Record{Value: []byte(v), Timestamp: base.Add(time.Duration(i) * time.Hour)}
		env := dec.Decode(t.Context(), &rec)
		tl.Add(&env)
	}
	r := tl.Report()
	if r.Scanned != 4 || len(r.Fields) != 2 || r.Fields[0].Path != "value.e2" || r.Fields[1].Path != "value.email" {
		t.Fatalf("report: %+v", r)
	}
	f := r.Fields[1]
	if f.Records != 3 || f.Share != 0.75 || !f.First.Equal(base) || !f.Last.Equal(base.Add(3*time.Hour)) || f.Example != "a***@example.com" {
		t.Errorf("value.email: %+v", f)
	}
	if v := r.Verdict(); v != "crm.customers: PII found in 4 records scanned" {
		t.Errorf("verdict %q", v)
	}
	empty := NewTally(New(), "erp.audit").Report()
	if v := empty.Verdict(); v != "erp.audit: no regulated data found in 0 records" {
		t.Errorf("verdict %q", v)
	}
}

// FuzzScan: any text scans without panicking, every span lies inside the text and is
// its Match, and the masked form never equals the value.
func FuzzScan(f *testing.F) {
	for _, s := range []string{"4111 1111 1111 1111", "a@b.co", `{"x":"+49 30 1234567"}`, "-----BEGIN RSA PRIVATE KEY-----", "eyJhbGciOiJIUzI1NiJ9.eyJhIjoiYmJiYmJiYmIifQ.x", "DE89 3704 0044 0532 0130 00"} {
		f.Add("value.password", s)
		f.Add("value.note", s)
	}
	s := New()
	f.Fuzz(func(t *testing.T, path, text string) {
		var fs []Finding
		s.Text(path, text, func(fd Finding) {
			if fd.Start < 0 || fd.End > len(text) || fd.Start >= fd.End {
				t.Fatalf("span %d:%d outside %q", fd.Start, fd.End, text)
			}
			if text[fd.Start:fd.End] != fd.Match && !embeddedJSON(text) {
				t.Fatalf("span %d:%d of %q is not %q", fd.Start, fd.End, text, fd.Match)
			}
			if fd.Masked() == fd.Match {
				t.Fatalf("mask of %q shows it", fd.Match)
			}
			fs = append(fs, fd)
		})
		out := RedactText(text, fs)
		var again []Finding
		s.Text(path, out, func(fd Finding) {
			if fd.Detector != SecretField || out != text {
				again = append(again, fd)
			}
		})
		for _, g := range again {
			if g.Detector != SecretField {
				t.Fatalf("RedactText(%q) = %q still holds %s %q", text, out, g.Detector, g.Match)
			}
		}
	})
}

func TestMergeSpans(t *testing.T) {
	type sp struct{ s, e int }
	span := func(x sp) (int, int) { return x.s, x.e }
	kept := []sp{{0, 4}, {10, 14}, {20, 24}}
	add := []sp{{2, 3}, {4, 10}, {5, 6}, {14, 20}, {18, 19}, {23, 30}, {30, 31}}
	got := mergeSpans(kept, add, span)
	want := []sp{{0, 4}, {4, 10}, {10, 14}, {14, 20}, {20, 24}, {30, 31}}
	if !slices.Equal(got, want) {
		t.Errorf("mergeSpans = %v, want %v", got, want)
	}
}

// TestOverlapsResolvedByPriority: where detections overlap, the earlier detector in
// detect's order keeps the span, whatever the order they were found in.
func TestOverlapsResolvedByPriority(t *testing.T) {
	var got []string
	New().Text("value.password", "+4111111111111111 x", func(f Finding) { got = append(got, f.Detector) })
	if !slices.Equal(got, []string{SecretField}) {
		t.Errorf("detections %v, want the secret field alone", got)
	}
}

// TestTallyBoundsPaths: member names come from the data; past maxFieldPaths distinct
// paths, findings are counted under OtherFields instead of growing the tally.
func TestTallyBoundsPaths(t *testing.T) {
	tl := NewTally(New(), "hostile")
	var b strings.Builder
	b.WriteString("{")
	for i := range maxFieldPaths + 50 {
		fmt.Fprintf(&b, `"f%d":"a@example.com",`, i)
	}
	b.WriteString(`"z":1}`)
	rec := kafka.Record{Value: []byte(b.String())}
	env := decode.New().Decode(t.Context(), &rec)
	tl.Add(&env)
	r := tl.Report()
	if len(r.Fields) != maxFieldPaths+1 {
		t.Fatalf("%d paths, want %d", len(r.Fields), maxFieldPaths+1)
	}
	for _, f := range r.Fields {
		if f.Path == OtherFields && f.Records == 1 {
			return
		}
	}
	t.Errorf("no %q row counting the overflow", OtherFields)
}

// TestTallyCountsUndecoded: a record that did not decode is still scanned, and the
// verdict says how many there were instead of passing them off as clean.
func TestTallyCountsUndecoded(t *testing.T) {
	tl := NewTally(New(), "orders")
	env := decode.Envelope{Value: decode.Decoded{JSON: []byte(`"AAAA"`), Encoding: decode.EncodingBase64,
		Raw: []byte("\x00\x02\x0csam@example.com\x00"), Error: "schema 7: registry unreachable"}}
	tl.Add(&env)
	r := tl.Report()
	if r.Undecoded != 1 || len(r.Fields) != 1 || r.Fields[0].Detector != Email {
		t.Fatalf("report %+v", r)
	}
	if v := r.Verdict(); v != "orders: PII found in 1 record scanned; 1 record did not decode (their raw text was scanned)" {
		t.Errorf("verdict %q", v)
	}
}
