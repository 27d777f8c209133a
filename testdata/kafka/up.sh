#!/usr/bin/env bash
# up.sh [VERSION] — start one real Apache Kafka broker (KRaft, combined broker+controller) on
# 127.0.0.1 for kpeek's integration tests, from Apache's own jars on Maven Central. A
# ZooKeeper-era version (2.x, 3.0-3.2) runs with a ZooKeeper from the same jars instead, and
# offers PLAINTEXT, SSL and MTLS only (the env file leaves the other listeners empty and sets
# KPEEK_IT_LEGACY=1, so tests needing them skip).
#
#   testdata/kafka/up.sh 4.4.0     # or 3.9.2, 2.8.2; default: $KAFKA_VERSION, else the newest 4.x below
#   go test -tags integration -count=1 ./kafka/...
#   testdata/kafka/down.sh
#
# Jars are resolved once per version into testdata/kafka/.cache/VERSION/libs and reused. Every
# run starts from a fresh, freshly formatted data dir and fresh certificates in testdata/kafka/run,
# and writes testdata/kafka/run/env (addresses, users, certificate paths) for the tests.
# Ports and users: see lib.sh and write_env below. Running it again restarts the broker.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSION=${1:-${KAFKA_VERSION:-${KAFKA_DEFAULT_VERSIONS%% *}}}
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "version must look like 4.4.0 or 3.9.2, got '$VERSION'"
MAJOR=${VERSION%%.*}
LIBS=$KAFKA_CACHE/$VERSION/libs
START_TIMEOUT=${KAFKA_START_TIMEOUT:-180}   # seconds; the machine may be busy compiling

ADMIN_USER=admin ADMIN_PASSWORD=admin-secret       # super user (PLAIN and SCRAM-SHA-512)
READER_USER=reader READER_PASSWORD=reader-secret   # restricted: ACLs set by the tests' setup
MTLS_USER=kpeek-it-client                          # CN of the good client cert, a super user
OAUTH_USER=kpeek-oidc                              # the "sub" of the tokens the tests' IdP signs, a super user
OAUTH_AUDIENCE=kpeek-it OAUTH_KID=kpeek-it-idp OAUTH_ISSUER=https://idp.kpeek-it.test
KRB_CLIENT=ir-analyst KRB_PASSWORD_USER=ir-password KRB_PASSWORD=kerberos-secret   # super users too
KERBEROS=0
LEGACY=0
if legacy_version "$VERSION"; then
	LEGACY=1
	KAFKA_PORTS="$PORT_PLAINTEXT $PORT_SSL $PORT_MTLS"
elif kerberos_available; then
	KERBEROS=1
	KAFKA_PORTS="$KAFKA_PORTS $PORT_GSSAPI"
fi

# fetch_jars resolves kafka_2.13:$VERSION and its runtime dependencies into $LIBS (once).
fetch_jars() {
	if [[ -f $LIBS/.complete ]]; then
		log "Kafka $VERSION jars: cached in ${LIBS#"$KAFKA_DIR"/}"
		return
	fi
	command -v mvn >/dev/null || die "mvn not found: install Maven to download Kafka from Maven Central"
	local dir=$KAFKA_CACHE/$VERSION logging
	mkdir -p "$dir"
	if ((MAJOR >= 4)); then
		# slf4j 2 pinned: Kafka's pom names slf4j-api 1.7, which ignores log4j-slf4j2-impl.
		logging='    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>'
	else
		logging='    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>'
	fi
	local tmpl
	tmpl=$(<"$KAFKA_DIR/pom.xml.tmpl")
	tmpl=${tmpl//@KAFKA_VERSION@/$VERSION}
	printf '%s\n' "${tmpl//@LOGGING_DEPENDENCIES@/$logging}" >"$dir/pom.xml"
	log "Kafka $VERSION jars: resolving from Maven Central (first run only, ~1-3 min)"
	rm -rf "$LIBS.tmp"
	if ! mvn -B -q -f "$dir/pom.xml" dependency:copy-dependencies \
		-DincludeScope=runtime -DoutputDirectory="$LIBS.tmp" >"$dir/mvn.log" 2>&1; then
		tail -n 30 "$dir/mvn.log" >&2
		die "could not resolve org.apache.kafka:kafka_2.13:$VERSION (is the version on Maven Central?); log: $dir/mvn.log"
	fi
	ls "$LIBS.tmp"/kafka_2.13-"$VERSION".jar >/dev/null || die "kafka_2.13-$VERSION.jar missing after resolution"
	rm -rf "$LIBS"
	mv "$LIBS.tmp" "$LIBS"
	touch "$LIBS/.complete"
	log "Kafka $VERSION jars: $(find "$LIBS" -name '*.jar' | wc -l) jars in ${LIBS#"$KAFKA_DIR"/}"
}

# gen_tls writes a CA, a broker certificate for 127.0.0.1/localhost, a client certificate from
# the CA (mTLS), and a client certificate from an unrelated CA (must be refused), all PEM.
gen_tls() {
	local t=$KAFKA_RUN/tls
	mkdir -p "$t"
	local subj=/O=kpeek-integration
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "$subj/CN=kpeek-it-ca" \
		-keyout "$t/ca.key" -out "$t/ca.pem" 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "$subj/CN=kpeek-it-other-ca" \
		-keyout "$t/other-ca.key" -out "$t/other-ca.pem" 2>/dev/null
	# issue NAME ISSUER CN EXTENSIONS: a key and certificate signed by ISSUER's key.
	issue() {
		openssl req -newkey rsa:2048 -nodes -subj "$subj/CN=$3" -keyout "$t/$1.key.tmp" -out "$t/$1.csr" 2>/dev/null
		printf '%s\n' "$4" >"$t/$1.ext"
		openssl x509 -req -in "$t/$1.csr" -CA "$t/$2.pem" -CAkey "$t/$2.key" -CAcreateserial -days 2 \
			-sha256 -extfile "$t/$1.ext" -out "$t/$1.pem" 2>/dev/null
		# PKCS#8, as Kafka's PEM keystore requires.
		openssl pkcs8 -topk8 -nocrypt -in "$t/$1.key.tmp" -out "$t/$1.key"
		rm -f "$t/$1.key.tmp" "$t/$1.csr" "$t/$1.ext"
	}
	issue broker ca localhost "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth,clientAuth"
	issue client ca "$MTLS_USER" "extendedKeyUsage=clientAuth"
	issue other-client other-ca kpeek-it-intruder "extendedKeyUsage=clientAuth"
	# Broker keystore: private key then certificate chain, one PEM file (ssl.keystore.type=PEM).
	cat "$t/broker.key" "$t/broker.pem" "$t/ca.pem" >"$t/broker-keystore.pem"
	# Encrypted copies of the client key, to prove key passwords end to end: the legacy OpenSSL
	# format (Proc-Type/DEK-Info) and PKCS#8 (what Java's PEM support requires).
	openssl rsa -aes256 -traditional -passout pass:client-key-secret \
		-in "$t/client.key" -out "$t/client-encrypted.key" 2>/dev/null
	openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:client-key-secret \
		-in "$t/client.key" -out "$t/client-pkcs8-encrypted.key" 2>/dev/null
	chmod 600 "$t"/*.key
	# Java key stores, as a Java shop's client.properties names them: a JKS and a PKCS12 trust
	# store of the CA, and the client's key as PKCS12 and as JKS (its key with its own password).
	keytool -importcert -noprompt -alias ca -file "$t/ca.pem" -keystore "$t/truststore.jks" \
		-storetype JKS -storepass trust-secret >/dev/null 2>&1
	keytool -importcert -noprompt -alias ca -file "$t/ca.pem" -keystore "$t/truststore.p12" \
		-storetype PKCS12 -storepass trust-secret >/dev/null 2>&1
	openssl pkcs12 -export -name client -in "$t/client.pem" -inkey "$t/client.key" -certfile "$t/ca.pem" \
		-passout pass:keystore-secret -out "$t/client.p12"
	keytool -importkeystore -noprompt -srckeystore "$t/client.p12" -srcstoretype PKCS12 -srcstorepass keystore-secret \
		-destkeystore "$t/client.jks" -deststoretype JKS -deststorepass keystore-secret \
		-destkeypass client-key-secret -srcalias client >/dev/null 2>&1
	[[ -s $t/truststore.jks && -s $t/truststore.p12 && -s $t/client.jks ]] || die "keytool did not write the Java key stores"
	# The OIDC provider's signing key and its JWKS (a file the broker reads): the tests run the
	# token endpoint themselves and sign tokens with idp.key.
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$t/idp.key" 2>/dev/null
	local modulus n
	modulus=$(openssl rsa -in "$t/idp.key" -noout -modulus | cut -d= -f2)
	n=$(perl -e 'print pack("H*", shift)' "$modulus" | base64 -w0 | tr '+/' '-_' | tr -d '=')
	printf '{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"%s","n":"%s","e":"AQAB"}]}\n' "$OAUTH_KID" "$n" >"$t/jwks.json"
	chmod 600 "$t/idp.key"
}

# start_kdc creates a Kerberos realm on loopback with MIT's KDC: the broker's service
# principal kafka/127.0.0.1 and a client, ir-analyst, each with a keytab, and a password user.
start_kdc() {
	local k=$KAFKA_RUN/krb5
	mkdir -p "$k"
	cat >"$k/krb5.conf" <<EOF
[libdefaults]
	default_realm = $KRB_REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	dns_canonicalize_hostname = false
	udp_preference_limit = 1
[realms]
	$KRB_REALM = {
		kdc = $KAFKA_HOST:$PORT_KDC
	}
EOF
	cat >"$k/kdc.conf" <<EOF
[kdcdefaults]
	kdc_ports = $PORT_KDC
	kdc_tcp_ports = $PORT_KDC
[realms]
	$KRB_REALM = {
		database_name = $k/principal
		key_stash_file = $k/stash
		acl_file = $k/kadm5.acl
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
		max_life = 1h
	}
[logging]
	kdc = FILE:$KAFKA_RUN/logs/krb5kdc.log
EOF
	: >"$k/kadm5.acl"
	export KRB5_CONFIG=$k/krb5.conf KRB5_KDC_PROFILE=$k/kdc.conf
	kdb5_util create -s -r "$KRB_REALM" -P kpeek-it-master >"$KAFKA_RUN/logs/kdb5.log" 2>&1 ||
		die "kdb5_util create failed (log: $KAFKA_RUN/logs/kdb5.log)"
	local q
	for q in "addprinc -randkey kafka/$KAFKA_HOST" "ktadd -k $k/kafka.keytab kafka/$KAFKA_HOST" \
		"addprinc -randkey $KRB_CLIENT" "ktadd -k $k/client.keytab $KRB_CLIENT" \
		"addprinc -pw $KRB_PASSWORD $KRB_PASSWORD_USER"; do
		kadmin.local -q "$q" >>"$KAFKA_RUN/logs/kdb5.log" 2>&1 || die "kadmin.local $q failed"
	done
	krb5kdc -n -P "$KDC_PIDFILE" >>"$KAFKA_RUN/logs/krb5kdc.log" 2>&1 </dev/null &
	local i
	for i in $(seq 50); do
		(exec 3<>"/dev/tcp/$KAFKA_HOST/$PORT_KDC") 2>/dev/null && break
		sleep 0.1
	done
	# The client's ticket cache, as kinit writes it, for the ticket-cache login.
	kinit -k -t "$k/client.keytab" -c "$k/ccache" "$KRB_CLIENT@$KRB_REALM" || die "kinit with the client keytab failed"
	chmod 600 "$k"/*.keytab "$k/ccache"
	log "Kerberos realm $KRB_REALM: KDC on $KAFKA_HOST:$PORT_KDC"
}

# write_config writes server.properties and the log configuration for $VERSION.
write_config() {
	local h=$KAFKA_HOST t=$KAFKA_RUN/tls log_opt
	cat >"$KAFKA_RUN/server.properties" <<EOF
# Generated by testdata/kafka/up.sh for Kafka $VERSION — single node, KRaft combined mode.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$h:$PORT_CONTROLLER
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$h:$PORT_PLAINTEXT,CONTROLLER://$h:$PORT_CONTROLLER,SASL_PLAINTEXT://$h:$PORT_SASL,SSL://$h:$PORT_SSL,MTLS://$h:$PORT_MTLS,SASL_SSL://$h:$PORT_SASL_SSL,OAUTH://$h:$PORT_OAUTH
advertised.listeners=PLAINTEXT://$h:$PORT_PLAINTEXT,SASL_PLAINTEXT://$h:$PORT_SASL,SSL://$h:$PORT_SSL,MTLS://$h:$PORT_MTLS,SASL_SSL://$h:$PORT_SASL_SSL,OAUTH://$h:$PORT_OAUTH
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_SSL:SASL_SSL,OAUTH:SASL_PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_RUN/data

# One broker: every internal topic with one replica; no surprises for a read-only tool.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.partitions=1
# On (the Kafka default) so a client that asks about a missing topic would create it: kpeek must not.
auto.create.topics.enable=true
log.cleaner.backoff.ms=1000
# A busy CI machine can starve the broker's heartbeat to its own controller for seconds; the
# defaults (9 s session, 2 s heartbeat timeout) then fence the only broker and every partition
# loses its leader mid-test. Generous values keep one node stable.
broker.session.timeout.ms=60000
broker.heartbeat.interval.ms=3000

# SASL: PLAIN users live in the JAAS line; SCRAM-SHA-512 credentials were written at format time.
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$ADMIN_USER="$ADMIN_PASSWORD" user_$READER_USER="$READER_PASSWORD";
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$ADMIN_USER="$ADMIN_PASSWORD" user_$READER_USER="$READER_PASSWORD";
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;

# OAUTHBEARER (OIDC): tokens signed by the tests' IdP key, checked against its JWKS file.
listener.name.oauth.sasl.enabled.mechanisms=OAUTHBEARER
listener.name.oauth.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;
listener.name.oauth.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler
sasl.oauthbearer.jwks.endpoint.url=file://$t/jwks.json
sasl.oauthbearer.expected.audience=$OAUTH_AUDIENCE
sasl.oauthbearer.expected.issuer=$OAUTH_ISSUER

# TLS with PEM files (ssl.keystore.type=PEM exists since Kafka 2.7, so in 3.9 and 4.x).
ssl.keystore.type=PEM
ssl.keystore.location=$t/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$t/ca.pem
ssl.client.auth=none
listener.name.mtls.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^.*CN=([^,]+).*\$/\$1/,DEFAULT

# Authorization: super users bypass ACLs; everyone else needs ACLs (none exist until the tests add them).
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$ADMIN_USER;User:ANONYMOUS;User:$MTLS_USER;User:$OAUTH_USER
allow.everyone.if.no.acl.found=false
EOF
	if ((KERBEROS)); then
		sed -i -e "s|^listeners=.*|&,GSSAPI://$h:$PORT_GSSAPI|" -e "s|^advertised.listeners=.*|&,GSSAPI://$h:$PORT_GSSAPI|" \
			-e "s|^listener.security.protocol.map=.*|&,GSSAPI:SASL_PLAINTEXT|" \
			-e "s|^super.users=.*|&;User:$KRB_CLIENT;User:$KRB_PASSWORD_USER|" "$KAFKA_RUN/server.properties"
		cat >>"$KAFKA_RUN/server.properties" <<EOF

# Kerberos (GSSAPI) against the KDC start_kdc runs.
listener.name.gssapi.sasl.enabled.mechanisms=GSSAPI
sasl.kerberos.service.name=kafka
listener.name.gssapi.gssapi.sasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab="$KAFKA_RUN/krb5/kafka.keytab" principal="kafka/$h@$KRB_REALM";
EOF
	fi
	if ((LEGACY)); then
		legacy_config
	fi
	if ((MAJOR >= 4)); then
		cat >"$KAFKA_RUN/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $KAFKA_RUN/logs/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = INFO
EOF
		log_opt="-Dlog4j2.configurationFile=$KAFKA_RUN/log4j2.properties"
	else
		{
			log4j1_properties "$KAFKA_RUN/logs/server.log"
			echo "log4j.logger.kafka.authorizer.logger=INFO"
		} >"$KAFKA_RUN/log4j.properties"
		log_opt="-Dlog4j.configuration=file:$KAFKA_RUN/log4j.properties"
	fi

	# The java command line for a Kafka main class: the version's jars and log configuration.
	# C1-only JIT and the serial GC: a short-lived test broker on a shared 2-core machine starts
	# faster and steals less CPU from the tests than with the server defaults.
	JAVA=(java -Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
		-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls="file://$t/jwks.json"
		-Dorg.apache.kafka.sasl.oauthbearer.allowed.files="$t/jwks.json"
		-Djava.security.krb5.conf="$KAFKA_RUN/krb5/krb5.conf"
		-Dkafka.logs.dir="$KAFKA_RUN/logs" "$log_opt" -cp "$LIBS/*")
}

# legacy_config rewrites the KRaft server.properties for a ZooKeeper-mode broker: broker.id
# and zookeeper.connect instead of the controller, ZooKeeper's ACL authorizer, and only the
# listeners the tests use there (PLAINTEXT, SSL, MTLS). It also writes ZooKeeper's zoo.cfg.
legacy_config() {
	local f=$KAFKA_RUN/server.properties h=$KAFKA_HOST
	# Listeners first: the deletions below drop every other line naming SASL or OAuth.
	sed -i -e "s|^listeners=.*|listeners=PLAINTEXT://$h:$PORT_PLAINTEXT,SSL://$h:$PORT_SSL,MTLS://$h:$PORT_MTLS|" \
		-e "s|^advertised.listeners=.*|advertised.listeners=PLAINTEXT://$h:$PORT_PLAINTEXT,SSL://$h:$PORT_SSL,MTLS://$h:$PORT_MTLS|" \
		-e "s|^listener.security.protocol.map=.*|listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,MTLS:SSL|" \
		-e "s|^authorizer.class.name=.*|authorizer.class.name=kafka.security.authorizer.AclAuthorizer|" \
		-e "s|KRaft combined mode|ZooKeeper mode|" \
		-e '/^process.roles=/d' -e '/^controller\./d' -e '/^node.id=/d' -e '/oauth/Id' -e '/sasl/Id' \
		-e '/^broker\.\(session\|heartbeat\)/d' -e '/^share\.coordinator/d' "$f"
	# Kafka 2.8 refuses a PEM key store without a key password: an encrypted copy of the key,
	# in a PBES1 scheme (Java 17 has no PBES2 SecretKeyFactory, which 2.8 asks for).
	local t=$KAFKA_RUN/tls
	openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -passout pass:broker-key-secret \
		-in "$t/broker.key" -out "$t/broker-encrypted.key"
	cat "$t/broker-encrypted.key" "$t/broker.pem" "$t/ca.pem" >"$t/broker-keystore-encrypted.pem"
	sed -i -e "s|^ssl.keystore.location=.*|ssl.keystore.location=$t/broker-keystore-encrypted.pem|" "$f"
	cat >>"$f" <<EOF

ssl.key.password=broker-key-secret

# ZooKeeper mode: the ZooKeeper up.sh starts from the same jars. Generous timeouts: a starved
# CPU must not expire the only broker's session.
broker.id=1
zookeeper.connect=$h:$PORT_ZOOKEEPER
zookeeper.connection.timeout.ms=60000
zookeeper.session.timeout.ms=60000
EOF
	mkdir -p "$KAFKA_RUN/zookeeper"
	cat >"$KAFKA_RUN/zoo.cfg" <<EOF
tickTime=2000
dataDir=$KAFKA_RUN/zookeeper
clientPort=$PORT_ZOOKEEPER
clientPortAddress=$h
maxClientCnxns=0
admin.enableServer=false
maxSessionTimeout=120000
EOF
	log4j1_properties "$KAFKA_RUN/logs/zookeeper.log" >"$KAFKA_RUN/zookeeper-log4j.properties"
}

# log4j1_properties LOGFILE prints a log4j 1 configuration that writes INFO and up to LOGFILE.
log4j1_properties() {
	cat <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$1
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

# start_zookeeper starts a standalone ZooKeeper for a ZooKeeper-mode broker and waits for it.
start_zookeeper() {
	local deadline=$((SECONDS + START_TIMEOUT))
	setsid java -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
		-Dzookeeper.admin.enableServer=false -Dlog4j.configuration="file:$KAFKA_RUN/zookeeper-log4j.properties" \
		-cp "$LIBS/*" org.apache.zookeeper.server.ZooKeeperServerMain "$KAFKA_RUN/zoo.cfg" \
		>"$KAFKA_RUN/logs/zookeeper-stdout.log" 2>&1 </dev/null &
	local pid=$!
	echo "$pid" >"$ZK_PIDFILE"
	until (exec 3<>"/dev/tcp/$KAFKA_HOST/$PORT_ZOOKEEPER") 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 30 "$KAFKA_RUN/logs/zookeeper.log" "$KAFKA_RUN/logs/zookeeper-stdout.log" >&2 2>/dev/null || true
			die "ZooKeeper exited during start (logs in $KAFKA_RUN/logs)"
		fi
		((SECONDS < deadline)) || die "ZooKeeper did not listen on $KAFKA_HOST:$PORT_ZOOKEEPER in ${START_TIMEOUT}s"
		sleep 0.5
	done
	log "ZooKeeper on $KAFKA_HOST:$PORT_ZOOKEEPER (pid $pid)"
}

# format_storage formats the KRaft log dir with a fresh cluster id and the SCRAM credentials.
format_storage() {
	# A Kafka Uuid is 16 random bytes in unpadded base64url; one JVM start cheaper than random-uuid.
	local id=-
	while [[ $id == -* ]]; do
		id=$(openssl rand 16 | base64 | tr '+/' '-_' | tr -d '=\n')
	done
	if ! "${JAVA[@]}" kafka.tools.StorageTool format -t "$id" -c "$KAFKA_RUN/server.properties" \
		--add-scram "SCRAM-SHA-512=[name=$ADMIN_USER,password=$ADMIN_PASSWORD]" \
		--add-scram "SCRAM-SHA-512=[name=$READER_USER,password=$READER_PASSWORD]" \
		>>"$KAFKA_RUN/logs/storage.log" 2>&1; then
		tail -n 20 "$KAFKA_RUN/logs/storage.log" >&2
		die "formatting the KRaft storage failed"
	fi
	CLUSTER_ID=$id
}

# wait_ready waits until the broker logged its start and every listener accepts connections.
wait_ready() {
	local pid=$1 deadline=$((SECONDS + START_TIMEOUT)) p ok
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 40 "$KAFKA_RUN/logs/server.log" "$KAFKA_RUN/logs/stdout.log" 2>/dev/null >&2 || true
			if grep -q "Socket server failed to bind" "$KAFKA_RUN/logs/server.log" 2>/dev/null; then
				die "the Kafka $VERSION broker could not bind its ports: $(grep -o 'failed to bind to [^ ]*' "$KAFKA_RUN/logs/server.log" | head -n 1)"
			fi
			die "the Kafka $VERSION broker exited during start (logs above, in $KAFKA_RUN/logs)"
		fi
		ok=1
		# KRaft logs "Kafka Server started"; a ZooKeeper-mode broker "[KafkaServer id=1] started".
		grep -qE "Kafka Server started|KafkaServer id=[0-9]+\] started" "$KAFKA_RUN/logs/server.log" 2>/dev/null || ok=0
		for p in $KAFKA_PORTS; do
			((ok)) || break
			(exec 3<>"/dev/tcp/$KAFKA_HOST/$p") 2>/dev/null || ok=0
		done
		((ok)) && return 0
		((SECONDS < deadline)) || die "the Kafka $VERSION broker did not become ready in ${START_TIMEOUT}s; logs in $KAFKA_RUN/logs"
		sleep 1
	done
}

# write_env writes run/env: shell-style KEY=value lines the Go tests (and people) read.
write_env() {
	local t=$KAFKA_RUN/tls
	cat >"$KAFKA_RUN/env.tmp" <<EOF
# Written by testdata/kafka/up.sh; read by kafka/*integration*_test.go.
KPEEK_IT_KAFKA_VERSION=$VERSION
KPEEK_IT_LEGACY=$LEGACY
KPEEK_IT_CLUSTER_ID=$CLUSTER_ID
KPEEK_IT_PLAINTEXT=$KAFKA_HOST:$PORT_PLAINTEXT
KPEEK_IT_SASL=$( ((LEGACY)) || echo "$KAFKA_HOST:$PORT_SASL")
KPEEK_IT_SSL=$KAFKA_HOST:$PORT_SSL
KPEEK_IT_MTLS=$KAFKA_HOST:$PORT_MTLS
KPEEK_IT_SASL_SSL=$( ((LEGACY)) || echo "$KAFKA_HOST:$PORT_SASL_SSL")
KPEEK_IT_OAUTH=$( ((LEGACY)) || echo "$KAFKA_HOST:$PORT_OAUTH")
KPEEK_IT_OAUTH_KEY=$t/idp.key
KPEEK_IT_OAUTH_KID=$OAUTH_KID
KPEEK_IT_OAUTH_AUDIENCE=$OAUTH_AUDIENCE
KPEEK_IT_OAUTH_ISSUER=$OAUTH_ISSUER
KPEEK_IT_OAUTH_SUBJECT=$OAUTH_USER
KPEEK_IT_GSSAPI=$( ((KERBEROS)) && echo "$KAFKA_HOST:$PORT_GSSAPI")
KPEEK_IT_KRB5_CONFIG=$KAFKA_RUN/krb5/krb5.conf
KPEEK_IT_KRB5_KEYTAB=$KAFKA_RUN/krb5/client.keytab
KPEEK_IT_KRB5_PRINCIPAL=$KRB_CLIENT@$KRB_REALM
KPEEK_IT_KRB5_CCACHE=$KAFKA_RUN/krb5/ccache
KPEEK_IT_KRB5_PASSWORD_USER=$KRB_PASSWORD_USER@$KRB_REALM
KPEEK_IT_KRB5_PASSWORD=$KRB_PASSWORD
KPEEK_IT_TRUSTSTORE_JKS=$t/truststore.jks
KPEEK_IT_TRUSTSTORE_P12=$t/truststore.p12
KPEEK_IT_TRUSTSTORE_PASSWORD=trust-secret
KPEEK_IT_KEYSTORE_P12=$t/client.p12
KPEEK_IT_KEYSTORE_JKS=$t/client.jks
KPEEK_IT_KEYSTORE_PASSWORD=keystore-secret
KPEEK_IT_ADMIN_USER=$ADMIN_USER
KPEEK_IT_ADMIN_PASSWORD=$ADMIN_PASSWORD
KPEEK_IT_READER_USER=$READER_USER
KPEEK_IT_READER_PASSWORD=$READER_PASSWORD
KPEEK_IT_CA=$t/ca.pem
KPEEK_IT_OTHER_CA=$t/other-ca.pem
KPEEK_IT_CLIENT_CERT=$t/client.pem
KPEEK_IT_CLIENT_KEY=$t/client.key
KPEEK_IT_CLIENT_KEY_ENCRYPTED=$t/client-encrypted.key
KPEEK_IT_CLIENT_KEY_PKCS8_ENCRYPTED=$t/client-pkcs8-encrypted.key
KPEEK_IT_CLIENT_KEY_PASSWORD=client-key-secret
KPEEK_IT_OTHER_CLIENT_CERT=$t/other-client.pem
KPEEK_IT_OTHER_CLIENT_KEY=$t/other-client.key
KPEEK_IT_MTLS_USER=$MTLS_USER
KPEEK_IT_BROKER_LOG=$KAFKA_RUN/logs/server.log
EOF
	mv "$KAFKA_RUN/env.tmp" "$KAFKA_RUN/env"
}

main() {
	command -v java >/dev/null || die "java not found: Kafka needs Java 17+"
	fetch_jars
	if broker_pid >/dev/null || [[ -n $(leftover_pids) ]] ||
		[[ -n $(leftover_pids org.apache.zookeeper.server.ZooKeeperServerMain "$KAFKA_RUN/zoo.cfg") ]]; then
		log "a broker from an earlier up.sh is running: stopping it first"
		"$KAFKA_DIR/down.sh"
	fi
	local p
	for p in $KAFKA_PORTS $( ((LEGACY)) && echo "$PORT_ZOOKEEPER"); do
		! port_in_use "$p" || die "port $KAFKA_HOST:$p is in use by another process; free it (ss -ltnp 'sport = :$p')"
	done
	rm -rf "$KAFKA_RUN"
	mkdir -p "$KAFKA_RUN/logs" "$KAFKA_RUN/data"
	gen_tls
	if ((LEGACY)); then
		log "Kafka $VERSION runs on ZooKeeper: PLAINTEXT, SSL and MTLS only (no SASL, OAUTHBEARER, GSSAPI)"
	elif ((KERBEROS)); then
		start_kdc
	else
		log "MIT Kerberos is not installed: no GSSAPI listener (apt-get install krb5-kdc krb5-admin-server krb5-user)"
	fi
	write_config
	local started=$SECONDS
	if ((LEGACY)); then
		trap 'log "start failed: stopping"; "$KAFKA_DIR/down.sh"' EXIT
		start_zookeeper
		CLUSTER_ID="(from ZooKeeper)"
	else
		format_storage
	fi
	log "starting Kafka $VERSION (cluster $CLUSTER_ID) on $KAFKA_HOST ports $KAFKA_PORTS"
	setsid "${JAVA[@]}" kafka.Kafka "$KAFKA_RUN/server.properties" >"$KAFKA_RUN/logs/stdout.log" 2>&1 </dev/null &
	local pid=$!
	echo "$pid" >"$KAFKA_PIDFILE"
	trap 'log "start failed: stopping the broker"; "$KAFKA_DIR/down.sh"' EXIT
	wait_ready "$pid"
	trap - EXIT
	if ((LEGACY)); then
		CLUSTER_ID=$(sed -n 's/^cluster.id=//p' "$KAFKA_RUN/data/meta.properties")
	fi
	write_env
	log "Kafka $VERSION ready in $((SECONDS - started))s (pid $pid); env: $KAFKA_RUN/env"
}

main
