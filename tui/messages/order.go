package messages

import (
	"bytes"
	"cmp"
	"slices"
)

// sortBy is the order the table shows rows in.
type sortBy int

// The orders the sort key cycles through. Time is the default: an incident is read
// by time, not in the order partitions happened to be fetched.
const (
	byTime      sortBy = iota // timestamp, then partition, then offset
	byPartition               // partition, then offset: the order Kafka stores
	byOffset                  // offset, then partition
	bySize                    // largest first
	byKey                     // key bytes, then time
	sortModes
)

var sortNames = [sortModes]string{"time", "partition", "offset", "size ↓", "key"}

// viewOrder keeps the rows in the chosen order. The store holds records in arrival
// order (seqs); all is every live seq sorted, rows the filter's matches sorted. Both
// are kept up to date by merging what is new, so a live read costs a sort of the
// batch and one pass, not a sort of everything.
type viewOrder struct {
	by         sortBy
	all        []int64
	first, end int64 // the store range all covers
	rows       []int64
	rowsID     int // filter generation rows was built for
	rowsN      int // how many of the filter's matches rows holds
	rowsFirst  int64
}

// less orders two live seqs of s.
func (by sortBy) less(s *store) func(a, b int64) int {
	tie := func(a, b int64) int {
		return cmp.Or(cmp.Compare(s.Time(a), s.Time(b)), cmp.Compare(s.Partition(a), s.Partition(b)),
			cmp.Compare(s.Offset(a), s.Offset(b)), cmp.Compare(a, b))
	}
	switch by {
	case byPartition:
		return func(a, b int64) int {
			return cmp.Or(cmp.Compare(s.Partition(a), s.Partition(b)), cmp.Compare(s.Offset(a), s.Offset(b)), cmp.Compare(a, b))
		}
	case byOffset:
		return func(a, b int64) int {
			return cmp.Or(cmp.Compare(s.Offset(a), s.Offset(b)), cmp.Compare(s.Partition(a), s.Partition(b)), cmp.Compare(a, b))
		}
	case bySize:
		return func(a, b int64) int { return cmp.Or(cmp.Compare(s.Size(b), s.Size(a)), tie(a, b)) }
	case byKey:
		return func(a, b int64) int { return cmp.Or(bytes.Compare(s.Key(a), s.Key(b)), tie(a, b)) }
	}
	return tie
}

// merge merges the sorted add into the sorted dst.
func merge(dst, add []int64, less func(a, b int64) int) []int64 {
	if len(add) == 0 {
		return dst
	}
	if len(dst) == 0 || less(dst[len(dst)-1], add[0]) <= 0 {
		return append(dst, add...) // the common case: newer records sort last
	}
	out := make([]int64, 0, len(dst)+len(add))
	i, j := 0, 0
	for i < len(dst) && j < len(add) {
		if less(dst[i], add[j]) <= 0 {
			out = append(out, dst[i])
			i++
		} else {
			out = append(out, add[j])
			j++
		}
	}
	out = append(out, dst[i:]...)
	return append(out, add[j:]...)
}

// sorted returns seqs sorted, in a new slice.
func sorted(seqs []int64, less func(a, b int64) int) []int64 {
	out := slices.Clone(seqs)
	slices.SortFunc(out, less)
	return out
}

// syncOrder brings the order up to date with the store and the filter, keeping the
// cursor on the record it was on.
func (m Model) syncOrder() Model {
	o := &m.ord
	s := m.store
	var cur int64 = -1
	if n := m.rowCount(); n > 0 && !m.tail && m.cursor >= 0 && m.cursor < n {
		cur = m.rowSeq(m.cursor)
	}
	less := o.by.less(s)
	changed := false
	if s.First() != o.first || s.End() < o.end {
		// Records were dropped (the cap) or the store was reset.
		keep := o.all[:0:0]
		for _, seq := range o.all {
			if s.live(seq) && seq < o.end {
				keep = append(keep, seq)
			}
		}
		o.all, o.first, changed = keep, s.First(), true
		o.end = min(o.end, s.End())
		if o.end < o.first {
			o.end = o.first
		}
	}
	if o.end < s.End() {
		add := make([]int64, 0, s.End()-o.end)
		for seq := o.end; seq < s.End(); seq++ {
			add = append(add, seq)
		}
		slices.SortFunc(add, less)
		o.all, o.end, changed = merge(o.all, add, less), s.End(), true
	}
	if m.filter.active() {
		f := &m.filter
		switch {
		case o.rowsID != f.id || len(f.matches) < o.rowsN || o.rowsFirst != s.First():
			o.rows, changed = sorted(f.matches, less), true
		case len(f.matches) > o.rowsN:
			o.rows, changed = merge(o.rows, sorted(f.matches[o.rowsN:], less), less), true
		}
		o.rowsID, o.rowsN, o.rowsFirst = f.id, len(f.matches), s.First()
	} else if o.rows != nil {
		o.rows, o.rowsID, o.rowsN, changed = nil, 0, 0, true
	}
	if changed && cur >= 0 {
		if i := m.rowIndex(cur); i >= 0 {
			m.cursor = i
		}
	}
	return m
}

// setOrder switches the order and re-sorts what is loaded.
func (m Model) setOrder(by sortBy) Model {
	var cur int64 = -1
	if n := m.rowCount(); n > 0 {
		cur = m.rowSeq(min(max(m.cursor, 0), n-1))
	}
	m.ord = viewOrder{by: by}
	m = m.syncOrder()
	if cur >= 0 {
		m.cursor = max(0, m.rowIndex(cur))
	}
	return m
}

// rowIndex is the row showing seq, or -1.
func (m Model) rowIndex(seq int64) int {
	rows := m.ord.all
	if m.filter.active() {
		rows = m.ord.rows
	}
	return slices.Index(rows, seq)
}
