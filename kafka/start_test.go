package kafka

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)

func TestParseStart(t *testing.T) {
	tests := []struct {
		in      string
		want    Start
		wantErr string
	}{
		{"beginning", Start{Kind: StartBeginning}, ""},
		{"", Start{Kind: StartBeginning}, ""},
		{"END", Start{Kind: StartEnd}, ""},
		{"42", Start{Kind: StartOffset, Offset: 42}, ""},
		{"0", Start{Kind: StartOffset, Offset: 0}, ""},
		{"-10", Start{Kind: StartLast, N: 10}, ""},
		{"-1h", Start{Kind: StartTime, Time: now.Add(-time.Hour)}, ""},
		{"-30m", Start{Kind: StartTime, Time: now.Add(-30 * time.Minute)}, ""},
		{"-2d", Start{Kind: StartTime, Time: now.Add(-48 * time.Hour)}, ""},
		{"-1d12h", Start{Kind: StartTime, Time: now.Add(-36 * time.Hour)}, ""},
		{"2026-11-26T02:14:07Z", Start{Kind: StartTime, Time: time.Date(2026, 11, 26, 2, 14, 7, 0, time.UTC)}, ""},
		{"2026-11-26T02:14:07.5+01:00", Start{Kind: StartTime, Time: time.Date(2026, 11, 26, 1, 14, 7, 5e8, time.UTC)}, ""},
		{"2026-11-26", Start{Kind: StartTime, Time: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}, ""},
		{"yesterday", Start{}, "is not a start"},
		{"-1x", Start{}, "relative time"},
		{"-0h", Start{}, "longer than zero"},
		{"2026-13-01T00:00:00Z", Start{}, "RFC3339"},
	}
	for _, tt := range tests {
		got, err := ParseStart(tt.in, now)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseStart(%q) err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.Kind != tt.want.Kind || got.Offset != tt.want.Offset || got.N != tt.want.N || !got.Time.Equal(tt.want.Time) {
			t.Errorf("ParseStart(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseStop(t *testing.T) {
	tests := []struct {
		in      string
		want    Stop
		wantErr string
	}{
		{"end", Stop{Kind: StopEnd}, ""},
		{"now", Stop{Kind: StopTime, Time: now}, ""},
		{"100", Stop{Kind: StopOffset, Offset: 100}, ""},
		{"-15m", Stop{Kind: StopTime, Time: now.Add(-15 * time.Minute)}, ""},
		{"2026-11-26T02:30:00Z", Stop{Kind: StopTime, Time: time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)}, ""},
		{"-5", Stop{}, "cannot be negative"},
		{"later", Stop{}, "is not a stop"},
	}
	for _, tt := range tests {
		got, err := ParseStop(tt.in, now)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseStop(%q) err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.Kind != tt.want.Kind || got.Offset != tt.want.Offset || !got.Time.Equal(tt.want.Time) {
			t.Errorf("ParseStop(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseStart(f *testing.F) {
	for _, s := range []string{"beginning", "-10", "-1h", "2026-11-26T02:14:07Z", "-1d12h", "42", "1969-12-31T23:59:59.999Z", "-0", "-20000d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseStart(s, now)
		if err == nil && st.Kind == StartLast && st.N <= 0 {
			t.Errorf("ParseStart(%q) = last %d", s, st.N)
		}
		// A time before 1970 would reach ListOffsets as one of its special negative values.
		if err == nil && st.Kind == StartTime && st.Time.UnixMilli() < 0 {
			t.Errorf("ParseStart(%q) = %v, before 1970", s, st.Time)
		}
		if sp, err := ParseStop(s, now); err == nil && sp.Kind == StopTime && sp.Time.UnixMilli() < 0 {
			t.Errorf("ParseStop(%q) = %v, before 1970", s, sp.Time)
		}
	})
}

func TestParsePartitions(t *testing.T) {
	tests := []struct {
		in      string
		want    []int32
		wantErr string
	}{
		{"", nil, ""},
		{"2", []int32{2}, ""},
		{"2, 0,2", []int32{0, 2}, ""},
		{"1-3,0", []int32{0, 1, 2, 3}, ""},
		{"0-3,1-2,3", []int32{0, 1, 2, 3}, ""},
		{"x", nil, "not a partition"},
		{"-1", nil, "not a partition"},
		{"3-1", nil, "not a partition"},
		{"4", nil, "has 4 partitions"},
		{"0-99999999", nil, "has 4 partitions"},
		{"0-2147483647", nil, "has 4 partitions"},
		{"0-99999999999", nil, "not a partition"},
	}
	for _, tc := range tests {
		got, err := ParsePartitions(tc.in, "orders", 4)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParsePartitions(%q) err = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParsePartitions(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// TestParsePartitionsPastTheTopicNamesTheCount: a range past the last partition is the
// typed error the command line reports as usage, naming the topic and its count.
func TestParsePartitionsPastTheTopicNamesTheCount(t *testing.T) {
	_, err := ParsePartitions("0-99999999", "orders", 3)
	var pe *PartitionNotFoundError
	if !errors.As(err, &pe) || pe.Partitions != 3 || pe.Topic != "orders" {
		t.Fatalf("err = %v, want a PartitionNotFoundError for orders with 3 partitions", err)
	}
	if err := CheckPartitions("0-99999999"); err != nil {
		t.Errorf("CheckPartitions(0-99999999) = %v: the syntax is fine, the topic decides", err)
	}
}

// BenchmarkParsePartitionsWide parses a thousand repeats of a range over a million
// partitions: repeats are merged, so the work is the count once, not per repeat.
func BenchmarkParsePartitionsWide(b *testing.B) {
	const count = 1 << 20
	spec := strings.Repeat(fmt.Sprintf("0-%d,5,7-9,", count-1), 1000) + "0"
	for b.Loop() {
		if _, err := ParsePartitions(spec, "wide", count); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTimesBefore1970AndMinusZeroAreRefused(t *testing.T) {
	for _, in := range []string{"1969-12-31T23:59:59.999Z", "1900-01-01", "-30000d", "-99999999999d", "-2562047h"} {
		if _, err := ParseStart(in, now); err == nil || !strings.Contains(err.Error(), "before 1970") {
			t.Errorf("ParseStart(%q) err = %v, want before 1970", in, err)
		}
		if _, err := ParseStop(in, now); err == nil || !strings.Contains(err.Error(), "before 1970") {
			t.Errorf("ParseStop(%q) err = %v, want before 1970", in, err)
		}
	}
	if st, err := ParseStart("1970-01-01T00:00:00Z", now); err != nil || !st.Time.Equal(epoch) {
		t.Errorf("ParseStart(epoch) = %+v, %v", st, err)
	}
	for _, in := range []string{"-0", "-00"} {
		if st, err := ParseStart(in, now); err == nil || !strings.Contains(err.Error(), "N of 1 or more") {
			t.Errorf("ParseStart(%q) = %+v, %v; want an error", in, st, err)
		}
		if st, err := ParseStop(in, now); err == nil {
			t.Errorf("ParseStop(%q) = %+v; want an error", in, st)
		}
	}
}

func TestValidateRefusesAWindowThatEndsBeforeItStarts(t *testing.T) {
	from, _ := ParseStart("-2h", now)
	to, _ := ParseStop("-3h", now)
	tests := []struct {
		name    string
		req     ReadRequest
		wantErr string
	}{
		{"times reversed", ReadRequest{From: from, To: to}, "ends at 2026-11-26T00:00:00Z, before it starts at 2026-11-26T01:00:00Z"},
		{"offsets reversed", ReadRequest{From: Start{Kind: StartOffset, Offset: 10}, To: Stop{Kind: StopOffset, Offset: 9}}, "offset 9"},
		{"bad spec", ReadRequest{PartitionSpec: "1-x"}, "not a partition"},
		{"times in order", ReadRequest{From: Start{Kind: StartTime, Time: to.Time}, To: Stop{Kind: StopTime, Time: from.Time}}, ""},
		{"one instant", ReadRequest{From: Start{Kind: StartTime, Time: now}, To: Stop{Kind: StopTime, Time: now}}, ""},
		{"same offset", ReadRequest{From: Start{Kind: StartOffset, Offset: 10}, To: Stop{Kind: StopOffset, Offset: 10}}, ""},
	}
	for _, tt := range tests {
		err := tt.req.Validate()
		var re *RequestError
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (!errors.As(err, &re) || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want a RequestError with %q", tt.name, err, tt.wantErr)
		}
	}
}

// FuzzParsePartitions: whatever is typed, the result is sorted, without repeats, inside the
// topic, and no longer than its partition count; syntax errors agree with CheckPartitions.
func FuzzParsePartitions(f *testing.F) {
	for _, s := range []string{"0", "1-3,0", "0-99999999", "2,1-1,2", "-1", "3-1", " 0 , 1 - 2 "} {
		f.Add(s, 4)
	}
	f.Fuzz(func(t *testing.T, s string, count int) {
		count = min(max(count, 0), 1<<16)
		got, err := ParsePartitions(s, "t", count)
		if (CheckPartitions(s) != nil) && err == nil {
			t.Fatalf("%q: CheckPartitions refuses what ParsePartitions accepts", s)
		}
		if err != nil {
			return
		}
		if len(got) > count {
			t.Fatalf("%q over %d partitions gave %d", s, count, len(got))
		}
		for i, p := range got {
			if p < 0 || int(p) >= count || i > 0 && got[i-1] >= p {
				t.Fatalf("%q over %d partitions gave %v", s, count, got)
			}
		}
	})
}
