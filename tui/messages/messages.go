// Package messages is the explorer's messages pane: records streaming in, filter,
// detail, marks, timeline and the export dialog.
// CONTRACT (the frame codes against it). OWNER: messages pane helper; replace the stub bodies.
package messages

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/bubbles/v2/key"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
)

// Source is the topic the pane reads and what it needs to read and decode it.
type Source struct {
	Client      *kafka.Client
	Decoder     *decode.Decoder
	Topic       kafka.TopicInfo
	ClusterName string
	ClusterID   string
	Bootstrap   []string
}

// Model is the messages pane.
type Model struct {
	c   *common.Common
	src Source
}

// New returns the pane for src; Init opens the "where to start" prompt.
func New(c *common.Common, src Source) Model { return Model{c: c, src: src} }

// Init starts the pane.
func (m Model) Init() tea.Cmd { return nil }

// Update handles a message.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) { return m, nil }

// View renders the pane at its size.
func (m Model) View() string { return "" }

// SetSize sets the pane's size.
func (m Model) SetSize(width, height int) Model { return m }

// Focus gives the pane the keyboard.
func (m Model) Focus() Model { return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { return m }

// Close cancels the pane's reads (not a running export).
func (m Model) Close() {}

// CapturesInput is true while a text input or dialog in the pane has the keyboard, so
// the frame must route every key here (q typed in a filter never quits).
func (m Model) CapturesInput() bool { return false }

// Busy is true while an export is running (the frame asks before quitting).
func (m Model) Busy() bool { return false }

// Status is the pane's part of the status line (marks, counters).
func (m Model) Status() string { return "" }

// ShortHelp lists the pane's main bindings for the footer.
func (m Model) ShortHelp() []key.Binding { return nil }

// FullHelp lists all the pane's bindings for the ? screen.
func (m Model) FullHelp() [][]key.Binding { return nil }
