package messages

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// marks is the set of marked records: a bitset over store seqs, so marking a million
// records costs 125 KB and a pass over words, not a map entry each.
type marks struct {
	base  int64 // seq of bit 0
	bits  []uint64
	count int

	anchor    int64 // where a v range started
	anchoring bool

	summary string // computed when the marks change; Status() is called every frame

	rev       int // counts changes to the marks
	exporting int // rev when the running export started
	exported  int // rev an export delivered; equal to rev: nothing unexported
}

func (ms *marks) has(seq int64) bool {
	i := seq - ms.base
	if i < 0 || i >= int64(len(ms.bits))*64 {
		return false
	}
	return ms.bits[i/64]&(1<<(i%64)) != 0
}

func (ms *marks) set(seq int64, on bool) {
	if len(ms.bits) == 0 {
		ms.base = seq &^ 63
	}
	if seq < ms.base {
		grow := int((ms.base - seq + 63) / 64)
		ms.bits = append(make([]uint64, grow), ms.bits...)
		ms.base -= int64(grow) * 64
	}
	i := seq - ms.base
	for i >= int64(len(ms.bits))*64 {
		ms.bits = append(ms.bits, 0)
	}
	w, b := i/64, uint64(1)<<(i%64)
	switch was := ms.bits[w]&b != 0; {
	case on && !was:
		ms.bits[w] |= b
		ms.count++
	case !on && was:
		ms.bits[w] &^= b
		ms.count--
	}
}

// each calls fn for every marked seq, ascending.
func (ms *marks) each(fn func(seq int64)) {
	for w, word := range ms.bits {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			fn(ms.base + int64(w)*64 + int64(b))
			word &^= 1 << b
		}
	}
}

// seqs lists the marked seqs, ascending.
func (ms *marks) seqs() []int64 {
	out := make([]int64, 0, ms.count)
	ms.each(func(seq int64) { out = append(out, seq) })
	return out
}

// trim forgets marks on records the cap dropped.
func (ms *marks) trim(first int64) {
	for seq := ms.base; seq < first && seq-ms.base < int64(len(ms.bits))*64; seq++ {
		ms.set(seq, false)
	}
	if w := (first - ms.base) / 64; w > 0 {
		w = min(w, int64(len(ms.bits)))
		ms.bits = ms.bits[w:]
		ms.base += w * 64
	}
}

// markKey handles space, v, mark-all and clear-marks on the table.
func (m Model) markKey(msg tea.KeyPressMsg) Model {
	k := m.keys
	n := m.rowCount()
	switch {
	case key.Matches(msg, k.ClearMarks):
		m.marks = marks{}
	case n == 0:
		return m
	case key.Matches(msg, k.Mark):
		seq := m.rowSeq(m.cursor)
		m.marks.set(seq, !m.marks.has(seq))
		if m.cursor < n-1 {
			m.cursor++
		}
	case key.Matches(msg, k.MarkRange):
		if !m.marks.anchoring {
			m.marks.anchor, m.marks.anchoring = m.rowSeq(m.cursor), true
			m.notice = "range started: move and press " + k.MarkRange.Help().Key + " again to mark it"
			return m
		}
		m.marks.anchoring = false
		a, b := m.rowOf(m.marks.anchor), m.cursor
		if a > b {
			a, b = b, a
		}
		for i := a; i <= b && i < n; i++ {
			m.marks.set(m.rowSeq(i), true)
		}
		m.notice = ""
	case key.Matches(msg, k.MarkAll):
		for i := range n {
			m.marks.set(m.rowSeq(i), true)
		}
	}
	m.marks.summary = m.marks.describe(m.store)
	m.marks.rev++
	return m
}

// rowOf is the row showing seq, or the first row when it is no longer shown.
func (m Model) rowOf(seq int64) int {
	return max(0, m.rowIndex(seq))
}

// describe sums up the marks: how many, which partitions, offsets and times.
func (ms *marks) describe(s *store) string {
	if ms.count == 0 {
		return ""
	}
	parts := map[int32]bool{}
	var minOff, maxOff int64 = -1, -1
	var minT, maxT int64
	n := 0
	first := true
	ms.each(func(seq int64) {
		if !s.live(seq) {
			return
		}
		n++
		parts[s.Partition(seq)] = true
		off := s.Offset(seq)
		if minOff < 0 || off < minOff {
			minOff = off
		}
		maxOff = max(maxOff, off)
		if t := s.Time(seq); t != noTime {
			if first || t < minT {
				minT = t
			}
			maxT = max(maxT, t)
			first = false
		}
	})
	if n == 0 {
		return ""
	}
	ps := make([]int, 0, len(parts))
	for p := range parts {
		ps = append(ps, int(p))
	}
	sort.Ints(ps)
	pnames := make([]string, len(ps))
	for i, p := range ps {
		pnames[i] = fmt.Sprint(p)
	}
	layout := spanLayout(minT, maxT)
	return fmt.Sprintf("%s marked · p%s · offsets %d–%d · %s–%s", thousands(int64(n)),
		strings.Join(pnames, ","), minOff, maxOff,
		time.Unix(0, minT).UTC().Format(layout), time.Unix(0, maxT).UTC().Format(layout))
}
