// Package export ships records to files (NDJSON, CSV, BagIt evidence bundles) and to
// Splunk HEC without losing any: what a destination did not confirm ends in a spool file
// that Resume finishes.
//
// Every export takes a Request: a stream of raw record batches, decoded with the
// request's decoder, kept when the filter matches, masked by the redaction rules, in
// stream order. Progress is reported at most every 250ms and once at the end.
//
// # Files
//
// NDJSON is exactly what `kpeek consume -o ndjson` prints. CSV has one row per record:
// the envelope's fixed columns, then one value.<field> column per top-level value field
// (in first-seen order; two passes through a spill file), then "value" when some value
// is not an object. Cells are strings unquoted, null empty, anything else compact JSON
// with exact digits. Files are written under a temporary sibling name, fsynced and
// renamed; an existing file is replaced only with Force.
//
// # Evidence bundles
//
// A bundle is a BagIt 1.0 bag (RFC 8493), built in a temporary sibling folder and
// renamed into place when complete:
//
//	bagit.txt                 the BagIt declaration
//	bag-info.txt              Bagging-Date, Payload-Oxum, analyst, topic, redaction
//	manifest-sha256.txt       "<sha256>  data/..." for every payload file (sha256sum -c reads it)
//	tagmanifest-sha256.txt    the same for the tag files
//	kpeek-manifest.json       the capture manifest (CaptureManifest): cluster, topic,
//	                          per-partition ranges and watermarks, counts, first/last
//	                          timestamps, filter, redaction, schemas, UTC start/end, and
//	                          the SHA-256 of every record
//	data/records.ndjson       the envelopes, with key_raw/value_raw unless redacted
//	data/raw/records.bin      the records' exact bytes as frames (RawFormat); absent when redacted
//	data/schemas/schemas.json the registry schemas used (ids; texts when the decoder offers them)
//
// A record's hash covers its raw frame (RecordHashRaw), or, in a redacted bundle, its
// redacted envelope line (RecordHashRedacted). Verify re-checks all of it.
//
// # Splunk HEC
//
// ToSplunk checks /services/collector/health and the token, then sends gzip'd batches
// of stacked events (time = Kafka timestamp, event = envelope, fields = topic,
// partition, offset, sha256) with bounded concurrency, retrying 5xx, 429 and transport
// errors with capped, jittered backoff, splitting on 413, resending only the tail after
// an invalid event, and stopping on token and index errors. With Ack it checks first that
// acknowledgement is on for the token, polls /services/collector/ack and resends what
// stays unacknowledged, counting possible duplicates; a reply without an ackId stops the
// export (those events are reported as delivered unacknowledged).
//
// While it runs, the export keeps a journal in the spool folder (see journal.go): a
// SpoolHeader line (no token; the selection and its end offsets when the request can be
// read again, Request.Reread), then every batch before it is sent, with the read
// position after it, and every confirmation, each appended and fsynced. A clean run
// removes it; otherwise it is compacted to the unconfirmed events. After a crash the
// journal as it stands is the spool. Resume sends a spool's unconfirmed events, reads the
// part of the selection never read (same filter, redaction and rendering), journals into
// the same file, and names what Kafka no longer has (AgedOutError). ResolveHEC is where
// the command line and the explorer get an HEC destination, its defaults and its token.
package export
