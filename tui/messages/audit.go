package messages

// This file is the pane's part of the analyst's audit trail: which records were read,
// filtered, copied and exported. Entries are built in Update from copied values and
// written from a Cmd, so the audit function never reads the model.

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/kpeek/kpeek/export"
	"github.com/kpeek/kpeek/kafka"
)

// AuditFunc appends an entry to the analyst's audit trail and returns the entry's
// reference ("" when none was written), which export manifests record. It is called
// from Cmds, so it must be safe for concurrent use. Values are stored as given: the
// audit log's JSON encoding escapes hostile text.
type AuditFunc func(action string, details map[string]string) string

// WithAudit makes the pane log reads, filters, copies and exports to fn.
func WithAudit(fn AuditFunc) Option { return func(m *Model) { m.audit = fn } }

// auditCmd logs action with details from a Cmd; details must not be shared with the model.
func (m Model) auditCmd(action string, details map[string]string) tea.Cmd {
	fn := m.audit
	if fn == nil {
		return nil
	}
	return func() tea.Msg {
		fn(action, details)
		return nil
	}
}

// auditDetails starts an entry with the cluster and topic, then the pairs kv.
func (m Model) auditDetails(kv ...string) map[string]string {
	d := map[string]string{"cluster": m.src.ClusterName, "topic": m.src.Topic.Name}
	for i := 0; i+1 < len(kv); i += 2 {
		d[kv[i]] = kv[i+1]
	}
	return d
}

// auditRead logs a read opened from the start prompt or a widening: the whole resolved
// window the pane now covers, the span this read adds, and the partitions.
func (m Model) auditRead(req kafka.ReadRequest, win window) tea.Cmd {
	parts := req.PartitionSpec
	if parts == "" {
		parts = partitionsFlag(req.Partitions)
	}
	if parts == "" {
		parts = "all"
	}
	d := m.auditDetails("window", win.resolved, "partitions", parts, "follow", strconv.FormatBool(req.Follow))
	if req.From.Kind == kafka.StartTime && req.To.Kind == kafka.StopTime && !req.Follow {
		if span := sideText("", true, req.From.Time, false) + ".." + sideText("", true, req.To.Time, true); span != win.resolved {
			d["read"] = span // a widening: the part this read adds
		}
	}
	return m.auditCmd("explorer-read", d)
}

// auditFilter logs a filter applied to the pane ("" when it was cleared).
func (m Model) auditFilter(expr string) tea.Cmd {
	return m.auditCmd("explorer-filter", m.auditDetails("filter", expr, "selection", m.rd.selection))
}

// auditCopy logs what went to the clipboard: which record and in which view, never the text.
func (m Model) auditCopy(r *kafka.Record, view string) tea.Cmd {
	d := m.auditDetails("view", view)
	if r != nil {
		d["record"] = fmt.Sprintf("%s/%d/%d", r.Topic, r.Partition, r.Offset)
	}
	return m.auditCmd("explorer-copy", d)
}

// exportStartDetails describes the export about to run, for its "export-start" entry.
func (m Model) exportStartDetails(records int, what string) map[string]string {
	e := &m.export
	d := m.auditDetails("selection", m.rd.selection, "filter", m.filter.expr, "records", strconv.Itoa(records),
		"chosen", what, "marked", strconv.Itoa(m.marks.count), "redact", e.redact.Value())
	if e.dest == destFile {
		d["destination"], d["format"] = strings.TrimSpace(e.path.Value()), formats[e.format]
		if abs, err := filepath.Abs(d["destination"]); err == nil {
			d["destination"] = abs // the case ticket needs where, not relative to a forgotten folder
		}
	} else {
		d["destination"], d["format"], d["index"] = export.RedactArgs([]string{e.url.Value()})[0], "hec", e.index.Value()
	}
	return d
}

// exportEndDetails is start plus how the export ended, for its "export" entry.
func exportEndDetails(start map[string]string, sum export.Summary, err error) map[string]string {
	d := make(map[string]string, len(start)+8)
	for k, v := range start {
		d[k] = v
	}
	sum.AddAuditDetails(d, err)
	return d
}
