package messages

// This file is the running export: feeding it, its progress, its end, and stopping it at quit.

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
)

// FinishExport cancels a running export and waits up to wait for it to end: an HEC
// export lets its in-flight batches finish and spools the rest, a file export removes
// its partial file. It returns how the export ended, for the user, or "" if none ran.
func (m Model) FinishExport(wait time.Duration) string {
	e := m.export
	if !e.running || e.cancel == nil || e.finished == nil {
		return ""
	}
	e.cancel()
	select {
	case <-e.finished:
	case <-time.After(wait):
		return "export to " + e.target() + " was still stopping when kpeek quit; anything not confirmed is in its spool, " +
			"kpeek-spool-*.ndjson in the folder kpeek was started in"
	}
	e.result.mu.Lock()
	sum, err := e.result.sum, e.result.err
	e.result.mu.Unlock()
	lines := []string{"export to " + e.target() + " stopped at quit"}
	if err != nil && !errors.Is(err, context.Canceled) {
		lines[0] += ": " + err.Error()
	}
	lines = append(lines, sum.Report()...)
	return strings.Join(lines, "; ")
}

// feed sends the selected records in batches, in order, and closes out.
func feed(ctx context.Context, snap snapshot, seqs []int64, out chan<- kafka.Batch) {
	defer close(out)
	const size = 512
	for len(seqs) > 0 {
		n := min(size, len(seqs))
		b := kafka.Batch{Records: make([]kafka.Record, n)}
		for i, seq := range seqs[:n] {
			b.Records[i] = *snap.At(seq)
		}
		seqs = seqs[n:]
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
	}
}

// latest puts p on a one-slot channel, replacing an update nobody read yet.
func latest(ch chan export.Progress, p export.Progress) {
	for {
		select {
		case ch <- p:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}

func waitProgress(id int, ch <-chan export.Progress, finished <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-ch:
			return exportProgressMsg{id: id, p: p}
		case <-finished:
			return nil
		}
	}
}

func (m Model) updateExport(msg tea.Msg) (Model, tea.Cmd) {
	e := &m.export
	switch msg := msg.(type) {
	case exportProgressMsg:
		if msg.id != e.id || !e.running {
			return m, nil
		}
		e.progress = msg.p
		return m, waitProgress(msg.id, e.progCh, e.finished)
	case exportDoneMsg:
		if msg.id != e.id {
			return m, nil
		}
		e.running = false
		sum := msg.summary
		e.summary = &sum
		e.progress = sum.Progress
		e.failure = msg.err
		if msg.err != nil && errors.Is(msg.err, context.Canceled) {
			e.failure = errors.New("cancelled")
			if sum.Spool != "" {
				e.failure = errors.New("cancelled; what was not confirmed is in " + sum.Spool)
			}
		}
		if !e.open {
			m.notice = "export finished: " + e.resultLine()
		}
	}
	return m, nil
}
