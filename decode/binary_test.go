package decode

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// renderCase is hex input and the JSON, or the error, it must render to.
type renderCase struct {
	name, in, want, wantErr string
}

func checkRenders(t *testing.T, render func(dst, b []byte) ([]byte, error), tests []renderCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := render(nil, unhex(t, tt.in))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("got %s (%v), want %s", got, err, tt.want)
			}
		})
	}
}

func TestRenderMsgPack(t *testing.T) {
	tests := []renderCase{
		{"map", "82 a161 01 a162 94 c3 c0 ff cb3ff8000000000000", `{"a":1,"b":[true,null,-1,1.5]}`, ""},
		{"uint64 max", "cf ffffffffffffffff", `18446744073709551615`, ""},
		{"int64 min", "d3 8000000000000000", `-9223372036854775808`, ""},
		{"int16", "d1 fc18", `-1000`, ""},
		{"str8", "d9 03 616263", `"abc"`, ""},
		{"str escapes", "a4 1b5b324a", `"\u001b[2J"`, ""},
		{"bin8", "c4 02 0102", `"AQI="`, ""},
		{"float32", "ca 3fc00000", `1.5`, ""},
		{"non-text key", "81 01 a178", `{"1":"x"}`, ""},
		{"map16 array16", "de0001 a161 dc0002 01 02", `{"a":[1,2]}`, ""},
		{"timestamp32", "d6 ff 00000000", `"1970-01-01T00:00:00Z"`, ""},
		{"timestamp96", "c7 0c ff 00000001 0000000000000001", `"1970-01-01T00:00:01.000000001Z"`, ""},
		{"other ext", "d4 05 aa", `{"ext":5,"data":"qg=="}`, ""},
		{"truncated", "82 a161", "", "msgpack: truncated data"},
		{"trailing", "80 00", "", "msgpack: 1 bytes left after the value"},
		{"huge count", "df ffffffff", "", "msgpack: truncated data"},
		{"reserved byte", "c1", "", "msgpack: invalid type byte 0xc1"},
	}
	checkRenders(t, renderMsgPack, tests)
}

// TestRenderCBOR uses examples from RFC 8949 appendix A.
func TestRenderCBOR(t *testing.T) {
	tests := []renderCase{
		{"map", "a2 6161 01 6162 82 02 03", `{"a":1,"b":[2,3]}`, ""},
		{"negative", "39 03e7", `-1000`, ""},
		{"uint64 max", "1b ffffffffffffffff", `18446744073709551615`, ""},
		{"most negative", "3b ffffffffffffffff", `-18446744073709551616`, ""},
		{"bignum", "c2 49 010000000000000000", `18446744073709551616`, ""},
		{"negative bignum", "c3 49 010000000000000000", `-18446744073709551617`, ""},
		{"half one", "f9 3c00", `1`, ""},
		{"half max", "f9 7bff", `65504`, ""},
		{"half infinity", "f9 7c00", `"Infinity"`, ""},
		{"half subnormal", "f9 0001", `5.9604645e-08`, ""},
		{"double", "fb 3ff199999999999a", `1.1`, ""},
		{"epoch time", "c1 1a 514b67b0", `"2013-03-21T20:04:00Z"`, ""},
		{"epoch float time", "c1 fb 41d452d9ec200000", `"2013-03-21T20:04:00.5Z"`, ""},
		{"date string tag", "c0 74 323031332d30332d32315432303a30343a30305a", `"2013-03-21T20:04:00Z"`, ""},
		{"indefinite map and array", "bf 6161 01 6162 9f 02 03 ff ff", `{"a":1,"b":[2,3]}`, ""},
		{"indefinite text", "7f 657374726561 646d696e67 ff", `"streaming"`, ""},
		{"bytes", "43 010203", `"AQID"`, ""},
		{"simple values", "85 f4 f5 f6 f7 f0", `[false,true,null,null,{"simple":16}]`, ""},
		{"self-describe", "d9d9f7 a1 6161 01", `{"a":1}`, ""},
		{"non-text key", "a1 01 6178", `{"1":"x"}`, ""},
		{"truncated", "a2 6161 01", "", "cbor: truncated data"},
		{"stray break", "ff", "", "cbor: unexpected break"},
		{"mixed chunks", "7f 41 00 ff", "", "cbor: invalid chunk in an indefinite-length string"},
		{"reserved info", "1c", "", "cbor: invalid additional information 28"},
	}
	checkRenders(t, renderCBOR, tests)
}

func TestAutoDetectsMsgPackAndCBOR(t *testing.T) {
	tests := []struct {
		in   string
		want Encoding
	}{
		{"82 a161 01 a162 c3", EncodingMsgPack},
		{"a2 6161 01 6162 f5", EncodingCBOR},
		{"82 01 02 03", EncodingBase64},             // a msgpack map with int keys: not detected
		{"ca fe 29 66 3d 90 5b b9", EncodingBase64}, // telemetry bytes
		{"a1 6161", EncodingBase64},                 // truncated CBOR
	}
	for _, tt := range tests {
		if got := decodePlain(unhex(t, tt.in)); got.Encoding != tt.want {
			t.Errorf("%s: %s %s, want %s", tt.in, got.Encoding, got.JSON, tt.want)
		}
	}
}

// FuzzBinaryFormats: whatever MessagePack or CBOR accepts renders as valid, terminal-safe JSON.
func FuzzBinaryFormats(f *testing.F) {
	for _, s := range []string{"82a16101a16294c3c0ffcb3ff8000000000000", "c70cff000000010000000000000001",
		"bf61610161629f0203ffff", "7f657374726561646d696e67ff", "c249010000000000000000", "c1fb41d452d9ec200000"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, render := range []func(dst, b []byte) ([]byte, error){renderMsgPack, renderCBOR} {
			out, err := render(nil, b)
			if err != nil {
				continue
			}
			if !json.Valid(out) {
				t.Fatalf("invalid JSON %q from %x", out, b)
			}
			assertTerminalSafe(t, string(out), false)
		}
	})
}
