package tui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/messages"
)

// messagesPane is what the frame needs of the messages pane. messages.Model fits
// through realMessages; tests hand in a fake so they need no cluster.
type messagesPane interface {
	Init() tea.Cmd
	Update(tea.Msg) (messagesPane, tea.Cmd)
	View() string
	SetSize(width, height int) messagesPane
	Focus() messagesPane
	Blur() messagesPane
	Close()
	CapturesInput() bool
	AtRoot() bool
	Busy() bool
	Marks() int // marked records not yet exported; leaving or quitting asks first
	Status() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// newMessagesFunc opens the messages pane on a source.
type newMessagesFunc func(c *common.Common, src messages.Source) messagesPane

// realMessagesWithCap opens real messages panes holding at most capacity records,
// logging what the analyst reads, filters, copies and exports to audit (nil: nothing).
func realMessagesWithCap(capacity int, audit messages.AuditFunc) newMessagesFunc {
	return func(c *common.Common, src messages.Source) messagesPane {
		return realMessages{messages.New(c, src, messages.WithCap(capacity), messages.WithAudit(audit))}
	}
}

// realMessages adapts messages.Model, whose methods return its concrete type.
type realMessages struct{ m messages.Model }

// The methods below pass straight through to messages.Model.

func (r realMessages) Init() tea.Cmd { return r.m.Init() }

func (r realMessages) Update(msg tea.Msg) (messagesPane, tea.Cmd) {
	m, cmd := r.m.Update(msg)
	return realMessages{m}, cmd
}

func (r realMessages) View() string { return r.m.View() }
func (r realMessages) SetSize(width, height int) messagesPane {
	return realMessages{r.m.SetSize(width, height)}
}
func (r realMessages) Focus() messagesPane       { return realMessages{r.m.Focus()} }
func (r realMessages) Blur() messagesPane        { return realMessages{r.m.Blur()} }
func (r realMessages) Close()                    { r.m.Close() }
func (r realMessages) CapturesInput() bool       { return r.m.CapturesInput() }
func (r realMessages) Busy() bool                { return r.m.Busy() }
func (r realMessages) Marks() int                { return r.m.Marks() }
func (r realMessages) Status() string            { return r.m.Status() }
func (r realMessages) ShortHelp() []key.Binding  { return r.m.ShortHelp() }
func (r realMessages) FullHelp() [][]key.Binding { return r.m.FullHelp() }

// FinishExport stops the pane's running export at quit (see messages.Model.FinishExport).
func (r realMessages) FinishExport(wait time.Duration) string { return r.m.FinishExport(wait) }

// AtRoot reports whether esc should leave the pane (nothing inside it to undo first).
func (r realMessages) AtRoot() bool { return r.m.AtRoot() }
