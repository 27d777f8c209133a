package schemas

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/registryserver"
	"github.com/kpeek/kpeek/kafka"
	"github.com/kpeek/kpeek/tui/common"
	"github.com/kpeek/kpeek/tui/internal/screentest"
)

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
	pgdn  = tea.KeyPressMsg{Code: tea.KeyPgDown}
)

const ordersV1 = `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}`
const ordersV2 = `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"}]}`

// startRegistry serves a registry with a few subjects for the test's life.
func startRegistry(t *testing.T, register func(*registryserver.Server)) *decode.Registry {
	t.Helper()
	srv := registryserver.New()
	register(srv)
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	reg, err := decode.NewRegistry(config.Registry{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func mustRegister(t *testing.T, srv *registryserver.Server, subject, typ, schema string) {
	t.Helper()
	if _, _, err := srv.Register(subject, typ, schema, nil); err != nil {
		t.Fatal(err)
	}
}

func demoRegistry(t *testing.T) *decode.Registry {
	return startRegistry(t, func(srv *registryserver.Server) {
		mustRegister(t, srv, "erp.purchasing.orders-value", registryserver.TypeAvro, ordersV1)
		mustRegister(t, srv, "erp.purchasing.orders-value", registryserver.TypeAvro, ordersV2)
		mustRegister(t, srv, "crm.customers-value", registryserver.TypeJSON, `{"type":"object","properties":{"email":{"type":"string"}}}`)
		mustRegister(t, srv, "orphan-value", registryserver.TypeProtobuf, "syntax = \"proto3\";\nmessage Orphan {\n\tstring id = 1;\n}\n")
	})
}

func topicsOf(names ...string) TopicsFunc {
	return func(context.Context) (kafka.Topics, error) {
		var ts kafka.Topics
		for _, n := range names {
			ts = append(ts, kafka.TopicInfo{Name: n})
		}
		return ts, nil
	}
}

// pane returns the view sized and focused, rendering without colour.
func pane(t *testing.T, src Source, topics TopicsFunc, w, h int) Model {
	t.Helper()
	c := common.New(nil)
	c.Styles = common.NewStyles(true, true)
	m := New(c).SetSize(w, h).Focus()
	if src != nil {
		m = m.SetSource(t.Context(), src, topics)
	}
	return m
}

// settle runs cmd and feeds its answer back.
func settle(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for cmd != nil {
		m, cmd = m.Update(cmd())
	}
	return m
}

func press(t *testing.T, m Model, keys ...tea.KeyPressMsg) Model {
	t.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = m.Update(k)
		m = settle(t, m, cmd)
	}
	return m
}

func load(t *testing.T, m Model) Model {
	t.Helper()
	m, cmd := m.Load()
	if cmd == nil {
		t.Fatal("Load asked nothing of the registry")
	}
	return settle(t, m, cmd)
}

func TestSubjectsVersionsTextAndBack(t *testing.T) {
	m := load(t, pane(t, demoRegistry(t), topicsOf("erp.purchasing.orders", "crm.customers"), 100, 20))
	v := m.View()
	for _, row := range []string{
		"crm.customers-value JSON 1 3 crm.customers",
		"erp.purchasing.orders-value AVRO 2 2 erp.purchasing.orders",
		"orphan-value PROTOBUF 1 4",
	} {
		if !screentest.HasRow(v, row) {
			t.Fatalf("no row %q in\n%s", row, v)
		}
	}
	m = press(t, m, down, enter) // erp.purchasing.orders-value
	if m.level != levelVersions || !strings.Contains(m.View(), "Schemas › erp.purchasing.orders-value") {
		t.Fatalf("enter did not open the subject's versions:\n%s", m.View())
	}
	if !screentest.HasRow(m.View(), "2 2 AVRO") || !screentest.HasRow(m.View(), "1 1 AVRO") {
		t.Fatalf("versions missing:\n%s", m.View())
	}
	m = press(t, m, enter) // the newest, on top
	v = m.View()
	if m.level != levelText || !strings.Contains(v, "erp.purchasing.orders-value version 2 (id 2, AVRO)") {
		t.Fatalf("enter did not show version 2:\n%s", v)
	}
	if screentest.Line(v, `"name": "amount",`) == "" {
		t.Fatalf("the schema is not indented JSON:\n%s", v)
	}
	m = press(t, m, esc)
	if m.level != levelVersions {
		t.Fatalf("esc from the text went to level %d", m.level)
	}
	m = press(t, m, down, enter)
	if !strings.Contains(m.View(), "version 1 (id 1, AVRO)") {
		t.Fatalf("the second row is not version 1:\n%s", m.View())
	}
	m = press(t, m, esc, esc)
	if m.level != levelSubjects || !m.AtRoot() {
		t.Fatalf("two esc did not return to the subjects (level %d)", m.level)
	}
	if !screentest.HasRow(m.View(), "orphan-value PROTOBUF 1 4") {
		t.Fatalf("the subjects are gone after esc:\n%s", m.View())
	}
}

func TestSchemaTextScrolls(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Wide","fields":[`)
	for i := range 60 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"name":"f` + strings.Repeat("x", i%3) + `","type":"int"}`)
	}
	b.WriteString("]}")
	reg := startRegistry(t, func(srv *registryserver.Server) { mustRegister(t, srv, "wide-value", "", b.String()) })
	m := press(t, load(t, pane(t, reg, nil, 80, 12)), enter, enter)
	top := m.View()
	if !strings.Contains(top, `"type": "record"`) {
		t.Fatalf("the text does not start at the top:\n%s", top)
	}
	if lines := strings.Split(top, "\n"); len(lines) != 12 || strings.TrimSpace(lines[11]) == "" {
		t.Fatalf("the text does not fill the pane's 12 lines:\n%s", top)
	}
	m = press(t, m, pgdn)
	if m.View() == top || strings.Contains(m.View(), `"type": "record"`) {
		t.Fatalf("pgdn did not scroll:\n%s", m.View())
	}
}

func TestNoRegistryIsOneLine(t *testing.T) {
	m := pane(t, nil, nil, 80, 10).SetSource(t.Context(), nil, nil)
	if _, cmd := m.Load(); cmd != nil {
		t.Fatal("Load without a registry asked for something")
	}
	m = press(t, m, enter, esc)
	lines := nonEmpty(m.View())
	if len(lines) != 2 || !strings.Contains(lines[1], "no schema registry: start with") {
		t.Fatalf("want a title and one line, got %q", lines)
	}
}

func TestRegistryErrorIsOneLine(t *testing.T) {
	srv := registryserver.New()
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.Close() // nobody answers there any more
	reg, err := decode.NewRegistry(config.Registry{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	m := load(t, pane(t, reg, nil, 120, 10))
	lines := nonEmpty(m.View())
	if len(lines) != 2 || !strings.Contains(lines[1], "subject list") {
		t.Fatalf("want a title and the error on one line, got %q", lines)
	}
	if !m.AtRoot() || m.CapturesInput() {
		t.Fatal("an error must leave the explorer's keys working")
	}
}

// failingSource answers subjects but fails every version listing.
type failingSource struct{ Source }

func (failingSource) Versions(context.Context, string) ([]int, error) {
	return nil, errors.New("subject \"x\": 40401 Subject not found")
}

func TestVersionsErrorStaysOnSubjects(t *testing.T) {
	m := load(t, pane(t, failingSource{demoRegistry(t)}, nil, 120, 10))
	m = press(t, m, enter)
	if m.level != levelSubjects || screentest.Line(m.View(), "40401 Subject not found") == "" {
		t.Fatalf("a failed subject must show its error over the subjects:\n%s", m.View())
	}
	if !screentest.HasRow(m.View(), "orphan-value PROTOBUF 1 4") {
		t.Fatalf("the subjects are gone after an error:\n%s", m.View())
	}
}

func TestStaleAnswerDropped(t *testing.T) {
	m := pane(t, demoRegistry(t), nil, 100, 12)
	m, first := m.Load()
	m, second := m.reload() // ctrl+r before the first listing came back
	m, _ = m.Update(subjectsMsg{req: m.req - 1, subjects: []decode.Subject{{Name: "stale-value", Type: "AVRO", Versions: []int{1}}}})
	if m.loaded || strings.Contains(m.View(), "stale-value") {
		t.Fatalf("an answer to an older request was shown:\n%s", m.View())
	}
	m = settle(t, m, second)
	if !screentest.HasRow(m.View(), "orphan-value PROTOBUF 1 4") {
		t.Fatalf("the current answer was not shown:\n%s", m.View())
	}
	before := m.View()
	m = settle(t, m, first) // the older one arrives last: dropped
	if m.View() != before {
		t.Fatal("a late answer to the first request changed the view")
	}
	// The user opens one subject, then another before the first answered.
	m, openCrm := m.Update(enter) // crm.customers-value
	if m.AtRoot() {
		t.Fatal("esc would leave the view while a subject opens")
	}
	m, _ = m.Update(down)
	m, openErp := m.Update(enter)
	m = settle(t, m, openErp)
	m = settle(t, m, openCrm)
	if m.subject != "erp.purchasing.orders-value" || !strings.Contains(m.View(), "Schemas › erp.purchasing.orders-value") {
		t.Fatalf("a late answer for the first subject replaced the second:\n%s", m.View())
	}
	// A subject left with esc before its versions arrived does not open.
	m = press(t, m, esc)
	m, open := m.Update(enter)
	m = press(t, m, esc)
	m = settle(t, m, open)
	if m.level != levelSubjects || !m.AtRoot() {
		t.Fatalf("the versions of a subject left with esc were opened (level %d)", m.level)
	}
}

func TestHostileSubjectAndSchemaNeverReachTheScreen(t *testing.T) {
	hostile := "evil\x1b]52;c;cHduZWQ=\x07\x1b[2J\u202egnp.exe\u009b31m-value"
	reg := startRegistry(t, func(srv *registryserver.Server) {
		mustRegister(t, srv, hostile, registryserver.TypeProtobuf, "syntax = \"proto3\";\n// \x1b]0;title\x07 \u2066x\u2069 \u009d\nmessage M {}\n")
		mustRegister(t, srv, "json-value", registryserver.TypeJSON, `{"description":"\u001b[2J \u202e"}`)
	})
	m := pane(t, reg, topicsOf("evil\x1b[2J"), 120, 20)
	m.c.Styles = &common.Styles{} // no escape sequence of its own: any on screen came from the registry
	m = load(t, m)
	requireInert(t, "subjects", m.View())
	if screentest.Line(m.View(), `evil\x1b]52;c;`) == "" {
		t.Fatalf("the hostile subject is not shown escaped:\n%s", m.View())
	}
	m = press(t, m, enter) // the hostile one sorts first
	requireInert(t, "versions", m.View())
	m = press(t, m, enter)
	requireInert(t, "text", m.View())
	if screentest.Line(m.View(), `// \x1b]0;title\x07`) == "" {
		t.Fatalf("the hostile schema text is not shown escaped:\n%s", m.View())
	}
	m = press(t, m, esc, esc, down, enter, enter)
	requireInert(t, "json text", m.View())
}

// requireInert fails when screen holds a C0 control other than a line feed (ESC, BEL, ...),
// DEL, a C1 control or a bidi control.
func requireInert(t *testing.T, what, screen string) {
	t.Helper()
	if i, r := firstControl(screen); i >= 0 {
		t.Fatalf("%s: raw %U at byte %d of\n%q", what, r, i, screen)
	}
}

func firstControl(s string) (int, rune) {
	for i, r := range s {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) ||
			(r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c {
			return i, r
		}
	}
	return -1, 0
}

// TestFirstControlSeesEveryKind: the screen check must catch each kind it claims to.
func TestFirstControlSeesEveryKind(t *testing.T) {
	for _, bad := range []string{"\x1b[1m", "\a", "\b", "\r", "\x7f", "\u009b", "\u202e", "\u2066", "\u200f"} {
		if i, _ := firstControl("ok " + bad); i != 3 {
			t.Errorf("%q not seen (at %d)", bad, i)
		}
	}
	if i, _ := firstControl(`ok \x1b \u202e`); i >= 0 {
		t.Errorf("escaped text flagged at %d", i)
	}
}

// TestGoldenSubjects compares the subjects list, colour stripped, with
// testdata/TestGoldenSubjects/*.golden; `go test ./tui/schemas -run Golden -update` rewrites them.
func TestGoldenSubjects(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := load(t, pane(t, demoRegistry(t), topicsOf("erp.purchasing.orders", "crm.customers"), size[0], size[1]))
			golden.RequireEqual(t, ansi.Strip(m.View()))
		})
	}
}

func nonEmpty(screen string) []string {
	var out []string
	for _, l := range strings.Split(ansi.Strip(screen), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimRight(l, " "))
		}
	}
	return out
}

func TestTopicsErrorKeepsTheSubjects(t *testing.T) {
	failing := func(context.Context) (kafka.Topics, error) {
		return nil, errors.New("list topics: context deadline exceeded")
	}
	m := load(t, pane(t, demoRegistry(t), failing, 120, 10))
	if !screentest.HasRow(m.View(), "orphan-value PROTOBUF 1 4") {
		t.Fatalf("the subjects are not shown when the topics fail:\n%s", m.View())
	}
	if screentest.Line(m.View(), "topics not shown: list topics: context deadline exceeded") == "" {
		t.Fatalf("the topics' failure is not named:\n%s", m.View())
	}
}

// FuzzSchemaText: whatever text a registry returns, what reaches the screen holds no
// terminal control.
func FuzzSchemaText(f *testing.F) {
	for _, s := range []string{ordersV2, "syntax = \"proto3\";\n\tmessage M {}\n", `{"d":"\u001b[2J"}`,
		"{\"d\":\"\x1b]52;c;eA==\x07\"}", "\xff\xfe\u202e\u0085", "[1, 2e400, 12345678901234567890]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if i, r := firstControl(schemaText(s)); i >= 0 {
			t.Fatalf("raw %U at byte %d of the text shown for %q", r, i, s)
		}
	})
}
