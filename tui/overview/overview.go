// Package overview is the cluster page: where kpeek is connected, the cluster id,
// controller and brokers, or why the connection failed, in plain words.
package overview

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// State is what the page knows about one cluster's connection.
type State struct {
	Name       string
	Bootstrap  []string
	Connecting bool
	Info       *kafka.ClusterInfo // nil until connected
	Err        error              // the connection failure
}

// Model is the cluster page.
type Model struct {
	c       *common.Common
	st      State
	width   int
	height  int
	focused bool
}

// New returns an empty cluster page.
func New(c *common.Common) Model { return Model{c: c} }

// SetState replaces what the page shows.
func (m Model) SetState(st State) Model { m.st = st; return m }

// SetSize sets the page's size.
func (m Model) SetSize(width, height int) Model { m.width, m.height = width, height; return m }

// Focus gives the page the keyboard.
func (m Model) Focus() Model { m.focused = true; return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; return m }

// Update does nothing: the page has no keys of its own.
func (m Model) Update(tea.Msg) (Model, tea.Cmd) { return m, nil }

// View renders the page.
func (m Model) View() string {
	s := m.c.Styles
	title := s.Title(m.focused)
	var b strings.Builder
	line := func(label, value string) {
		fmt.Fprintf(&b, "\n%s %s", s.Label.Render(common.PadRight(label, 12)), s.Value.Render(value))
	}
	if m.st.Name == "" {
		b.WriteString(title.Render("Cluster"))
		b.WriteString("\n\n" + s.Dim.Render("Pick a cluster on the left and press enter to connect."))
		return common.Box(b.String(), m.width, m.height)
	}
	b.WriteString(title.Render("Cluster " + decode.Sanitize(m.st.Name)))
	b.WriteString("\n")
	line("bootstrap", decode.Sanitize(strings.Join(m.st.Bootstrap, ", ")))
	switch {
	case m.st.Connecting:
		line("state", s.Warn.Render("connecting…"))
	case m.st.Err != nil:
		line("state", s.Error.Render("not connected"))
		b.WriteString("\n\n" + s.Error.Render(lipgloss.Wrap(decode.Sanitize(m.st.Err.Error()), m.width, " ")))
		b.WriteString("\n\n" + s.Dim.Render("Press enter on the cluster to try again."))
	case m.st.Info != nil:
		info := m.st.Info
		line("state", s.OK.Render("connected (read-only)"))
		line("cluster id", decode.Sanitize(info.ID))
		line("controller", brokerName(info, info.Controller))
		line("brokers", fmt.Sprint(len(info.Brokers)))
		b.WriteString("\n\n" + s.Section.Render("Brokers"))
		for _, br := range info.Brokers {
			mark := " "
			if br.ID == info.Controller {
				mark = "*"
			}
			rack := ""
			if br.Rack != "" {
				rack = "  rack " + decode.Sanitize(br.Rack)
			}
			fmt.Fprintf(&b, "\n%s %4d  %s%s", mark, br.ID, decode.Sanitize(br.Addr), rack)
		}
		if len(info.Brokers) > 0 {
			b.WriteString("\n" + s.Dim.Render("  * controller"))
		}
	}
	return common.Box(b.String(), m.width, m.height)
}

func brokerName(info *kafka.ClusterInfo, id int32) string {
	for _, br := range info.Brokers {
		if br.ID == id {
			return fmt.Sprintf("%d (%s)", id, decode.Sanitize(br.Addr))
		}
	}
	if id < 0 {
		return "unknown"
	}
	return fmt.Sprint(id)
}

// ShortHelp lists the page's bindings (none of its own).
func (m Model) ShortHelp() []key.Binding { return nil }

// FullHelp lists all the page's bindings.
func (m Model) FullHelp() [][]key.Binding { return nil }
