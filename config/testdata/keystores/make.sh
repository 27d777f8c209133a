#!/usr/bin/env bash
# make.sh — regenerate the key store fixtures of kafka/keystore_test.go with the tools a
# Java shop uses (openssl for the CA, the JDK's keytool for JKS and PKCS12 stores).
# Certificates are valid for 100 years so the committed fixtures do not expire.
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.pem ./*.jks ./*.p12 ./*.srl ./*.csr
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=kpeek test CA" \
	-keyout ca.key.pem -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=ir-analyst" -keyout client.key.pem -out client.csr 2>/dev/null
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key.pem -CAcreateserial -days 36500 -out client.cert.pem 2>/dev/null
cat client.cert.pem client.key.pem > client.pem
# Trust stores: the CA as a trusted-certificate entry.
keytool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.jks -storetype JKS -storepass trustpass 2>/dev/null
keytool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.p12 -storetype PKCS12 -storepass trustpass 2>/dev/null
# Key stores: the client key and its chain; the JKS key has its own password.
openssl pkcs12 -export -name client -in client.cert.pem -inkey client.key.pem -certfile ca.pem \
	-passout pass:storepass -out client-openssl.p12
keytool -importkeystore -noprompt -srckeystore client-openssl.p12 -srcstoretype PKCS12 -srcstorepass storepass \
	-destkeystore client.p12 -deststoretype PKCS12 -deststorepass storepass 2>/dev/null
keytool -importkeystore -noprompt -srckeystore client-openssl.p12 -srcstoretype PKCS12 -srcstorepass storepass \
	-destkeystore client.jks -deststoretype JKS -deststorepass storepass -destkeypass keypass -srcalias client 2>/dev/null
rm -f ca.key.pem client.csr ./*.srl client.key.pem
