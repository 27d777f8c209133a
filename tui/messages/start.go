package messages

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// startPrompt asks which records to read: the case window, partitions and follow.
type startPrompt struct {
	open   bool
	topic  kafka.TopicInfo
	inputs [2]textinput.Model // window, partitions
	follow bool
	focus  int // 0..1 the inputs, 2 the follow switch
	errs   [promptFields]string
	now    func() time.Time
}

const (
	fieldWindow = iota
	fieldPartitions
	fieldFollow
	promptFields
)

var promptLabels = [promptFields]string{"window", "partitions", "follow"}

var promptHints = [promptFields]string{
	"-1h..now · 02:00..03:00 (today) · -3h..-1h · RFC3339..RFC3339 · -100 (last 100 per partition) · beginning..end · OFFSET..OFFSET",
	"empty for all, or e.g. 0,2",
	"keep reading new records live (the window's end is ignored)",
}

// newStartPrompt opens the prompt on window (DefaultWindow when empty).
func newStartPrompt(topic kafka.TopicInfo, win string) startPrompt {
	p := startPrompt{open: true, topic: topic, now: time.Now}
	if win == "" {
		win = DefaultWindow
	}
	defaults := []string{win, ""}
	for i := range p.inputs {
		in := newInput(64)
		in.SetWidth(48) // an RFC3339 pair (42 characters) in full, inside the 80-column dialog
		in.SetValue(defaults[i])
		p.inputs[i] = in
	}
	p.inputs[fieldWindow].Focus()
	p.inputs[fieldWindow].CursorEnd()
	return p
}

func (m Model) openPrompt() (Model, tea.Cmd) {
	m.prompt.open = true
	m.prompt.errs = [promptFields]string{}
	return m, m.prompt.setFocus(m.prompt.focus)
}

// setFocus moves the keyboard to field i.
func (p *startPrompt) setFocus(i int) tea.Cmd {
	p.focus = (i + promptFields) % promptFields
	var cmd tea.Cmd
	for j := range p.inputs {
		if j == p.focus {
			cmd = p.inputs[j].Focus()
		} else {
			p.inputs[j].Blur()
		}
	}
	return cmd
}

func (p startPrompt) update(msg tea.Msg) (startPrompt, tea.Cmd) {
	if p.focus >= len(p.inputs) {
		return p, nil
	}
	var cmd tea.Cmd
	p.inputs[p.focus], cmd = p.inputs[p.focus].Update(msg)
	return p, cmd
}

func (m Model) promptKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	p := &m.prompt
	switch {
	case key.Matches(msg, k.Back):
		p.open = false
		return m, nil
	case key.Matches(msg, k.Submit):
		req, sel, win, ok := p.request(m.zone())
		if !ok {
			return m, nil
		}
		p.open = false
		m.win = win
		m, cmd := m.startRead(req, sel)
		return m, tea.Batch(cmd, windowChosen(win.resolved), m.auditRead(req, win))
	case key.Matches(msg, k.NextField):
		return m, p.setFocus(p.focus + 1)
	case key.Matches(msg, k.PrevField):
		return m, p.setFocus(p.focus - 1)
	case p.focus == fieldFollow && key.Matches(msg, k.Toggle):
		p.follow = !p.follow
		return m, nil
	}
	var cmd tea.Cmd
	m.prompt, cmd = m.prompt.update(msg)
	m.prompt.errs = [promptFields]string{}
	return m, cmd
}

// request parses the fields; on a bad one it sets its error and returns false.
// Times of day are read in loc, the zone the table shows.
func (p *startPrompt) request(loc *time.Location) (kafka.ReadRequest, string, window, bool) {
	p.errs = [promptFields]string{}
	text, parts := strings.TrimSpace(p.inputs[fieldWindow].Value()), strings.TrimSpace(p.inputs[fieldPartitions].Value())
	req := kafka.ReadRequest{Topic: p.topic.Name, Follow: p.follow}
	win, err := parseWindow(text, p.now(), loc)
	if err != nil {
		p.errs[fieldWindow] = oneLine(err.Error())
	}
	req.From, req.To = win.from, win.to
	if p.follow {
		req.To = kafka.Stop{Kind: kafka.StopNever}
	}
	req.PartitionSpec = parts
	if req.Partitions, err = parsePartitions(parts, p.topic); err != nil {
		p.errs[fieldPartitions] = err.Error()
	}
	for i, e := range p.errs {
		if e != "" {
			p.setFocus(i)
			return req, "", window{}, false
		}
	}
	return req, selectionFlags(win, p.follow, parts), win, true
}

// selectionFlags is the read as consume flags, for export manifests.
func selectionFlags(win window, follow bool, parts string) string {
	from, to, _ := strings.Cut(win.resolved, "..")
	sel := "--from " + from
	if follow {
		sel += " --follow"
	} else {
		sel += " --to " + to
	}
	if parts != "" {
		sel += " -p " + parts
	}
	return sel
}

// parsePartitions parses the partitions field with kafka.ParsePartitions; partitions the
// topic does not have are an error when the topic's partitions are known (else the read
// expands req.PartitionSpec against the topic).
func parsePartitions(s string, topic kafka.TopicInfo) ([]int32, error) {
	if len(topic.Partitions) == 0 {
		// Not described yet: check the syntax and let the read expand it against the topic.
		return nil, kafka.CheckPartitions(s)
	}
	return kafka.ParsePartitions(s, topic.Name, len(topic.Partitions))
}

func (p startPrompt) view(st common.MessagesStyles, w, h int) string {
	inner := max(20, w-4)
	lines := []string{st.DialogTitle.Render(common.Truncate("Read "+oneLine(p.topic.Name)+" — which window?", inner)), ""}
	for i := range promptFields {
		label := common.PadRight(promptLabels[i], 11)
		if i == p.focus {
			label = st.Focused.Render("▸ " + label)
		} else {
			label = st.Label.Render("  " + label)
		}
		var field string
		if i == fieldFollow {
			field = "[ ]"
			if p.follow {
				field = "[x]"
			}
		} else {
			field = inputView(p.inputs[i], st)
		}
		lines = append(lines, common.Truncate(label+field, inner))
		if p.errs[i] != "" {
			lines = append(lines, st.Error.Render(common.Truncate("    ✗ "+p.errs[i], inner)))
		} else if i == p.focus && h >= 14 {
			for _, l := range strings.Split(ansi.Wordwrap(promptHints[i], inner-4, ""), "\n") {
				lines = append(lines, st.Muted.Render(common.Truncate("    "+l, inner)))
			}
		}
	}
	lines = append(lines, "", st.Muted.Render(common.Truncate("enter read · tab next field · space toggles follow · esc cancel", inner)))

	return st.Dialog.Render(strings.Join(lines, "\n"))
}
