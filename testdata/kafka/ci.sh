#!/usr/bin/env bash
# ci.sh — run kpeek's integration suite against real Apache Kafka, one version after another:
# up.sh VERSION, go test -tags integration ./kafka/..., down.sh. Fails if any version fails
# (every version still runs), and prints each phase's wall time.
#
#   testdata/kafka/ci.sh                          # newest 4.x, newest 3.9.x, then 2.8.2 on ZooKeeper (lib.sh)
#   KAFKA_VERSIONS="3.9.2" testdata/kafka/ci.sh   # pick versions
#   GO_TEST_RUN=Groups GO_TEST_FLAGS=-v testdata/kafka/ci.sh
#
# Only the integration tests run (-run '^TestIntegration'); the unit tests are the README's
# test command's job and need no broker. On a ZooKeeper-era version only the old-cluster
# tests run (^TestIntegration$KAFKA_LEGACY_TESTS) unless GO_TEST_RUN says otherwise: the rest
# of the suite needs listeners and APIs those brokers do not offer.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(cd "$KAFKA_DIR/../.." && pwd)
VERSIONS=${KAFKA_VERSIONS:-$KAFKA_DEFAULT_VERSIONS $KAFKA_LEGACY_VERSION}
read -r -a GO_FLAGS <<<"${GO_TEST_FLAGS:-}"
RUN=^TestIntegration${GO_TEST_RUN:-}

# Always leave no broker behind, whatever happens.
trap '"$KAFKA_DIR/down.sh" || true' EXIT

results=()
failed=0
total_start=$SECONDS
# Compile first (running no tests): a build error fails in seconds, before any broker starts,
# and the timed test phase below measures the tests, not the compiler.
log "compiling the integration tests and the kpeek binary"
(cd "$ROOT" && go test -tags integration -count=1 -run '^$' ./kafka/... >/dev/null) ||
	die "the integration tests do not compile"
mkdir -p "$KAFKA_CACHE/bin"
(cd "$ROOT" && go build -o "$KAFKA_CACHE/bin/kpeek" .) || die "kpeek does not build"
export KPEEK_IT_BIN=$KAFKA_CACHE/bin/kpeek   # TestIntegrationCLI runs this binary
log "compiled in $((SECONDS - total_start))s"
for v in $VERSIONS; do
	log "=== Kafka $v ==="
	t0=$SECONDS
	if ! "$KAFKA_DIR/up.sh" "$v"; then
		results+=("Kafka $v: FAIL (broker did not start) after $((SECONDS - t0))s")
		failed=1
		continue
	fi
	t1=$SECONDS
	status=PASS
	run=$RUN
	if legacy_version "$v"; then
		run=^TestIntegration${GO_TEST_RUN:-$KAFKA_LEGACY_TESTS}
	fi
	if ! (cd "$ROOT" && KPEEK_IT_ENV=$KAFKA_RUN/env go test -tags integration -count=1 -timeout 10m \
		-run "$run" "${GO_FLAGS[@]}" ./kafka/...); then
		status=FAIL
		failed=1
		log "Kafka $v: tests failed; broker log copied to $KAFKA_CACHE/logs/server-$v.log"
		mkdir -p "$KAFKA_CACHE/logs"
		cp "$KAFKA_RUN/logs/server.log" "$KAFKA_CACHE/logs/server-$v.log" 2>/dev/null || true
	fi
	t2=$SECONDS
	"$KAFKA_DIR/down.sh"
	results+=("Kafka $v: $status — start $((t1 - t0))s, tests $((t2 - t1))s, stop $((SECONDS - t2))s")
done

log "=== summary (total $((SECONDS - total_start))s) ==="
for r in "${results[@]}"; do log "$r"; done
exit "$failed"
