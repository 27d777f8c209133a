package messages

import (
	"strings"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/x/ansi"

	"github.com/kpeek/kpeek/tui/common"
)

// view renders the dialog: the form, the running export's progress, or its summary.
// askToken shows the token field (nothing configured or in the environment).
func (e exportState) view(st common.MessagesStyles, w int, askToken bool) string {
	inner := max(20, w-4)
	var lines []string
	add := func(s string) { lines = append(lines, common.Truncate(s, inner)) }
	// wrapped adds s over as many lines as it takes: errors and paths must be read whole.
	wrapped := func(style func(...string) string, s string) {
		for _, l := range strings.Split(ansi.Wrap(s, inner, " /,"), "\n") {
			lines = append(lines, style(l))
		}
	}
	switch {
	case e.running:
		add(st.DialogTitle.Render("Exporting " + e.what + " to " + e.target()))
		add("")
		pct := 0.0
		if e.progress.Total > 0 {
			pct = float64(e.progress.Written) / float64(e.progress.Total)
		}
		add(e.bar(st).ViewAs(pct) + " " + st.Progress.Render(e.progressText()))
		add("")
		add(st.Muted.Render("ctrl+x cancel · esc hide (the export keeps running)"))
	case e.summary != nil || e.failure != nil:
		if e.failure != nil {
			wrapped(st.Error.Render, "✗ export failed: "+oneLine(e.failure.Error()))
		} else {
			add(st.DialogTitle.Render("✓ export finished"))
		}
		add("")
		wrapped(asIs, e.resultLine())
		if e.summary != nil && e.summary.Destination != "" {
			wrapped(asIs, st.Label.Render("destination ")+oneLine(e.summary.Destination))
		}
		add("")
		add(st.Muted.Render("enter or esc close"))
	default:
		add(st.DialogTitle.Render("Export " + e.what))
		add("")
		dest := "[file]  splunk HEC"
		if e.dest == destSplunk {
			dest = " file  [splunk HEC]"
		}
		add(e.label(st, exportFieldDest, "destination") + dest)
		if e.dest == destFile {
			add(e.label(st, exportFieldTarget, "path") + inputView(e.path, st))
			add(e.label(st, exportFieldOption, "format") + strings.Join(bracket(formats, e.format), "  "))
			add(e.label(st, exportFieldCheck, "overwrite") + checkbox(e.force))
		} else {
			add(e.label(st, exportFieldTarget, "HEC URL") + inputView(e.url, st))
			add(e.label(st, exportFieldOption, "index") + inputView(e.index, st))
			if askToken {
				add(e.label(st, exportFieldToken, "token") + inputView(e.token, st))
			} else {
				add(st.Label.Render("  "+common.PadRight("token", 13)) + st.Muted.Render("configured (config or "+TokenEnv+")"))
			}
			add(e.label(st, exportFieldCheck, "acknowledge") + checkbox(e.ack))
		}
		add(e.label(st, exportFieldRedact, "redact") + inputView(e.redact, st))
		if e.err != "" {
			wrapped(st.Error.Render, "✗ "+oneLine(e.err))
		}
		add("")
		add(st.Muted.Render("enter export · tab next field · space change choice or tick box · esc close"))
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

// asIs renders text unstyled, for wrapped.
func asIs(s ...string) string { return strings.Join(s, " ") }

// checkbox is a tick box.
func checkbox(on bool) string {
	if on {
		return "[x]"
	}
	return "[ ]"
}

// label is a field's label, marked when focused.
func (e exportState) label(st common.MessagesStyles, field int, name string) string {
	if e.focus == field {
		return st.Focused.Render("▸ " + common.PadRight(name, 13))
	}
	return st.Label.Render("  " + common.PadRight(name, 13))
}

// target names where the export goes.
func (e exportState) target() string {
	if e.dest == destSplunk {
		return oneLine(e.url.Value())
	}
	return oneLine(e.path.Value())
}

// bracket puts the chosen option in brackets.
func bracket(opts []string, chosen int) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		if i == chosen {
			out[i] = "[" + o + "]"
		} else {
			out[i] = " " + o + " "
		}
	}
	return out
}

// bar is the bubbles progress bar at the dialog's width in the timeline's colour.
func (e exportState) bar(st common.MessagesStyles) progress.Model {
	p := progress.New(progress.WithWidth(e.barWidth), progress.WithoutPercentage(),
		progress.WithColors(st.Timeline.GetForeground()))
	p.Full, p.Empty = '█', '░'
	return p
}
