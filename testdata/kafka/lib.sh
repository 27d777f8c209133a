# lib.sh — settings shared by up.sh, down.sh and ci.sh; sourced, never run.
#
# Fixed loopback ports, one per listener (all on 127.0.0.1, chosen away from 9092 so a
# developer's own Kafka or `kpeek demo serve` can run beside the test broker, and below Linux's
# ephemeral range (32768-60999): a busy machine's outgoing connections once took 39096 first):
#   29092 PLAINTEXT      no auth (principal ANONYMOUS, a super user: the tests' admin path)
#   29093 CONTROLLER     KRaft controller, broker-internal
#   29094 SASL_PLAINTEXT PLAIN and SCRAM-SHA-512 users
#   29095 SSL            TLS, server certificate only
#   29096 MTLS           TLS, client certificate required
#   29097 SASL_SSL       PLAIN and SCRAM-SHA-512 users over TLS
#   29098 OAUTH          SASL_PLAINTEXT with OAUTHBEARER tokens checked against a local JWKS file
#   29099 GSSAPI         SASL_PLAINTEXT with Kerberos, when MIT's KDC is installed (krb5-kdc,
#                        krb5-admin-server, krb5-user); its KDC listens on 29188
#   29091 ZooKeeper      only for a ZooKeeper-mode version (2.x, 3.0-3.2, see legacy_version),
#                        which offers PLAINTEXT, SSL and MTLS only

# Newest releases on Maven Central when this was written (see the report / README).
KAFKA_DEFAULT_VERSIONS="4.4.0 3.9.2"
# The ZooKeeper-era release the old-cluster tests run on, and the tests that run on it
# (appended to ^TestIntegration; the rest of the suite assumes KRaft-era features).
KAFKA_LEGACY_VERSION=2.8.2
KAFKA_LEGACY_TESTS=Legacy

KAFKA_HOST=127.0.0.1
PORT_PLAINTEXT=29092
PORT_CONTROLLER=29093
PORT_SASL=29094
PORT_SSL=29095
PORT_MTLS=29096
PORT_SASL_SSL=29097
PORT_OAUTH=29098
PORT_GSSAPI=29099
PORT_KDC=29188
PORT_ZOOKEEPER=29091
KAFKA_PORTS="$PORT_PLAINTEXT $PORT_CONTROLLER $PORT_SASL $PORT_SSL $PORT_MTLS $PORT_SASL_SSL $PORT_OAUTH"
KRB_REALM=KPEEK.TEST

KAFKA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_CACHE=$KAFKA_DIR/.cache   # downloaded jars, per version; kept between runs (gitignored)
KAFKA_RUN=$KAFKA_DIR/run        # the running broker: config, data, TLS files, logs, env (gitignored)
KAFKA_PIDFILE=$KAFKA_RUN/broker.pid
KDC_PIDFILE=$KAFKA_RUN/krb5kdc.pid
ZK_PIDFILE=$KAFKA_RUN/zookeeper.pid

# legacy_version succeeds for a version that runs on ZooKeeper: 2.x, and 3.0-3.2, where KRaft
# was not yet production-ready.
legacy_version() {
	local major=${1%%.*} rest=${1#*.}
	local minor=${rest%%.*}
	((major < 3 || (major == 3 && minor < 3)))
}

# kerberos_available succeeds when MIT's KDC, its admin tools and kinit are installed.
kerberos_available() { command -v krb5kdc && command -v kdb5_util && command -v kadmin.local && command -v kinit; } >/dev/null

# log prints a progress line on stderr.
log() { printf '[kafka-it %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# die prints an error and exits non-zero.
die() { printf '[kafka-it] ERROR: %s\n' "$*" >&2; exit 1; }

# port_in_use succeeds when something listens on 127.0.0.1:$1.
port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# broker_pid prints the pid of the broker started by up.sh if it is still alive.
broker_pid() {
	[[ -f $KAFKA_PIDFILE ]] || return 1
	local pid
	pid=$(<"$KAFKA_PIDFILE")
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
	echo "$pid"
}

# leftover_pids [MAIN CONFIG] prints pids of java processes still running this checkout's
# broker config (a broker whose pid file was lost), or MAIN with CONFIG (ZooKeeper); matched
# on the exact config path, never on a broad name.
leftover_pids() {
	local f pid want="${1:-kafka.Kafka} ${2:-$KAFKA_RUN/server.properties}"
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}; pid=${pid%/cmdline}
		if tr '\0' ' ' 2>/dev/null <"$f" | grep -qF -- "$want"; then
			echo "$pid"
		fi
	done
}
