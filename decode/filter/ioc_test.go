package filter

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const iocFile = `# incident 42
203.0.113.7
2001:db8::bad
198.51.100.0/24
evil.example
exfil@drop.example
d41d8cd98f00b204e9800998ecf8427e
user:slyon
string:rm -rf /

`

func mustIOCs(t testing.TB, s string) *IOCSet {
	t.Helper()
	set, err := ParseIOCs(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestParseIOCsKinds(t *testing.T) {
	set := mustIOCs(t, iocFile)
	got := map[string]IOCKind{}
	for _, i := range set.Indicators() {
		got[i.Text] = i.Kind
	}
	want := map[string]IOCKind{"203.0.113.7": IOCIP, "2001:db8::bad": IOCIP, "198.51.100.0/24": IOCCIDR,
		"evil.example": IOCDomain, "exfil@drop.example": IOCEmail, "d41d8cd98f00b204e9800998ecf8427e": IOCHash,
		"slyon": IOCUser, "rm -rf /": IOCString}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("kinds = %v\nwant    %v", got, want)
	}
}

func TestParseIOCsErrors(t *testing.T) {
	for in, want := range map[string]string{
		"# only comments\n\n":           "no indicators",
		"203.0.113.7\ncidr:10.0.0.0/33": "line 2",
		"ip:not-an-ip":                  `"not-an-ip" is not a valid ip`,
		"hash:xyz":                      "not a valid hash",
		"user:":                         "empty user",
		"user:\x1b]0;x\x07 a":           `\x1b`,
	} {
		_, err := ParseIOCs(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseIOCs(%q) = %v, want an error containing %q", in, err, want)
		}
		if err != nil && strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("error for %q carries a raw ESC", in)
		}
	}
}

func TestIOCMatch(t *testing.T) {
	set := mustIOCs(t, iocFile)
	tests := []struct {
		name       string
		key, value string
		headers    []string
		want       []string // indicator@path
	}{
		{"ip in a field", "u-1", login, nil, []string{"slyon@value.user", "203.0.113.7@value.ip"}},
		{"ip with port inside text", "", `{"msg":"conn from 203.0.113.7:51234 refused"}`, nil,
			[]string{"203.0.113.7@value.msg"}},
		{"longer address is not the indicator", "", `{"ip":"203.0.113.70","a":"1203.0.113.7"}`, nil, nil},
		{"ipv6 written differently", "", `{"src":"2001:0db8:0:0:0:0:0:0bad"}`, nil, []string{"2001:db8::bad@value.src"}},
		{"cidr", "", `{"hops":["10.0.0.1","198.51.100.42"]}`, nil, []string{"198.51.100.0/24@value.hops[1]"}},
		{"subdomain in a url", "", `{"url":"https://cdn.EVIL.example/x.js"}`, nil, []string{"evil.example@value.url"}},
		{"domain lookalike", "", `{"url":"https://notevil.example.org/"}`, nil, nil},
		{"email and its domain", "", `{"to":"Exfil@drop.example"}`, nil, []string{"exfil@drop.example@value.to"}},
		{"hash upper case in nested", "", `{"file":{"md5":"D41D8CD98F00B204E9800998ECF8427E"}}`, nil,
			[]string{"d41d8cd98f00b204e9800998ecf8427e@value.file.md5"}},
		{"user is a whole word", "", `{"user":"slyon2","note":"by SLYON."}`, nil, []string{"slyon@value.note"}},
		{"plain string as substring", "", "audit: ran RM -RF /tmp", nil, []string{"rm -rf /@value"}},
		{"key and headers", "slyon", `{}`, []string{"x-forwarded-for", "203.0.113.7, 10.0.0.1"},
			[]string{"slyon@key", "203.0.113.7@headers.x-forwarded-for"}},
		{"numbers are not strings", "", `{"n":203.0113}`, nil, nil},
		{"malformed value is safe", "", `{"a":"203.0.113.7",`, nil, []string{"203.0.113.7@value.a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range set.Match(record(tt.key, tt.value, tt.headers...)) {
				got = append(got, h.Indicator+"@"+h.Path)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("hits = %v, want %v", got, want)
			}
		})
	}
}

func FuzzIOCs(f *testing.F) {
	f.Add(iocFile, login)
	f.Add("::ffff:1.2.3.4\n1.2.3.0/8", `{"a":["::ffff:1.2.3.4",{"b":"1.2.3.4:80"}]}`)
	f.Fuzz(func(t *testing.T, iocs, value string) {
		set, err := ParseIOCs(strings.NewReader(iocs))
		if err != nil {
			return
		}
		set.Match(record("k", value))
	})
}

func BenchmarkIOCMatch(b *testing.B) {
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, "10.%d.%d.1\nbad%d.example\n", i/256, i%256, i)
	}
	sb.WriteString("user:slyon\n")
	set := mustIOCs(b, sb.String())
	e := record("u-1042", order)
	b.ReportAllocs()
	for b.Loop() {
		set.Match(e)
	}
}
