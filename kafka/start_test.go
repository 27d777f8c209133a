package kafka

import (
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
	for _, s := range []string{"beginning", "-10", "-1h", "2026-11-26T02:14:07Z", "-1d12h", "42"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseStart(s, now)
		if err == nil && st.Kind == StartLast && st.N <= 0 {
			t.Errorf("ParseStart(%q) = last %d", s, st.N)
		}
		_, _ = ParseStop(s, now)
	})
}

func TestParsePartitions(t *testing.T) {
	tests := []struct {
		in      string
		want    []int32
		wantErr bool
	}{
		{"", nil, false},
		{"2", []int32{2}, false},
		{"2, 0,2", []int32{0, 2}, false},
		{"1-3,0", []int32{0, 1, 2, 3}, false},
		{"x", nil, true},
		{"-1", nil, true},
		{"3-1", nil, true},
	}
	for _, tc := range tests {
		got, err := ParsePartitions(tc.in)
		if (err != nil) != tc.wantErr || !slices.Equal(got, tc.want) {
			t.Errorf("ParsePartitions(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
