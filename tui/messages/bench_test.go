package messages

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
	"github.com/kpeek/kpeek/kafka"
)

const million = 1_000_000

// sample is 1,000 distinct records of about 200 bytes each, as a reader would hand
// them over: every key, value and header in its own allocation.
func sample() []kafka.Record {
	recs := make([]kafka.Record, 1000)
	for i := range recs {
		user := fmt.Sprintf("u%04d", i%97)
		result := "success"
		if i%50 == 0 {
			result, user = "failure", "slyon"
		}
		recs[i] = kafka.Record{
			Topic: "auth.logins", Partition: int32(i % 3), Offset: int64(i),
			Timestamp: base.Add(time.Duration(i) * time.Second), TimestampType: kafka.TimestampCreate,
			Key: []byte("k-" + user),
			Value: fmt.Appendf(nil, `{"user":%q,"ip":"203.0.113.%d","result":%q,"amount":%d,"agent":"Mozilla/5.0 (X11; Linux x86_64)","session":"%032x"}`,
				user, i%250, result, i*37, i),
			Headers: []kafka.Header{{Key: "source", Value: []byte("idp")}},
		}
	}
	return recs
}

// fill appends n records (the sample, over and over, with advancing offsets and times).
func fill(s *store, n int) {
	src := sample()
	batch := make([]kafka.Record, len(src))
	for done := 0; done < n; done += len(batch) {
		copy(batch, src)
		for i := range batch {
			batch[i].Offset = int64(done + i)
			batch[i].Timestamp = base.Add(time.Duration(done+i) * 50 * time.Millisecond)
		}
		s.Append(batch[:min(len(batch), n-done)])
	}
}

func heapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / (1 << 20)
}

// BenchmarkAppend1M appends a million ~200-byte records and reports the heap they hold.
func BenchmarkAppend1M(b *testing.B) {
	before := heapMB()
	var s *store
	for b.Loop() {
		s = newStore(DefaultCap)
		fill(s, million)
	}
	b.ReportMetric(heapMB()-before, "heapMB")
	b.ReportMetric(float64(million)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	runtime.KeepAlive(s)
}

// bigModel is a 120×40 pane holding n records, with the visible rows decoded.
func bigModel(b *testing.B, n int) Model {
	m := newTest(b, 120, 40, nil)
	m.prompt.open = false
	m.rd.id = 1
	fill(m.store, n)
	m.tl = m.tl.refresh(m.store, m.filter)
	return run(b, m, nil)
}

// BenchmarkView1M renders a frame of a pane holding a million records.
func BenchmarkView1M(b *testing.B) {
	m := bigModel(b, million)
	m = keys(b, m, "G")
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkScrollFrame1M is one key press (a page down, so every row is new) with its
// decoding and the frame after it, at a million records.
func BenchmarkScrollFrame1M(b *testing.B) {
	m := bigModel(b, million)
	pg := press("pgdown")
	for b.Loop() {
		m = run(b, m, pg)
		_ = m.View()
		if m.cursor >= m.rowCount()-1 {
			m = keys(b, m, "home")
		}
	}
}

// BenchmarkTimelineRefresh1M recounts the histogram over a million records.
func BenchmarkTimelineRefresh1M(b *testing.B) {
	m := bigModel(b, million)
	for b.Loop() {
		m.tl = m.tl.refresh(m.store, m.filter)
	}
}

func benchFilter(b *testing.B, expr string, want int, warm bool) {
	s := newStore(DefaultCap)
	fill(s, million)
	f, err := filter.Compile(expr)
	if err != nil {
		b.Fatal(err)
	}
	dec := decode.New()
	if warm { // as the background pass leaves the store once records have arrived
		all, _ := filter.Compile("")
		_, classes := matchRange(context.Background(), all, dec, s.Snapshot(), s.First(), s.End())
		s.SetClasses(s.First(), classes)
	}
	snap := s.Snapshot()
	var got []int64
	cpu := cpuTime()
	for b.Loop() {
		got, _ = matchRange(context.Background(), f, dec, snap, snap.first, snap.End())
	}
	cpu = cpuTime() - cpu
	if len(got) != want {
		b.Fatalf("%s matched %d, want %d", expr, len(got), want)
	}
	b.ReportMetric(float64(million)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	// On a shared machine wall time depends on the neighbours; CPU time per record
	// says what one core does.
	b.ReportMetric(float64(million)*float64(b.N)/cpu.Seconds(), "records/cpu-s")
}

// cpuTime is the CPU time this process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const celExpr = `value.result == "failure" && value.amount >= 0`

// BenchmarkFilterText1M runs a plain-text filter over a million records as they
// arrived (every record decoded).
func BenchmarkFilterText1M(b *testing.B) { benchFilter(b, "slyon", million/50, false) }

// BenchmarkFilterCEL1M runs a CEL filter over a million records as they arrived.
func BenchmarkFilterCEL1M(b *testing.B) { benchFilter(b, celExpr, million/50, false) }

// BenchmarkFilterTextWarm1M is the text filter once records are classified.
func BenchmarkFilterTextWarm1M(b *testing.B) { benchFilter(b, "slyon", million/50, true) }

// BenchmarkFilterCELWarm1M is the CEL filter once records are classified.
func BenchmarkFilterCELWarm1M(b *testing.B) { benchFilter(b, celExpr, million/50, true) }

// BenchmarkAppend1MRSS appends a million records the way a read delivers them (fresh
// batches of 500, each record in its own allocations) and reports the process's peak
// resident memory. Run it alone: -bench Append1MRSS -benchtime 1x.
func BenchmarkAppend1MRSS(b *testing.B) {
	src := sample()
	var s *store
	for b.Loop() {
		s = newStore(DefaultCap)
		for done := 0; done < million; done += 500 {
			batch := make([]kafka.Record, 500)
			for i := range batch {
				r := src[(done+i)%len(src)]
				r.Offset, r.Timestamp = int64(done+i), base.Add(time.Duration(done+i)*time.Millisecond)
				r.Key, r.Value = append([]byte(nil), r.Key...), append([]byte(nil), r.Value...)
				r.Headers = []kafka.Header{{Key: "source", Value: []byte("idp")}}
				batch[i] = r
			}
			s.Append(batch)
		}
	}
	b.ReportMetric(peakRSSMB(), "peakRSS-MB")
	// A first CEL filter decodes every record: garbage the GC lets grow with the heap.
	f, err := filter.Compile(celExpr)
	if err != nil {
		b.Fatal(err)
	}
	matchRange(context.Background(), f, decode.New(), s.Snapshot(), s.First(), s.End())
	b.ReportMetric(peakRSSMB(), "peakRSS-after-filter-MB")
	b.ReportMetric(heapMB(), "heapMB")
	runtime.KeepAlive(s)
}

// peakRSSMB is the process's peak resident set (VmHWM), in MiB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkFilterKeystroke1M is the UI-side cost of typing into the filter at a
// million records: the key, the debounced apply (which only starts the background
// job) and the frame after it.
func BenchmarkFilterKeystroke1M(b *testing.B) {
	m := bigModel(b, million)
	m = keys(b, m, "/")
	m.filter.running = true // keep the matching job itself out of the measurement
	i := 0
	for b.Loop() {
		k := press(string(rune('a' + i%26)))
		if i%8 == 7 {
			k = press("backspace")
		}
		i++
		m, _ = m.Update(k)
		m, _ = m.Update(filterDebounceMsg{n: m.filter.debounce})
		m.filter.running = true
		_ = m.View()
	}
}

// readerBatches is a million records as a read delivers them: fresh batches of 500,
// each record in its own allocations.
func readerBatches(n int) [][]kafka.Record {
	src := sample()
	var out [][]kafka.Record
	for done := 0; done < n; done += 500 {
		batch := make([]kafka.Record, min(500, n-done))
		for i := range batch {
			r := src[(done+i)%len(src)]
			r.Offset, r.Timestamp = int64(done+i), base.Add(time.Duration(done+i)*time.Millisecond)
			r.Key, r.Value = append([]byte(nil), r.Key...), append([]byte(nil), r.Value...)
			r.Headers = []kafka.Header{{Key: "source", Value: []byte("idp")}}
			batch[i] = r
		}
		out = append(out, batch)
	}
	return out
}

// BenchmarkLoad1M is the pane's side of loading a million records: every batch
// through Update, every Cmd it returns run (the background classification included)
// and a frame rendered after each message, as the Bubble Tea loop does. The read
// itself is not in it; compare records/cpu-s with the headless read's.
func BenchmarkLoad1M(b *testing.B) {
	batches := readerBatches(million)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		f := newFake(false) // empty while the prompt is answered
		f.ranges[0].End = million
		m := newTest(b, 120, 40, f)
		m = keys(b, m, "enter")
		f.ch = make(chan kafka.Batch, len(batches))
		for _, batch := range batches {
			f.ch <- kafka.Batch{Records: batch}
		}
		close(f.ch)
		b.StartTimer()
		start := cpuTime()
		m = drain(b, m, exec(waitBatch(m.rd.id, f.ch, gatherFor)), waitBatch)
		cpu += cpuTime() - start
		if m.store.Len() != million || m.rd.live {
			b.Fatalf("loaded %d records, live %v", m.store.Len(), m.rd.live)
		}
	}
	b.ReportMetric(float64(million)*float64(b.N)/cpu.Seconds(), "records/cpu-s")
}

// drain is run without its step limit and with the given wait, rendering a frame
// after every message.
func drain(b *testing.B, m Model, msg tea.Msg, wait func(int, <-chan kafka.Batch, time.Duration) tea.Cmd) Model {
	m.wait = wait
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		msg, queue = queue[0], queue[1:]
		if msg == nil {
			continue
		}
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				queue = append(queue, exec(c))
			}
			continue
		}
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		_ = m.View()
		queue = append(queue, exec(cmd))
	}
	return m
}
