package hec_test

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"encoding/pem"

	"github.com/kpeek/kpeek/export/hec"
	"github.com/kpeek/kpeek/export/hectest"
)

var fastRetry = hec.Retry{Attempts: 4, Base: time.Millisecond, Cap: 5 * time.Millisecond}

func batchOf(events ...string) *hec.Batch {
	b := &hec.Batch{}
	for _, e := range events {
		b.Body = append(b.Body, e...)
		b.Body = append(b.Body, '\n')
		b.Ends = append(b.Ends, len(b.Body))
	}
	return b
}

func event(i int) string { return fmt.Sprintf(`{"time":1.5,"event":{"n":%d}}`, i) }

func newSender(t *testing.T, srv *hectest.Server, opts ...hec.Option) *hec.Sender {
	t.Helper()
	c, err := hec.New(srv.URL(), "test-token", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return &hec.Sender{Client: c, Retry: fastRetry}
}

type span struct {
	from, to int
	outcome  hec.Outcome
}

func spans(ps []hec.Piece) []span {
	var out []span
	for _, p := range ps {
		out = append(out, span{p.From, p.To, p.Outcome})
	}
	return out
}

func TestDeliver(t *testing.T) {
	five := []string{event(0), event(1), event(2), event(3), event(4)}
	tests := []struct {
		name      string
		opts      []hectest.Option
		faults    []hectest.Fault
		events    []string
		want      []span
		committed int
	}{
		{"plain", nil, nil, five, []span{{0, 5, hec.Accepted}}, 5},
		{"503 then ok", nil, []hectest.Fault{hectest.Fault503}, five, []span{{0, 5, hec.Accepted}}, 5},
		{"500 and 429 then ok", nil, []hectest.Fault{hectest.Fault500, hectest.Fault429}, five, []span{{0, 5, hec.Accepted}}, 5},
		{"dropped connection then ok", nil, []hectest.Fault{hectest.FaultDrop}, five, []span{{0, 5, hec.Accepted}}, 5},
		{"retries exhausted", nil, []hectest.Fault{hectest.Fault503, hectest.Fault503, hectest.Fault503, hectest.Fault503}, five, []span{{0, 5, hec.Unsent}}, 0},
		{"413 splits", nil, []hectest.Fault{hectest.Fault413}, five, []span{{0, 2, hec.Accepted}, {2, 5, hec.Accepted}}, 5},
		{"413 splits until it fits", []hectest.Option{hectest.WithMaxBody(70)}, nil, five, // two events fit
			[]span{{0, 2, hec.Accepted}, {2, 3, hec.Accepted}, {3, 5, hec.Accepted}}, 5},
		{"event too large", []hectest.Option{hectest.WithMaxBody(10)}, nil, five[:1], []span{{0, 1, hec.Rejected}}, 0},
		{"invalid event: tail resent", nil, nil, []string{event(0), event(1), `{"time":1,"event":`, event(3), event(4)},
			[]span{{0, 2, hec.Accepted}, {2, 3, hec.Rejected}, {3, 5, hec.Accepted}}, 4},
		{"missing event field", nil, nil, []string{event(0), `{"time":1}`, event(2)},
			[]span{{0, 1, hec.Accepted}, {1, 2, hec.Rejected}, {2, 3, hec.Accepted}}, 2},
		{"first event blank", nil, nil, []string{`{"event":""}`, event(1)},
			[]span{{0, 1, hec.Rejected}, {1, 2, hec.Accepted}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := hectest.New(tt.opts...)
			defer srv.Close()
			srv.Inject(tt.faults...)
			got := spans(newSender(t, srv).Deliver(t.Context(), batchOf(tt.events...)))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("pieces = %v, want %v", got, tt.want)
			}
			if srv.Count() != tt.committed {
				t.Errorf("server committed %d events, want %d", srv.Count(), tt.committed)
			}
		})
	}
}

func TestFatalErrors(t *testing.T) {
	tests := []struct {
		name  string
		srv   []hectest.Option
		token string
		event string
		code  int
		hint  string
	}{
		{"wrong token", nil, "nope", event(0), hec.CodeInvalidToken, "token was refused"},
		{"forbidden index", []hectest.Option{hectest.WithIndexes("main")}, "test-token", `{"index":"secret","event":1}`, hec.CodeIncorrectIndex, "may not write to this index"},
		{"ack needs a channel", []hectest.Option{hectest.WithAck(0)}, "test-token", event(0), hec.CodeChannelMissing, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := hectest.New(tt.srv...)
			defer srv.Close()
			c, err := hec.New(srv.URL(), tt.token)
			if err != nil {
				t.Fatal(err)
			}
			s := &hec.Sender{Client: c, Retry: fastRetry}
			ps := s.Deliver(t.Context(), batchOf(tt.event))
			if len(ps) != 1 || ps[0].Outcome != hec.Unsent {
				t.Fatalf("pieces = %+v", ps)
			}
			he, ok := hec.AsError(ps[0].Err)
			if !ok || !he.Fatal() || he.Code != tt.code || he.Temporary() {
				t.Fatalf("err = %v, want fatal code %d", ps[0].Err, tt.code)
			}
			if !strings.Contains(he.Error(), tt.hint) || strings.Contains(he.Error(), "test-token") {
				t.Errorf("message %q: want hint %q and no token", he.Error(), tt.hint)
			}
			if srv.Requests() > 1 {
				t.Errorf("%d requests: a fatal error must not be retried", srv.Requests())
			}
		})
	}
}

func TestAckProtocol(t *testing.T) {
	srv := hectest.New(hectest.WithAck(0))
	defer srv.Close()
	ch := hec.NewChannel()
	s := newSender(t, srv, hec.WithChannel(ch))
	var ids []int64
	for range 3 {
		ps := s.Deliver(t.Context(), batchOf(event(1)))
		if len(ps) != 1 || ps[0].AckID == nil {
			t.Fatalf("pieces = %+v, want an ack id", ps)
		}
		ids = append(ids, *ps[0].AckID)
	}
	if fmt.Sprint(ids) != "[0 1 2]" {
		t.Errorf("ack ids = %v, want per-channel ids from 0", ids)
	}
	st, err := s.Client.Ack(t.Context(), append(ids, 99))
	if err != nil {
		t.Fatal(err)
	}
	if !st[0] || !st[2] || st[99] {
		t.Errorf("ack status = %v", st)
	}
	other := newSender(t, srv, hec.WithChannel(hec.NewChannel()))
	if ps := other.Deliver(t.Context(), batchOf(event(1))); *ps[0].AckID != 0 {
		t.Errorf("a new channel starts at ack id %d, want 0", *ps[0].AckID)
	}
}

func TestHealth(t *testing.T) {
	srv := hectest.New()
	defer srv.Close()
	c, _ := hec.New(srv.URL(), "test-token")
	if err := c.Health(t.Context()); err != nil {
		t.Fatalf("healthy server: %v", err)
	}
	srv.SetUnhealthy(true)
	err := c.Health(t.Context())
	var he *hec.Error
	if !errors.As(err, &he) || he.Status != http.StatusServiceUnavailable || he.Code != hec.CodeQueuesFull {
		t.Errorf("unhealthy server: %v", err)
	}
}

func TestTLSWithCAFile(t *testing.T) {
	srv := hectest.NewTLS()
	defer srv.Close()
	if c, _ := hec.New(srv.URL(), "test-token"); c.Health(t.Context()) == nil {
		t.Error("an unknown CA was trusted")
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := hec.New(srv.URL(), "test-token", hec.WithCAFile(ca))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Health(t.Context()); err != nil {
		t.Errorf("with the CA file: %v", err)
	}
}

func TestNewURL(t *testing.T) {
	for _, u := range []string{"https://splunk:8088", "https://splunk:8088/services/collector/event", "https://splunk:8088/services/collector"} {
		c, err := hec.New(u, "t")
		if err != nil || c.EventURL() != "https://splunk:8088/services/collector/event" {
			t.Errorf("New(%q) = %v, %v", u, c.EventURL(), err)
		}
	}
	for _, u := range []string{"splunk:8088", "ftp://x/services/collector/event", "://"} {
		if _, err := hec.New(u, "t"); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
}

func TestRetryWaitIsCappedWithJitter(t *testing.T) {
	r := hec.Retry{Base: 100 * time.Millisecond, Cap: time.Second}
	for n, max := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		max *= time.Millisecond
		if n >= 4 {
			max = time.Second
		}
		for range 20 {
			if w := r.Wait(n); w < max/2 || w > max {
				t.Fatalf("Wait(%d) = %v, want within [%v, %v]", n, w, max/2, max)
			}
		}
	}
}

func TestStatusesCoverTheDocumentedCodes(t *testing.T) {
	st := hec.Statuses()
	for code := 0; code <= 22; code++ {
		if s, ok := st[code]; !ok || s.Text == "" || s.HTTP == 0 {
			t.Errorf("code %d missing", code)
		}
	}
	for code, want := range map[int]int{0: 200, 1: 403, 2: 401, 3: 401, 4: 403, 5: 400, 6: 400, 7: 400, 8: 500, 9: 503, 17: 200, 18: 503} {
		if st[code].HTTP != want {
			t.Errorf("code %d: HTTP %d, want %d", code, st[code].HTTP, want)
		}
	}
}
