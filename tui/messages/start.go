package messages

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// startPrompt asks where a read starts: from, to, partitions and follow.
type startPrompt struct {
	open   bool
	topic  kafka.TopicInfo
	inputs [3]textinput.Model // from, to, partitions
	follow bool
	focus  int // 0..2 the inputs, 3 the follow switch
	errs   [4]string
	now    func() time.Time
}

const (
	fieldFrom = iota
	fieldTo
	fieldPartitions
	fieldFollow
	promptFields
)

var promptLabels = [promptFields]string{"from", "to", "partitions", "follow"}

var promptHints = [promptFields]string{
	"-100 (last 100 per partition) · beginning · end · OFFSET · -1h · 2026-11-26T02:00:00Z",
	"end · now · OFFSET · -1h · 2026-11-26T03:00:00Z",
	"empty for all, or e.g. 0,2",
	"keep reading new records live",
}

func newStartPrompt(topic kafka.TopicInfo) startPrompt {
	p := startPrompt{open: true, topic: topic, now: time.Now}
	defaults := []string{"-100", "end", ""}
	for i := range p.inputs {
		in := newInput(64)
		in.SetWidth(36)
		in.SetValue(defaults[i])
		p.inputs[i] = in
	}
	p.inputs[fieldFrom].Focus()
	p.inputs[fieldFrom].CursorEnd()
	return p
}

func (m Model) openPrompt() (Model, tea.Cmd) {
	m.prompt.open = true
	m.prompt.errs = [4]string{}
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
		req, sel, ok := p.request()
		if !ok {
			return m, nil
		}
		p.open = false
		return m.startRead(req, sel)
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
	m.prompt.errs = [4]string{}
	return m, cmd
}

// request parses the fields; on a bad one it sets its error and returns false.
func (p *startPrompt) request() (kafka.ReadRequest, string, bool) {
	p.errs = [4]string{}
	now := p.now()
	from, to, parts := strings.TrimSpace(p.inputs[fieldFrom].Value()),
		strings.TrimSpace(p.inputs[fieldTo].Value()), strings.TrimSpace(p.inputs[fieldPartitions].Value())
	req := kafka.ReadRequest{Topic: p.topic.Name, Follow: p.follow}
	var err error
	if from == "" {
		from = "-100"
	}
	if req.From, err = kafka.ParseStart(from, now); err != nil {
		p.errs[fieldFrom] = oneLine(err.Error())
	}
	if to == "" {
		to = "end"
	}
	if p.follow {
		req.To = kafka.Stop{Kind: kafka.StopNever}
	} else if req.To, err = kafka.ParseStop(to, now); err != nil {
		p.errs[fieldTo] = oneLine(err.Error())
	}
	req.PartitionSpec = parts
	if req.Partitions, err = parsePartitions(parts, p.topic); err != nil {
		p.errs[fieldPartitions] = err.Error()
	}
	for i, e := range p.errs {
		if e != "" {
			p.setFocus(i)
			return req, "", false
		}
	}
	sel := "--from " + from
	if p.follow {
		sel += " --follow"
	} else {
		sel += " --to " + to
	}
	if parts != "" {
		sel += " -p " + parts
	}
	return req, sel, true
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
	lines := []string{st.DialogTitle.Render(common.Truncate("Read "+oneLine(p.topic.Name)+" — where to start?", inner)), ""}
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
			lines = append(lines, st.Muted.Render(common.Truncate("    "+promptHints[i], inner)))
		}
	}
	lines = append(lines, "", st.Muted.Render(common.Truncate("enter read · tab next field · space toggles follow · esc cancel", inner)))
	return st.Dialog.Render(strings.Join(lines, "\n"))
}
