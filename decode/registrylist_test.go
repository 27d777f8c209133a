package decode

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Subjects lists every subject with its versions, latest id and type, in name order, and
// asks about several subjects at once (a registry of hundreds of subjects across a WAN
// would otherwise take two round trips per subject, one after another). A subject that
// cannot be described carries its error; the others are still listed.
func TestSubjectsAllAtOnce(t *testing.T) {
	tr := newTestRegistry(t)
	const n = 30
	for i := range n {
		tr.register(t, fmt.Sprintf("topic-%02d-value", i), "AVRO", fmt.Sprintf(`{"type":"record","name":"R%d","fields":[]}`, i))
	}
	tr.register(t, "topic-05-value", "AVRO", `{"type":"record","name":"R5","fields":[{"name":"a","type":"string","default":""}]}`)
	// The first request about a subject waits for a second one to be in flight: it comes
	// at once when lookups run together, never when they run one by one (then the wait
	// ends at its guard and the test fails on overlapped).
	var inflight atomic.Int32
	var overlapped atomic.Bool
	var once sync.Once
	second := make(chan struct{})
	inner := tr.http.Config.Handler
	tr.http.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/subjects/topic-17-value/versions" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		if inflight.Add(1) >= 2 {
			overlapped.Store(true)
			once.Do(func() { close(second) })
		}
		defer inflight.Add(-1)
		if r.URL.Path != "/subjects" {
			select {
			case <-second:
			case <-time.After(3 * time.Second): // failure guard only: nobody waits after it
				once.Do(func() { close(second) })
			}
		}
		inner.ServeHTTP(w, r)
	})
	subs, err := tr.client(t).Subjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !overlapped.Load() {
		t.Error("the subjects were looked up one after another")
	}
	if len(subs) != n {
		t.Fatalf("%d subjects, want %d", len(subs), n)
	}
	for i, s := range subs {
		name := fmt.Sprintf("topic-%02d-value", i)
		switch {
		case s.Name != name:
			t.Errorf("subject %d is %q, want %q", i, s.Name, name)
		case i == 17:
			if s.Err == nil {
				t.Errorf("%s: no error for a failed lookup", name)
			}
		case s.Err != nil || s.Type != "AVRO" || s.LatestID == 0:
			t.Errorf("%s: %+v", name, s)
		case i == 5 && len(s.Versions) != 2:
			t.Errorf("%s: versions %v, want 2", name, s.Versions)
		}
	}
}
