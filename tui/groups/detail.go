package groups

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// detail is one group's page: the topics it reads, per-partition offsets, members.
type detail struct {
	open   bool
	id     string
	offset int // first line shown
	// cursor is the selected commit span, counted among the lines that open records; -1 when
	// none is selected.
	cursor int
}

// line is one screen line of the detail; span is set on lines that open the records a
// commit span covers.
type line struct {
	style lipgloss.Style
	text  string
	span  *OpenRecordsMsg
}

// spanLines are the indexes of the lines that open records, top to bottom.
func spanLines(lines []line) []int {
	var out []int
	for i, l := range lines {
		if l.span != nil {
			out = append(out, i)
		}
	}
	return out
}

// update moves the detail: up and down step from one commit span to the next (scrolling
// to keep it on screen) and scroll by a line where there is no span further that way;
// page keys scroll and drop the selection. body is the number of lines on screen.
func (d detail) update(k tea.KeyPressMsg, keys *common.KeyMap, lines []line, body int) detail {
	spans := spanLines(lines)
	switch {
	case key.Matches(k, keys.Up):
		if d.cursor > 0 && d.cursor < len(spans) {
			d.cursor--
			d.offset = min(d.offset, spans[d.cursor])
		} else {
			d.cursor = -1
			d.offset--
		}
	case key.Matches(k, keys.Down):
		if d.cursor+1 < len(spans) {
			d.cursor++
			if at := spans[d.cursor]; at >= d.offset+body {
				d.offset = at - body + 1
			} else if at < d.offset {
				d.offset = at
			}
		} else {
			d.offset++
		}
	case key.Matches(k, keys.PageUp):
		d.offset -= max(body-1, 1)
		d.cursor = -1
	case key.Matches(k, keys.PageDown):
		d.offset += max(body-1, 1)
		d.cursor = -1
	case key.Matches(k, keys.Home):
		d.offset, d.cursor = 0, -1
	case key.Matches(k, keys.End):
		d.offset, d.cursor = len(lines), -1
	}
	d.offset = min(max(d.offset, 0), max(len(lines)-body, 0))
	return d
}

// selected is the commit span under the cursor when it is on screen.
func (d detail) selected(lines []line, body int) (OpenRecordsMsg, bool) {
	spans := spanLines(lines)
	if d.cursor < 0 || d.cursor >= len(spans) {
		return OpenRecordsMsg{}, false
	}
	at := spans[d.cursor]
	if at < d.offset || at >= d.offset+body {
		return OpenRecordsMsg{}, false
	}
	return *lines[at].span, true
}

func (m Model) detailView(title lipgloss.Style) string {
	s := m.c.Styles
	g, ok := m.group(m.detail.id)
	head := title.Render("Group " + decode.Sanitize(m.detail.id))
	if !ok {
		return head + "\n\n" + s.Dim.Render("This group is gone from the cluster.")
	}
	summary := fmt.Sprintf("  %s · %d members · lag %s", decode.Sanitize(g.State), len(g.Members), lag(g))
	head += s.Dim.Render(summary)
	lines := m.detailLines()
	body := max(m.height-1, 0)
	start := min(m.detail.offset, max(len(lines)-body, 0))
	end := min(start+body, len(lines))
	var cur = -1
	if spans := spanLines(lines); m.detail.cursor >= 0 && m.detail.cursor < len(spans) {
		cur = spans[m.detail.cursor]
	}
	shown := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		st := lines[i].style
		if i == cur {
			st = s.TableSelected
		}
		shown = append(shown, st.Render(common.Truncate(lines[i].text, m.width)))
	}
	return head + "\n" + strings.Join(shown, "\n")
}

// detailLines lays out the open group's body, one entry per screen line; lines with a span
// open the records it covers.
func (m Model) detailLines() []line {
	g, ok := m.group(m.detail.id)
	if !ok {
		return nil
	}
	s := m.c.Styles
	w := m.width
	var out []line
	add := func(style lipgloss.Style, text string) { out = append(out, line{style: style, text: text}) }
	addSpan := func(style lipgloss.Style, text string, span OpenRecordsMsg) {
		out = append(out, line{style: style, text: text, span: &span})
	}

	if g.Err != nil {
		add(s.Error, "error: "+decode.Sanitize(g.Err.Error()))
	}
	topics := g.Topics()
	add(s.Section, fmt.Sprintf("Reads %d topics", len(topics)))
	if len(topics) == 0 {
		add(s.Dim, "  (none committed or assigned)")
	}
	for _, t := range topics {
		add(s.Value, "  "+decode.Sanitize(t))
	}

	out = append(out, line{})
	add(s.Section, "Offsets")
	if len(g.Offsets) == 0 {
		add(s.Dim, "  no committed offsets")
	} else {
		nameW := max(min(w-38, 40), 10)
		add(s.TableHeader, fmt.Sprintf("  %s %4s %10s %10s %8s", common.PadRight("TOPIC", nameW),
			"PART", "COMMITTED", "END", "LAG"))
		for _, o := range g.Offsets {
			committed := strconv.FormatInt(o.Committed, 10)
			if o.Committed < 0 {
				committed = "-"
			}
			add(s.Value, fmt.Sprintf("  %s %4d %10s %10d %8d",
				common.PadRight(decode.Sanitize(o.Topic), nameW), o.Partition, committed, o.End, o.Lag))
		}
	}

	out = append(out, line{})
	add(s.Section, "Members")
	if len(g.Members) == 0 {
		add(s.Dim, "  no active members")
	}
	for _, mem := range g.Members {
		add(s.Value, fmt.Sprintf("  %s  %s", decode.Sanitize(mem.ClientID), decode.Sanitize(mem.ClientHost)))
		if a := assigned(mem.Assigned); a != "" {
			add(s.Dim, "    assigned "+a)
		}
		add(s.Dim, "    member "+decode.Sanitize(mem.ID))
	}
	out = append(out, line{})
	m.historyLines(add, addSpan)
	return out
}

// assigned renders partitions per topic: "orders[0,1,2] shipments[0]".
func assigned(tps []kafka.TopicPartition) string {
	parts := map[string][]int32{}
	var order []string
	for _, tp := range tps {
		if _, ok := parts[tp.Topic]; !ok {
			order = append(order, tp.Topic)
		}
		parts[tp.Topic] = append(parts[tp.Topic], tp.Partition)
	}
	slices.Sort(order)
	out := make([]string, 0, len(order))
	for _, t := range order {
		ps := parts[t]
		slices.Sort(ps)
		nums := make([]string, len(ps))
		for i, p := range ps {
			nums[i] = strconv.Itoa(int(p))
		}
		out = append(out, decode.Sanitize(t)+"["+strings.Join(nums, ",")+"]")
	}
	return strings.Join(out, " ")
}
