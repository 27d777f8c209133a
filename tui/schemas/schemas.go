// Package schemas is the explorer's Schemas view: the schema registry's subjects (type,
// versions, latest id, the topics named after them), a subject's versions, and one
// version's schema text.
package schemas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/table"
)

// Source is the registry the view reads; *decode.Registry is one.
type Source interface {
	Subjects(ctx context.Context) ([]decode.Subject, error)
	Versions(ctx context.Context, subject string) ([]int, error)
	Version(ctx context.Context, subject string, version int) (decode.SchemaVersion, error)
}

// TopicsFunc lists the cluster's topics, to name the topics that use each subject.
type TopicsFunc func(ctx context.Context) (kafka.Topics, error)

// level is how deep the view is: subjects, one subject's versions, one schema's text.
type level int

const (
	levelSubjects level = iota
	levelVersions
	levelText
)

// Model is the Schemas view.
type Model struct {
	c       *common.Common
	ctx     context.Context
	src     Source
	topics  TopicsFunc
	why     string // why there is no registry to read; shown instead of the list
	req     int    // the request the view waits for; answers to older ones are dropped
	loading bool
	loaded  bool
	err     string // the last registry error, one line
	note    string // why the topic column is empty
	level   level
	subject string // the open subject
	opening bool   // a subject's versions are on their way; esc forgets them
	vers    []decode.SchemaVersion
	subjTbl table.Model
	verTbl  table.Model
	text    viewport.Model
	textTtl string
	width   int
	height  int
	focused bool
}

var subjectColumns = []table.Column{
	{Title: "SUBJECT", Width: 14, Flex: 2},
	{Title: "TYPE", Width: 8},
	{Title: "VERSIONS", Width: 8, Right: true},
	{Title: "LATEST ID", Width: 9, Right: true},
	{Title: "TOPICS", Width: 10, Flex: 2},
}

var versionColumns = []table.Column{
	{Title: "VERSION", Width: 7, Right: true},
	{Title: "ID", Width: 6, Right: true},
	{Title: "TYPE", Width: 8},
	{Title: "REFERENCES", Width: 10, Flex: 1},
}

// New returns the view without a registry.
func New(c *common.Common) Model {
	vp := viewport.New()
	vp.KeyMap.Up, vp.KeyMap.Down = c.Keys.Up, c.Keys.Down
	vp.KeyMap.PageUp, vp.KeyMap.PageDown = c.Keys.PageUp, c.Keys.PageDown
	vp.KeyMap.HalfPageUp, vp.KeyMap.HalfPageDown = key.NewBinding(), key.NewBinding()
	return Model{
		c: c, ctx: context.Background(), text: vp,
		why:     "not connected to a cluster",
		subjTbl: table.New(c, subjectColumns, "the registry has no subjects"),
		verTbl:  table.New(c, versionColumns, "the subject has no versions"),
	}
}

// SetSource is the registry to read and the cluster's topic listing (nil: no topic column);
// ctx ends every request when the explorer stops. Any earlier listing is forgotten.
func (m Model) SetSource(ctx context.Context, src Source, topics TopicsFunc) Model {
	n := New(m.c).SetSize(m.width, m.height)
	n.req, n.focused = m.req+1, m.focused
	n.ctx, n.src, n.topics, n.why = ctx, src, topics, ""
	if src == nil {
		n.why = "no schema registry: start with --schema-registry URL"
	}
	return n.applyFocus()
}

// SetUnavailable shows why there is no registry to read (not connected, a bad registry
// configuration) in one line.
func (m Model) SetUnavailable(why string) Model {
	m = m.SetSource(m.ctx, nil, nil)
	m.why = decode.Sanitize(why)
	return m
}

// Load lists the subjects unless they are listed already or being listed.
func (m Model) Load() (Model, tea.Cmd) {
	if m.src == nil || m.loaded || m.loading {
		return m, nil
	}
	return m.reload()
}

// reload lists the subjects again, in a Cmd built from copied values.
func (m Model) reload() (Model, tea.Cmd) {
	if m.src == nil {
		return m, nil
	}
	m.req++
	m.loading, m.opening, m.err = true, false, ""
	ctx, req, src, topics := m.ctx, m.req, m.src, m.topics
	return m, func() tea.Msg {
		subjects, err := src.Subjects(ctx)
		msg := subjectsMsg{req: req, subjects: subjects, err: err}
		if err == nil && topics != nil {
			ts, terr := topics(ctx)
			if terr != nil {
				msg.note = "topics not shown: " + terr.Error()
			} else {
				msg.topics = export.SubjectTopics(subjects, ts)
			}
		}
		return msg
	}
}

// subjectsMsg answers a subject listing.
type subjectsMsg struct {
	req      int
	subjects []decode.Subject
	topics   map[string][]string
	note     string
	err      error
}

// versionsMsg answers the versions of one subject.
type versionsMsg struct {
	req     int
	subject string
	vers    []decode.SchemaVersion
	err     error
}

// openSubject reads every version of subject in a Cmd.
func (m Model) openSubject(subject string) (Model, tea.Cmd) {
	m.req++
	m.loading, m.opening, m.err = true, true, ""
	ctx, req, src := m.ctx, m.req, m.src
	return m, func() tea.Msg {
		vs, err := src.Versions(ctx, subject)
		msg := versionsMsg{req: req, subject: subject, err: err}
		for _, v := range vs {
			sv, err := src.Version(ctx, subject, v)
			if err != nil {
				msg.err = err
				break
			}
			msg.vers = append(msg.vers, sv)
		}
		return msg
	}
}

// SetSize sets the view's size.
func (m Model) SetSize(width, height int) Model {
	m.width, m.height = width, height
	body := max(height-3, 0)
	m.subjTbl = m.subjTbl.SetSize(width, body)
	m.verTbl = m.verTbl.SetSize(width, body)
	m.text.SetWidth(width)
	m.text.SetHeight(max(height-2, 0)) // under a title and a hint, no table header
	return m
}

// Focus gives the view the keyboard.
func (m Model) Focus() Model { m.focused = true; return m.applyFocus() }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; return m.applyFocus() }

func (m Model) applyFocus() Model {
	m.subjTbl, m.verTbl = m.subjTbl.Blur(), m.verTbl.Blur()
	if m.focused {
		m.subjTbl, m.verTbl = m.subjTbl.Focus(), m.verTbl.Focus()
	}
	return m
}

// CapturesInput is true while a table filter is being typed, so letters never quit.
func (m Model) CapturesInput() bool {
	switch m.level {
	case levelSubjects:
		return m.subjTbl.CapturesInput()
	case levelVersions:
		return m.verTbl.CapturesInput()
	}
	return false
}

// AtRoot is true when esc has nothing to close on this view.
func (m Model) AtRoot() bool { return m.level == levelSubjects && m.subjTbl.AtRoot() && !m.opening }

// Init starts nothing: the root calls Load when the view is shown.
func (m Model) Init() tea.Cmd { return nil }

// Update handles registry answers and keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case subjectsMsg:
		if msg.req != m.req {
			return m, nil
		}
		m.loading = false
		if msg.err != nil {
			m.err = decode.Sanitize(msg.err.Error())
			return m, nil
		}
		m.loaded, m.note = true, decode.Sanitize(msg.note)
		m.subjTbl = m.subjTbl.SetRows(subjectRows(msg.subjects, msg.topics))
		return m, nil
	case versionsMsg:
		if msg.req != m.req {
			return m, nil
		}
		m.loading, m.opening = false, false
		if msg.err != nil {
			m.err = decode.Sanitize(msg.err.Error())
			return m, nil
		}
		m.level, m.subject, m.vers = levelVersions, msg.subject, msg.vers
		m.verTbl = table.New(m.c, versionColumns, "the subject has no versions").SetRows(versionRows(msg.vers))
		return m.SetSize(m.width, m.height).applyFocus(), nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(k tea.KeyPressMsg) (Model, tea.Cmd) {
	keys := m.c.Keys
	if key.Matches(k, keys.Refresh) && !m.CapturesInput() {
		return m.reload()
	}
	var cmd tea.Cmd
	switch m.level {
	case levelSubjects:
		if m.opening && key.Matches(k, keys.Back) {
			m.req++ // the subject's versions are no longer wanted
			m.loading, m.opening = false, false
			return m, nil
		}
		if !m.subjTbl.CapturesInput() && key.Matches(k, keys.Enter) {
			if row, ok := m.subjTbl.Selected(); ok && m.src != nil {
				return m.openSubject(row.ID)
			}
			return m, nil
		}
		m.subjTbl, cmd = m.subjTbl.Update(k)
	case levelVersions:
		if !m.verTbl.CapturesInput() {
			switch {
			case key.Matches(k, keys.Back) && m.verTbl.AtRoot():
				m.level, m.err = levelSubjects, ""
				return m, nil
			case key.Matches(k, keys.Enter):
				return m.openText(), nil
			}
		}
		m.verTbl, cmd = m.verTbl.Update(k)
	case levelText:
		switch {
		case key.Matches(k, keys.Back):
			m.level = levelVersions
			return m, nil
		case key.Matches(k, keys.Home):
			m.text.GotoTop()
			return m, nil
		case key.Matches(k, keys.End):
			m.text.GotoBottom()
			return m, nil
		}
		m.text, cmd = m.text.Update(k)
	}
	return m, cmd
}

// openText shows the selected version's schema.
func (m Model) openText() Model {
	row, ok := m.verTbl.Selected()
	if !ok {
		return m
	}
	for _, v := range m.vers {
		if strconv.Itoa(v.Version) == row.ID {
			m.level = levelText
			m.textTtl = fmt.Sprintf("%s version %d (id %d, %s)", decode.Sanitize(v.Subject), v.Version, v.ID, decode.Sanitize(v.Type))
			m.text.SetContent(schemaText(v.Text))
			m.text.GotoTop()
			return m
		}
	}
	return m
}

// schemaText prepares a schema for the screen: JSON (Avro and JSON Schema) indented, tabs
// as spaces, everything sanitized so no control sequence reaches the terminal.
func schemaText(s string) string {
	var b bytes.Buffer
	if json.Valid([]byte(s)) && json.Indent(&b, []byte(s), "", "  ") == nil {
		s = b.String()
	}
	return decode.SanitizeMultiline(strings.ReplaceAll(s, "\t", "    "))
}

func subjectRows(subjects []decode.Subject, topics map[string][]string) []table.Row {
	rows := make([]table.Row, 0, len(subjects))
	for _, s := range subjects {
		name := decode.Sanitize(s.Name)
		if s.Err != nil {
			rows = append(rows, table.Row{ID: s.Name, Filter: name, Cells: []string{name, "-", "-", "-",
				"not read: " + decode.Sanitize(s.Err.Error())}})
			continue
		}
		used := make([]string, 0, len(topics[s.Name]))
		for _, t := range topics[s.Name] {
			used = append(used, decode.Sanitize(t))
		}
		rows = append(rows, table.Row{ID: s.Name, Filter: name, Cells: []string{name, decode.Sanitize(s.Type),
			strconv.Itoa(len(s.Versions)), strconv.Itoa(s.LatestID), strings.Join(used, ",")}})
	}
	return rows
}

func versionRows(vers []decode.SchemaVersion) []table.Row {
	rows := make([]table.Row, 0, len(vers))
	for i := len(vers) - 1; i >= 0; i-- { // newest first
		v := vers[i]
		refs := make([]string, 0, len(v.References))
		for _, r := range v.References {
			refs = append(refs, decode.Sanitize(fmt.Sprintf("%s (%s v%d)", r.Name, r.Subject, r.Version)))
		}
		rows = append(rows, table.Row{ID: strconv.Itoa(v.Version), Cells: []string{strconv.Itoa(v.Version),
			strconv.Itoa(v.ID), decode.Sanitize(v.Type), strings.Join(refs, ", ")}})
	}
	return rows
}
