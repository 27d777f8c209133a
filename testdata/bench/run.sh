#!/usr/bin/env bash
# run.sh — kpeek's speed against kcat, on one real Kafka broker, as whole processes.
#
#   bash testdata/bench/run.sh            # ~10 min on 2 cores; not part of .ci/run
#   BENCH_RUNS=3 BENCH_RECORDS=200000 bash testdata/bench/run.sh   # a quicker look
#   BENCH_ROWS=explorer bash testdata/bench/run.sh                   # the explorer rows only
#   BENCH_ROWS=topics bash testdata/bench/run.sh                     # the topics row only
#   BENCH_KPEEK=/tmp/kpeek-old bash testdata/bench/run.sh            # measure another build
#
# Starts the real broker of testdata/kafka (up.sh, PLAINTEXT on 127.0.0.1:29092), writes the
# data sets once (testdata/bench/produce: 1M JSON records of ~190 B in 3 partitions, 100k Avro
# records behind a schema registry it serves), then runs each kpeek command and its kcat peer
# in turn, A B A B ..., under /usr/bin/time, and prints per row the medians of wall time,
# CPU time (user + sys) and peak RSS, and the median of the pairwise kpeek/kcat ratios.
# The explorer rows drive `kpeek -b BROKER` in a tmux session (BENCH_TMUX_SESSION, default
# kpeek-bench) as a user would: open bench.json, type "beginning" as the start, Enter; they
# time the first record on screen and the whole load (until the counter line says every
# record in range is loaded and the read is done) against kpeek's own headless read, then a
# CEL filter over everything loaded (until the filter line stops scanning). Screen polling
# makes those wall times accurate to a few tens of milliseconds.
# Needs Java 17, Maven, kcat, GNU time and tmux (Debian: apt-get install kcat time tmux).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/testdata/kafka/lib.sh"

RUNS=${BENCH_RUNS:-5}
RECORDS=${BENCH_RECORDS:-1000000}
AVRO_RECORDS=${BENCH_AVRO_RECORDS:-100000}
VERSION=${BENCH_KAFKA_VERSION:-${KAFKA_DEFAULT_VERSIONS%% *}}
REGISTRY=127.0.0.1:28081
B=$KAFKA_HOST:$PORT_PLAINTEXT
WORK=$(mktemp -d)

for tool in kcat java mvn tmux; do
	command -v "$tool" >/dev/null || die "bench: $tool is not installed (Debian: apt-get install kcat)"
done
[[ -x /usr/bin/time ]] || die "bench: GNU time is not installed (Debian: apt-get install time)"

SESSION=${BENCH_TMUX_SESSION:-kpeek-bench}
cleanup() {
	tmux kill-session -t "$SESSION" 2>/dev/null || true
	[[ -n ${REG_PID:-} ]] && kill "$REG_PID" 2>/dev/null || true
	"$KAFKA_DIR/down.sh" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT

log "bench: building kpeek"
(cd "$ROOT" && CGO_ENABLED=0 go build -o "$WORK/kpeek" . && go build -o "$WORK/produce" ./testdata/bench/produce)
KPEEK=${BENCH_KPEEK:-$WORK/kpeek} # BENCH_KPEEK=path measures another build (a before/after)
"$KAFKA_DIR/up.sh" "$VERSION"

log "bench: writing $RECORDS JSON and $AVRO_RECORDS Avro records"
"$WORK/produce" -brokers "$B" -json bench.json -n "$RECORDS"
"$WORK/produce" -brokers "$B" -avro bench.avro -n "$AVRO_RECORDS" -registry "$REGISTRY" 2>"$WORK/registry.log" &
REG_PID=$!
for _ in $(seq 600); do
	grep -q "schema registry on" "$WORK/registry.log" 2>/dev/null && break
	kill -0 "$REG_PID" 2>/dev/null || { cat "$WORK/registry.log" >&2; die "bench: the Avro producer failed"; }
	sleep 0.2
done

# Partition order is what kcat reads; time order is kpeek's default for bounded reads.
ORDER=()
if "$KPEEK" consume --help 2>/dev/null | grep -q -- '--order'; then ORDER=(--order partition); fi

# sample FILE CMD...: one run of CMD (stdout discarded), "wall cpu rss_kb" appended to FILE.
# The wall time is taken with nanosecond clock reads around GNU time (whose %e has only
# centiseconds, too coarse for `topics`); both sides of a pair pay the same small overhead.
sample() {
	local out=$1 t0 t1
	shift
	t0=$(date +%s%N)
	/usr/bin/time -f '%U %S %M' -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" ||
		{ cat "$WORK/err" >&2; die "bench: failed: $*"; }
	t1=$(date +%s%N)
	awk -v ns=$((t1 - t0)) '{printf "%.4f %.3f %s\n", ns / 1e9, $1 + $2, $3}' "$WORK/t" >>"$out"
}

# median COLUMN FILE: the median of one column.
median() { awk -v c="$1" '{print $c}' "$2" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# ratio COLUMN A B: the median of the pairwise A/B ratios.
ratio() {
	paste -d' ' <(awk -v c="$1" '{print $c}' "$2") <(awk -v c="$1" '{print $c}' "$3") |
		awk '$2 > 0 {printf "%.3f\n", $1 / $2}' | sort -g |
		awk '{a[NR]=$1} END {if (NR == 0) print "n/a"; else printf "%.2f\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}

ROWS=()
# pair NAME "KPEEK CMD" "PEER CMD": interleaved runs after one warm-up of each.
pair() {
	local name=$1 a=$2 b=$3 fa=$WORK/a.$RANDOM fb=$WORK/b.$RANDOM
	log "bench: $name"
	sample /dev/null bash -c "$a"
	sample /dev/null bash -c "$b"
	for _ in $(seq "$RUNS"); do
		sample "$fa" bash -c "$a"
		sample "$fb" bash -c "$b"
	done
	ROWS+=("$(printf '%-34s %8s %8s %8s   %8s %8s %8s   %6sx %6sx' "$name" \
		"$(median 1 "$fa")" "$(median 2 "$fa")" "$(($(median 3 "$fa" | cut -d. -f1) / 1024))" \
		"$(median 1 "$fb")" "$(median 2 "$fb")" "$(($(median 3 "$fb" | cut -d. -f1) / 1024))" \
		"$(ratio 1 "$fa" "$fb")" "$(ratio 2 "$fa" "$fb")")")
}

K="$KPEEK -b $B"
C="kcat -b $B -C -e -q"
ROWS_WANTED=${BENCH_ROWS:-all} # all, explorer (the explorer rows only) or topics (that row only)
if [[ $ROWS_WANTED == topics ]]; then
	pair "topics (one metadata call)" "$K topics" "kcat -b $B -L"
fi
if [[ $ROWS_WANTED == all ]]; then
	pair "consume -o raw" "$K consume -t bench.json ${ORDER[*]} -o raw" "$C -t bench.json -f '%s\n'"
	pair "consume -o ndjson (vs kcat -J)" "$K consume -t bench.json ${ORDER[*]}" "$C -t bench.json -J"
	pair "consume --filter failure -o raw" "$K consume -t bench.json ${ORDER[*]} --filter failure -o raw" \
		"$C -t bench.json -f '%s\n' | grep -F failure"
	pair "100k Avro decoded (vs kcat -J raw)" "$K --schema-registry http://$REGISTRY consume -t bench.avro ${ORDER[*]}" \
		"$C -t bench.avro -J"
	if ((${#ORDER[@]})); then
		pair "consume in time order (default)" "$K consume -t bench.json" "$C -t bench.json -J"
	fi
	pair "topics (one metadata call)" "$K topics" "kcat -b $B -L"
fi

# The explorer, driven in tmux.
tscreen() { tmux capture-pane -p -t "$SESSION" 2>/dev/null; }
tkeys() { tmux send-keys -t "$SESSION" "$@" && sleep 0.3; }
now() { date +%s.%N; }
# twait REGEX SECONDS: waits until a line of the screen matches the extended REGEX.
twait() {
	local deadline=$((SECONDS + $2))
	until tscreen | grep -qE -- "$1"; do
		((SECONDS < deadline)) || { tscreen >&2; die "bench: waited $2 s for /$1/ on the explorer's screen"; }
		sleep 0.02
	done
}
# tusage: "cpu_seconds peak_rss_kb" of the explorer process so far.
tusage() {
	local pid
	pid=$(tmux display -p -t "$SESSION" '#{pane_pid}')
	awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f ", ($14 + $15) / hz}' "/proc/$pid/stat"
	awk '/^VmHWM:/ {print $2}' "/proc/$pid/status"
}
# explorer FIRST LOAD FILTER: one run: opens bench.json on the window beginning..end and appends
# "wall cpu rss_kb" of the first record on screen, the load and the CEL filter to the files.
explorer() {
	local t0 t1 c0 c1 u
	tmux kill-session -t "$SESSION" 2>/dev/null || true
	tmux new-session -d -s "$SESSION" -x 120 -y 40 "exec $K"
	twait 'bench\.json' 60
	tkeys / && tkeys -l bench.json && tkeys Enter && tkeys Enter
	twait 'which window' 30
	tkeys C-u && tkeys -l beginning..end
	read -r c0 _ <<<"$(tusage)"
	t0=$(now)
	tmux send-keys -t "$SESSION" Enter
	twait ' [1-9][0-9,]* / [0-9,?]+ in range' 60
	t1=$(now)
	u=$(tusage)
	echo "$t0 $t1 $c0 $u" | awk '{printf "%.3f %.3f %s\n", $2 - $1, $4 - $3, $5}' >>"$1"
	twait ' ([0-9,]+) / \1 in range · done' 600
	t1=$(now)
	u=$(tusage)
	echo "$t0 $t1 $c0 $u" | awk '{printf "%.3f %.3f %s\n", $2 - $1, $4 - $3, $5}' >>"$2"
	sleep 2 # let the background classification of the last records finish, as a user would
	tkeys / && tkeys -l 'value.result == "failure"'
	read -r c0 _ <<<"$(tusage)"
	t0=$(now)
	tmux send-keys -t "$SESSION" Enter
	twait 'filter value\.result.* [0-9,]+ match *$' 600
	t1=$(now)
	u=$(tusage)
	echo "$t0 $t1 $c0 $u" | awk '{printf "%.3f %.3f %s\n", $2 - $1, $4 - $3, $5}' >>"$3"
	tmux kill-session -t "$SESSION"
}
# row NAME A [B]: a table row from sample files (B, the peer, may be absent).
row() {
	local peer=("-" "-" "-" "-" "-")
	if [[ -n ${3:-} ]]; then
		peer=("$(median 1 "$3")" "$(median 2 "$3")" "$(($(median 3 "$3" | cut -d. -f1) / 1024))" \
			"$(ratio 1 "$2" "$3")x" "$(ratio 2 "$2" "$3")x")
	fi
	ROWS+=("$(printf '%-34s %8s %8s %8s   %8s %8s %8s   %7s %7s' "$1" \
		"$(median 1 "$2")" "$(median 2 "$2")" "$(($(median 3 "$2" | cut -d. -f1) / 1024))" \
		"${peer[0]}" "${peer[1]}" "${peer[2]}" "${peer[3]}" "${peer[4]}")")
}
if [[ $ROWS_WANTED == all || $ROWS_WANTED == explorer ]]; then
log "bench: the explorer (tmux session $SESSION)"
EF=$WORK/ef EL=$WORK/el EC=$WORK/ec HL=$WORK/hl
explorer /dev/null /dev/null /dev/null # warm-up
for _ in $(seq "$RUNS"); do
	sample "$HL" bash -c "$K consume -t bench.json -o raw"
	explorer "$EF" "$EL" "$EC"
done
row "explorer load (vs consume -o raw)" "$EL" "$HL"
row "explorer CEL filter, all loaded" "$EC"
row "explorer first record on screen" "$EF"
fi

printf '\nKafka %s, %d JSON records, %d Avro records, %d interleaved runs each (medians; ratios are kpeek/kcat)\n' \
	"$VERSION" "$RECORDS" "$AVRO_RECORDS" "$RUNS"
printf '%-34s %8s %8s %8s   %8s %8s %8s   %7s %7s\n' "measure" "kp wall" "kp cpu" "kp MB" "kc wall" "kc cpu" "kc MB" "wall" "cpu"
for r in "${ROWS[@]}"; do printf '%s\n' "$r"; done
echo "The explorer rows' peer is kpeek's own headless read (consume -o raw, in time order as the"
echo "explorer reads); their kp MB is the explorer's peak resident memory so far, their cpu the"
echo "explorer's CPU time over the row's span."
