package messages

import (
	"fmt"
	"strings"
	"time"

	"github.com/kpeek/kpeek/tui/common"
)

// timeline is a histogram of record counts over the loaded time span (or the
// filter's matches). It is computed in Update when records or matches change, never
// in View; the view only resamples the buckets to the pane's width.
type timeline struct {
	dirty    bool
	counts   []int
	from, to int64 // unix nanoseconds of the oldest and newest record counted
	total    int
}

const timelineBuckets = 480

var levels = []rune(" ▁▂▃▄▅▆▇█")

func (t timeline) markDirty() timeline {
	t.dirty = true
	return t
}

// refresh recounts the store's records, or the filter's matches when one is applied.
func (t timeline) refresh(s *store, f filterState) timeline {
	t = timeline{}
	each := func(fn func(ts int64)) {
		if f.active() {
			for _, seq := range f.matches {
				if seq >= s.First() {
					fn(s.Time(seq))
				}
			}
			return
		}
		skip := s.start
		for _, c := range s.chunks {
			for _, ts := range c.ts[skip:] {
				fn(ts)
			}
			skip = 0
		}
	}
	first := true
	each(func(ts int64) {
		if ts == noTime {
			return
		}
		if first || ts < t.from {
			t.from = ts
		}
		if first || ts > t.to {
			t.to = ts
		}
		first = false
		t.total++
	})
	if t.total == 0 {
		return t
	}
	t.counts = make([]int, timelineBuckets)
	span := float64(t.to - t.from + 1)
	each(func(ts int64) {
		if ts == noTime {
			return
		}
		b := int(float64(ts-t.from) / span * timelineBuckets)
		t.counts[min(max(b, 0), timelineBuckets-1)]++
	})
	return t
}

// columns resamples the buckets to w columns.
func (t timeline) columns(w int) []int {
	cols := make([]int, w)
	if len(t.counts) == 0 || w <= 0 {
		return cols
	}
	for i, n := range t.counts {
		cols[i*w/len(t.counts)] += n
	}
	return cols
}

// view renders h lines: bars on all but the last line, then the time axis.
func (t timeline) view(st common.MessagesStyles, w, h int) []string {
	if h <= 0 {
		return nil
	}
	if t.total == 0 {
		lines := make([]string, h)
		lines[0] = st.Muted.Render(common.Truncate("timeline: no records yet", w))
		return lines
	}
	barRows := max(1, h-1)
	cols := t.columns(w)
	peak := 0
	for _, n := range cols {
		peak = max(peak, n)
	}
	lines := make([]string, 0, h)
	steps := barRows * 8
	for row := barRows - 1; row >= 0; row-- {
		var b strings.Builder
		for _, n := range cols {
			v := 0
			if n > 0 {
				v = max(1, n*steps/peak) // anything at all shows
			}
			b.WriteRune(levels[min(8, max(0, v-row*8))])
		}
		lines = append(lines, st.Timeline.Render(b.String()))
	}
	if h >= 2 {
		lines = append(lines, st.Muted.Render(t.axis(w, peak)))
	}
	return lines
}

// axis is "from … peak N per column … to".
func (t timeline) axis(w, peak int) string {
	layout := spanLayout(t.from, t.to)
	left := time.Unix(0, t.from).UTC().Format(layout)
	right := time.Unix(0, t.to).UTC().Format(layout)
	per := time.Duration((t.to - t.from) / int64(max(1, w)))
	mid := fmt.Sprintf(" peak %s per %s ", thousands(int64(peak)), shortDuration(per))
	gap := w - len(left) - len(right) - len(mid)
	if gap < 2 {
		return common.Truncate(left+" – "+right, w)
	}
	return left + strings.Repeat("─", gap/2) + mid + strings.Repeat("─", gap-gap/2) + right
}
