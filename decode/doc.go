// Package decode turns the raw bytes of Kafka records into values a person can read,
// filter and export: one compact JSON value per key, value and header, plus how it was
// decoded (Decoded.Encoding, schema id, subject, version) and, on failure, why.
//
// # The record envelope
//
// Every record kpeek prints, filters or exports is an [Envelope], written by
// [Envelope.AppendJSON] as one line of JSON whose field names and order are kpeek's
// contract with jq pipelines, Splunk searches and evidence bundles:
//
//	{"topic":"auth.logins","partition":0,"offset":41,"timestamp":"2026-11-26T02:14:07.123Z",
//	 "timestamp_type":"create","key":"u-1042","key_encoding":"string",
//	 "value":{"user":"slyon","ip":"203.0.113.7","result":"success"},"value_encoding":"json",
//	 "value_schema_id":null,"headers":{"trace_id":"9f1c…","source":"idp"},"size":112}
//
// The fields:
//
//   - topic, partition, offset: where the record is. timestamp: RFC 3339 in UTC with
//     milliseconds; timestamp_type: "create" (set by the producer) or "log_append" (the broker).
//   - key, value: the decoded payload as one JSON value (null for a null payload), then
//     key_encoding / value_encoding (an [Encoding]). value_schema_id is always present (null
//     without a registry schema); key_schema_id only when the key carried one. When known,
//     <side>_subject and <side>_schema_version follow; when decoding failed, <side>_error
//     gives the reason in one line and the payload holds a fallback rendering.
//   - headers: an object of header name to decoded value; a name given several times maps
//     to an array of its values in order. header_encodings, shaped like headers, appears
//     when some header is not plain text, so a binary header never reads like text.
//   - size: the record's size in bytes (key, value and headers as stored).
//   - With raw bytes asked for ([JSONOptions].IncludeRaw, --raw-bytes): key_raw, value_raw
//     and headers_raw, base64 of the bytes as stored.
//
// Values that are not valid text appear as base64 with the encoding saying so, and JSON
// numbers keep their exact digits (12345678901234567890 stays that, never 1.2345678901234567e19).
//
// # Choosing a decoding
//
// By default each record is examined on its own (FormatAuto): bytes in Confluent wire
// format (magic byte 0, 4-byte schema id) go through the schema registry — Avro, Protobuf
// (with the message-index array) or JSON Schema, decoded with the writer's schema; other
// bytes are a JSON object or array, else text (valid UTF-8 without NULs and with few
// control characters), else a MessagePack or CBOR map with text keys that fills the
// payload exactly, else base64. Topics can be pinned to a format or a local schema
// file in the config, and --key-format / --value-format pin every topic.
//
// # Rendering conventions
//
//   - Numbers keep their exact digits; JSON input is compacted, never re-encoded.
//   - Avro: decimals are strings with exact digits ("12000.50"); timestamp-millis and
//     -micros are RFC3339 in UTC with a fixed fraction (".123Z", ".123456Z"); local
//     timestamps the same without a zone; dates "2006-01-02"; times of day "15:04:05.000" (".000000" for micros);
//     durations {"months":..,"days":..,"milliseconds":..}; bytes and fixed base64; enums by
//     name; NaN and infinities as "NaN", "Infinity", "-Infinity".
//   - Avro unions: null is null; a union with one non-null branch renders that value; a
//     union with several non-null branches keeps the branch taken as {"<branch>": value},
//     the Avro JSON encoding's spelling ("string", "long", or a named type's full name).
//   - Protobuf: protojson with the .proto field names; as protojson does, 64-bit integers
//     (int64, uint64, sint64, fixed64, sfixed64) are JSON strings ("12345678901234567") so
//     no reader rounds them through a float64. Decimals are exact strings like Avro's:
//     confluent.type.Decimal is its unscaled value times 10^-scale ("12000.50"), the digits
//     from the value bytes whatever the precision says; empty value bytes are zero ("0.00"
//     with scale 2); a negative scale appends zeros ("1200" for 12 with scale -2); a scale
//     beyond ±100 keeps the unscaled digits with an exponent ("12E-1000"), exact but bounded.
//     google.type.Decimal is its value string. A Decimal packed in google.protobuf.Any, and
//     google.type.Money, stay protojson.
//   - MessagePack and CBOR: maps with non-text keys use the key's JSON text as the key;
//     binary as base64; timestamps (MessagePack extension -1, CBOR tag 1) as RFC3339;
//     CBOR bignums as exact integers; other extensions as {"ext": type, "data": base64}.
//   - Text: a JSON string. Bytes that are not valid UTF-8 inside a string that must stay
//     text (an Avro string, --value-format string) are written as the visible text \xNN;
//     a payload that is not valid text is base64 with Encoding saying so.
//   - Every JSON string kpeek writes escapes control characters, DEL, C1 controls, bidi
//     controls and invisible runes, so an NDJSON line is safe to print raw.
//
// # Failure is data
//
// Decode never fails and never panics: an unknown schema id, an unreachable registry, a
// truncated payload or a wrong format override yields Decoded.Error (one line), the raw
// bytes in Decoded.Raw and their base64 as the JSON value. Registry lookups are cached by
// id, failures for a short while, and concurrent lookups of one id share one request.
//
// # Terminal safety
//
// Sanitize is the one sanitizer for text shown on a terminal: everything that could move
// the cursor, change the title, write the clipboard or reorder text becomes a visible
// escape such as \x1b or \u202e.
package decode
