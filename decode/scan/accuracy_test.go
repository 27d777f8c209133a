package scan

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"sort"
	"testing"
)

// labelledCase is one line of testdata/scan/labelled.jsonl: a value, the field holding
// it, and the detectors that should fire on it (none for a tricky negative).
type labelledCase struct {
	Field string   `json:"field"`
	Text  string   `json:"text"`
	Want  []string `json:"want"`
	Note  string   `json:"note"`
}

func loadLabelled(t testing.TB) []labelledCase {
	f, err := os.Open("../../testdata/scan/labelled.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []labelledCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c labelledCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("labelled.jsonl line %d: %v", len(cases)+1, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// accuracyFloor holds each detector at the precision and recall measured on the
// labelled set when it was last changed; a change that detects worse fails here.
var accuracyFloor = map[string]struct{ precision, recall float64 }{
	CardNumber:  {1, 1},
	Email:       {1, 1},
	Phone:       {1, 0.857}, // misses national numbers in text with no + and no field name
	IBAN:        {1, 1},
	USSSN:       {1, 1},
	NationalID:  {1, 1},
	IPAddress:   {1, 1},
	DateOfBirth: {1, 1},
	PrivateKey:  {1, 1},
	JWT:         {1, 1},
	SecretField: {1, 1},
	"tokens":    {1, 1}, // every token-format rule together
}

// TestAccuracy measures precision and recall per detector on the labelled set: a
// detector firing on a value labelled without it is a false positive, one labelled
// but not firing a false negative. Run with -v for the table.
func TestAccuracy(t *testing.T) {
	s := New()
	type count struct{ tp, fp, fn int }
	counts := map[string]*count{}
	get := func(d string) *count {
		if !slices.Contains([]string{CardNumber, Email, Phone, IBAN, USSSN, NationalID, IPAddress, DateOfBirth, PrivateKey, JWT, SecretField}, d) {
			d = "tokens"
		}
		if counts[d] == nil {
			counts[d] = &count{}
		}
		return counts[d]
	}
	cases := loadLabelled(t)
	classes := map[string]bool{}
	for _, c := range cases {
		got := map[string]bool{}
		s.Text("value."+c.Field, c.Text, func(f Finding) {
			got[f.Detector] = true
			classes[string(f.Class)] = true
			if f.Masked() == f.Match {
				t.Errorf("%q: masked example %q shows the value", c.Text, f.Masked())
			}
		})
		for d := range got {
			if slices.Contains(c.Want, d) {
				get(d).tp++
			} else {
				get(d).fp++
				t.Logf("false positive: %s on %q (%s)", d, c.Text, c.Note)
			}
		}
		for _, d := range c.Want {
			if !got[d] {
				get(d).fn++
				t.Logf("false negative: %s missed in %q (%s)", d, c.Text, c.Note)
			}
		}
	}
	names := make([]string, 0, len(counts))
	for d := range counts {
		names = append(names, d)
	}
	sort.Strings(names)
	t.Logf("%d labelled values", len(cases))
	t.Logf("%-15s %4s %4s %4s %9s %6s", "detector", "tp", "fp", "fn", "precision", "recall")
	for _, d := range names {
		c := counts[d]
		p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
		t.Logf("%-15s %4d %4d %4d %9.3f %6.3f", d, c.tp, c.fp, c.fn, p, r)
		floor, ok := accuracyFloor[d]
		if !ok {
			t.Errorf("detector %s has no accuracy floor", d)
			continue
		}
		if p < floor.precision-1e-9 || r < floor.recall-1e-9 {
			t.Errorf("%s: precision %.3f recall %.3f, below the measured %.3f / %.3f", d, p, r, floor.precision, floor.recall)
		}
	}
	for d := range accuracyFloor {
		if counts[d] == nil || counts[d].tp == 0 {
			t.Errorf("the labelled set has no true positive for %s", d)
		}
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
