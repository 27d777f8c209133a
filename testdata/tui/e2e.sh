#!/usr/bin/env bash
# End-to-end check of the explorer: drives `kpeek --demo` in tmux the way a newcomer
# would and checks the screen after each step. Exits non-zero, naming the failed
# check and printing the screen, on the first failure. Run from the repository root:
#   testdata/tui/e2e.sh ./kpeek    (the binary; .ci/run passes it)
#   testdata/tui/e2e.sh            (uses $KPEEK_BIN or ./kpeek, building it if missing)
set -euo pipefail

BIN=${1:-${KPEEK_BIN:-./kpeek}}
SESSION=kpeek-e2e
WIDTH=120
HEIGHT=40

command -v tmux >/dev/null || { echo "e2e: tmux is not installed" >&2; exit 2; }
# A tmux server of the script's own: its paste buffers (which the clipboard checks read)
# and its options are never another session's, and nothing is left behind.
tmux() { command tmux -L "$SESSION" "$@"; }
if [ ! -x "$BIN" ]; then
	echo "e2e: building $BIN"
	go build -o "$BIN" . || { echo "e2e: build failed" >&2; exit 2; }
fi

screen() { tmux capture-pane -p -t "$SESSION" 2>/dev/null; }

PREV_CLIPBOARD=""
cleanup() {
	# set-clipboard is the tmux server's: give other sessions back what they had.
	[ -n "$PREV_CLIPBOARD" ] && tmux set-option -s set-clipboard "$PREV_CLIPBOARD" 2>/dev/null || true
	tmux kill-session -t "$SESSION" 2>/dev/null || true
	tmux kill-server 2>/dev/null || true
}
trap cleanup EXIT

fail() {
	echo "e2e: FAIL: $*" >&2
	echo "--- screen ---" >&2
	screen >&2 || true
	exit 1
}

pass() { echo "e2e: ok: $*"; }

# send KEY... sends tmux key names one at a time, so escapes are not read as alt+key.
send() {
	for k in "$@"; do
		tmux send-keys -t "$SESSION" "$k"
		sleep 0.25
	done
}

# typ TEXT types literal text.
typ() {
	tmux send-keys -t "$SESSION" -l -- "$1"
	sleep 0.4
}

# wait_for TEXT [SECONDS] waits until TEXT is on the screen.
wait_for() {
	local deadline=$((SECONDS + ${2:-20}))
	until screen | grep -qF -- "$1"; do
		[ "$SECONDS" -ge "$deadline" ] && fail "waited ${2:-20}s for \"$1\""
		sleep 0.3
	done
}

must_see() { for t in "$@"; do screen | grep -qF -- "$t" || fail "screen lacks \"$t\""; done; }
must_not_see() { for t in "$@"; do ! screen | grep -qF -- "$t" || fail "screen shows \"$t\""; done; }

# frame_intact checks that the frame survived: header first, key help last, the full
# height drawn, our title kept and nothing written to tmux's paste buffers (OSC 52).
frame_intact() {
	local s first last lines title
	s=$(screen)
	first=$(printf '%s\n' "$s" | head -n 1)
	last=$(printf '%s\n' "$s" | tail -n 1)
	lines=$(printf '%s\n' "$s" | wc -l)
	title=$(tmux display -p -t "$SESSION" '#{pane_title}')
	[[ $first == kpeek* ]] || fail "$1: first line is not the frame's header: \"$first\""
	[[ $last == *quit* || $last == *help* || $last == *back* ]] || fail "$1: last line is not the key help: \"$last\""
	[ "$lines" -eq "$HEIGHT" ] || fail "$1: screen has $lines lines, want $HEIGHT"
	[ "$title" = kpeek ] || fail "$1: the terminal title changed to \"$title\""
	[ -z "$(tmux list-buffers 2>/dev/null)" ] || fail "$1: something wrote to the clipboard: $(tmux list-buffers)"
}

# back_to_topics presses esc until the main pane is the topics table again, saying
# yes when leaving a pane with marks asks first.
back_to_topics() {
	for _ in 1 2 3 4 5; do
		screen | head -n 1 | grep -qE '^kpeek › demo › topics +read-only' && return 0
		if screen | grep -qF "marked record"; then send y; else send Escape; fi
	done
	screen | head -n 1 | grep -qE '^kpeek › demo › topics +read-only' || fail "esc did not lead back to the topics"
}

cleanup
tmux new-session -d -s "$SESSION" -x "$WIDTH" -y "$HEIGHT" "$BIN --demo"
PREV_CLIPBOARD=$(tmux show-options -sv set-clipboard 2>/dev/null || echo external)
tmux set-option -s set-clipboard on >/dev/null 2>&1 || true # OSC 52 writes become buffers the checks can read
tmux delete-buffer -t "$SESSION" 2>/dev/null || true

# 1. Launch: the demo cluster connects and its topics show.
wait_for "Topics 7" 30
must_see "● demo" "auth.logins" "erp.purchasing.orders" "hostile.payloads" "connected"
frame_intact "launch"
pass "launch shows the demo cluster's topics"

# 2. The suspicious group: navigation → consumer groups → backup-agent → its topics.
send Tab j Enter
wait_for "Consumer groups 3"
must_see "backup-agent" "erp-sync" "analytics"
send /
typ "backup"
send Enter Enter
wait_for "Group backup-agent"
must_see "erp.purchasing.orders" "erp.supply.shipments" "Members" "COMMITTED"
frame_intact "group detail"
pass "backup-agent and the topics it reads are visible"
send Escape Escape Escape # detail → list, clear filter, back to navigation
send k Enter              # Topics
wait_for "Topics 7"

# 3. Which groups read a topic (from the topics table).
send /
typ "erp.purchasing"
send Enter r
wait_for "Groups reading erp.purchasing.orders"
must_see "backup-agent"
send Escape Escape
wait_for "Topics 7"
pass "readers of erp.purchasing.orders"

# 4. Open auth.logins: the window prompt (on the demo, the incident's hour), then records
#    in time order, the burst among them with no typing beyond Enter.
send /
typ "auth.logins"
send Enter Enter
wait_for "which window?"
frame_intact "start prompt"
send Enter
wait_for "in range" 30
must_see "TIME UTC" "OFFSET" "\"user\"" "by time" "window "
must_see "203.0.113.7"
frame_intact "auth.logins records"
pass "auth.logins opens on the incident's hour, the burst in it"

# 4b. Widen the window by an hour before, then jump to a time.
send "["
wait_for "widening to" 10
sleep 1
must_see "in range"
send g
typ "-6h"
send Enter
wait_for "at 20" 5
pass "[ widens the window and g jumps to a time"

# 5. Filter to one user.
send /
typ "slyon"
send Enter
sleep 1
must_see "slyon"
must_not_see "aruiz" "ebrown"
pass "the filter narrows to slyon"

# 6. Mark a record; the status line counts it.
send Space
sleep 0.5
screen | tail -n 2 | head -n 1 | grep -qi "marked" || fail "the status line does not count the mark"
pass "space marks a record"
send e
wait_for "Export"
frame_intact "export dialog"
send Escape
pass "e reaches the export dialog"

# 7. Open the record's detail.
send Enter
wait_for "offset"
must_see "headers"
frame_intact "record detail"
send Escape
pass "enter opens the record detail"

# 8. The hostile topic: escape sequences, invalid UTF-8, a 2 MB value.
back_to_topics
send /
typ "hostile"
send Enter Enter
wait_for "which window?"
send C-u
typ "beginning..end"
send Enter
wait_for "13 / 13 in range · done" 30
frame_intact "hostile.payloads"
screen | head -n 1 | grep -qF "hostile.payloads" || fail "the header no longer names the hostile topic"

# 8b. y copies: never a control byte on the clipboard (a bracketed-paste end would
#     run the rest of the paste as a command).
for _ in $(seq 1 14); do
	send y Enter
	sleep 0.3
	send y r y r y Escape j
done
sleep 0.5
n=$(tmux list-buffers 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || fail "y put nothing on the clipboard"
for b in $(tmux list-buffers -F '#{buffer_name}'); do
	if tmux show-buffer -b "$b" | LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]'; then
		fail "clipboard buffer $b holds a control byte: $(tmux show-buffer -b "$b" | od -c | head -5)"
	fi
	tmux delete-buffer -b "$b"
done
pass "y copied $n times from hostile.payloads, no control byte on the clipboard"
send Home
for _ in $(seq 1 14); do
	send j Enter
	sleep 0.3
	frame_intact "hostile record detail"
	send Escape
done
frame_intact "hostile.payloads after every record"
pass "the frame survives hostile.payloads"



# 9. Help and quit.
back_to_topics
send "?"
wait_for "Keys"
send "?"
send q
if screen | grep -qF "not exported"; then # the mark made in auth.logins: quitting asks first
	pass "q with an unexported mark asks first"
	send y
fi
for _ in $(seq 1 20); do
	tmux has-session -t "$SESSION" 2>/dev/null || break
	sleep 0.25
done
! tmux has-session -t "$SESSION" 2>/dev/null || fail "q did not quit"
pass "q quits"

# 10. Launch to records in Splunk within 20 keystrokes: a config naming the cluster
#     (kpeek demo serve) and a Splunk destination (the in-repo collector), auth.logins
#     on the default window, filtered to slyon, all marked, delivered. Every key sent
#     from here on is counted.
WORK=$(mktemp -d)
SERVE_PID="" HEC_PID=""
stop_helpers() {
	[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null || true
	[ -n "$HEC_PID" ] && kill "$HEC_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap 'cleanup; stop_helpers' EXIT
# A signal must not leave the collector or the demo cluster running (they would hold
# whatever the script's caller gave it, such as a lock or an output pipe).
trap 'exit 130' INT TERM HUP
"$BIN" demo serve --addr 127.0.0.1:0 --registry-addr 127.0.0.1:0 >"$WORK/serve.out" 2>&1 &
SERVE_PID=$!
go build -o "$WORK/hecserver" ./testdata/tui/hecserver || fail "build the HEC collector"
"$WORK/hecserver" -token e2e-token -count "$WORK/hec.count" >"$WORK/hec.out" 2>&1 &
HEC_PID=$!
for _ in $(seq 1 120); do
	grep -q "schema registry on" "$WORK/serve.out" 2>/dev/null && [ -s "$WORK/hec.out" ] && break
	sleep 0.25
done
KAFKA=$(sed -n 's/.*kafka on \([^,]*\),.*/\1/p' "$WORK/serve.out")
REGISTRY=$(sed -n 's/.*schema registry on \([^ ]*\) .*/\1/p' "$WORK/serve.out")
HEC_URL=$(head -n 1 "$WORK/hec.out")
[ -n "$KAFKA" ] && [ -n "$REGISTRY" ] && [ -n "$HEC_URL" ] || fail "helpers did not start: $(cat "$WORK"/*.out)"
cat >"$WORK/kpeek.yaml" <<YAML
default: case
clusters:
  case:
    brokers: [$KAFKA]
    schema_registry:
      url: $REGISTRY
    splunk:
      url: $HEC_URL
      token: \${KPEEK_E2E_HEC_TOKEN}
      index: main
YAML
tmux new-session -d -s "$SESSION" -x "$WIDTH" -y "$HEIGHT" "env KPEEK_E2E_HEC_TOKEN=e2e-token $BIN --config $WORK/kpeek.yaml"
KEYS=0
key() { KEYS=$((KEYS + $#)); send "$@"; }
typed() { KEYS=$((KEYS + ${#1})); typ "$1"; }
wait_for "Topics 7" 30
screen | grep -E '^[^│]*│ *auth\.logins' >/dev/null || fail "auth.logins is not the first topic"
key Enter                       # auth.logins
wait_for "which window?"
key C-u                         # the demo's incident is 6 h old: a window from 7 h ago
typed "-7h"
key Enter
wait_for "in range · done" 30
key /
typed "slyon"
key Enter
wait_for "match" 10
key A                           # mark all matching
sleep 0.5
MARKED=$(screen | sed -n 's/.*│ [0-9,]* loaded · [0-9,]* match · \([0-9,]*\) marked.*/\1/p' | tr -d , | head -n 1)
[ -n "$MARKED" ] && [ "$MARKED" -gt 0 ] || fail "nothing marked"
key e                           # export: the config's Splunk destination first
wait_for "HEC URL" 10
key Enter                       # deliver
for _ in $(seq 1 120); do
	[ "$(cat "$WORK/hec.count" 2>/dev/null)" = "$MARKED" ] && break
	sleep 0.25
done
GOT=$(cat "$WORK/hec.count" 2>/dev/null || echo 0)
[ "$GOT" = "$MARKED" ] || fail "the collector received $GOT events, want the $MARKED marked"
[ "$KEYS" -le 20 ] || fail "launch to Splunk took $KEYS keystrokes, the budget is 20"
pass "launch → auth.logins → slyon → all marked → $GOT events in Splunk in $KEYS keystrokes (budget 20)"

# 11. Follow, then the broker dies: the explorer says so at once, not 'following ↓'.
send Escape s Tab Tab Space Enter
wait_for "following" 15
kill "$SERVE_PID"
SERVE_PID=""
wait_for "connection lost" 20
must_not_see "connected · 1 broker"
must_see "stalled: connection lost"
pass "a dead broker shows as 'connection lost' while following"
send q
screen | grep -qF "not exported" && send y
echo "e2e: all checks passed"
