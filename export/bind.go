package export

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/kpeek/kpeek/decode"
)

// checkRecords recomputes every record hash listed in the capture manifest and binds
// every envelope line of data/records.ndjson to its raw frame: the line must be exactly
// what decoding that frame again gives (topic, partition, offset, timestamp, key, value,
// headers, size, raw bytes), with the schemas kept in the bag. A redacted bundle has no
// raw frames; the report says its records are bound only by their line hashes.
func checkRecords(ctx context.Context, bag string, rep *VerifyReport) error {
	data, err := readBagFile(bag, CaptureFile)
	if err != nil {
		return err
	}
	var man CaptureManifest
	if err := json.Unmarshal(data, &man); err != nil {
		return fmt.Errorf("%s: %w (%v)", CaptureFile, ErrBundleChanged, err)
	}
	rep.Records = len(man.Records)
	lines, err := openBagFile(bag, RecordsFile)
	if err != nil {
		return err
	}
	defer lines.Close()
	lr := bufio.NewReaderSize(ctxReader{ctx, lines}, 256<<10)
	var b *binder
	switch man.RecordHash {
	case RecordHashRaw:
		f, err := openBagFile(bag, RawFile)
		if err != nil {
			return err
		}
		defer f.Close()
		if b, err = newBinder(bag, man, bufio.NewReaderSize(ctxReader{ctx, f}, 256<<10)); err != nil {
			return err
		}
	case RecordHashRedacted:
		if len(man.Records) > 0 {
			rep.NotBound = append(rep.NotBound, fmt.Sprintf("%d records: the export is redacted, so the raw bytes are not in the bag: "+
				"each line is bound only by its hash in %s, not to what was in Kafka", len(man.Records), CaptureFile))
		}
	default:
		return fmt.Errorf("%s: %w (unknown record hash definition)", CaptureFile, ErrBundleChanged)
	}
	var line []byte
	for i, want := range man.Records {
		var err error
		line, err = readLine(lr, line[:0])
		if errors.Is(err, errLineTooLong) {
			return fmt.Errorf("%s: %w (record %d: a line longer than %d bytes)", RecordsFile, ErrBundleChanged, i, maxLine)
		}
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("read %s: interrupted: %w", RecordsFile, ctx.Err())
			}
			return fmt.Errorf("%s: %w (%d records, manifest lists %d)", RecordsFile, ErrBundleChanged, i, len(man.Records))
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		what := fmt.Sprintf("record partition %d offset %d", want.Partition, want.Offset)
		if b == nil {
			if sum := sha256.Sum256(line); hex.EncodeToString(sum[:]) != want.SHA256 {
				return fmt.Errorf("%s: %w (%s)", RecordsFile, ErrBundleChanged, what)
			}
			continue
		}
		if err := b.bind(ctx, want, line); err != nil {
			return fmt.Errorf("%w (%s)", err, what)
		}
	}
	if _, err := lr.ReadByte(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %w (more records than the manifest lists)", RecordsFile, ErrBundleChanged)
	}
	if b != nil {
		if _, err := b.frames.ReadByte(); !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: %w (more frames than the manifest lists)", RawFile, ErrBundleChanged)
		}
		rep.Bound, rep.Redecoded = b.bound, b.redecoded
		rep.NotBound = append(rep.NotBound, b.notes()...)
	}
	return nil
}

// maxLine bounds one line of records.ndjson, so a hostile bundle cannot exhaust memory.
const maxLine = 256 << 20

var errLineTooLong = errors.New("line too long")

// readLine reads one line, newline included, into buf, refusing lines over maxLine.
func readLine(r *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		part, err := r.ReadSlice('\n')
		if len(buf)+len(part) > maxLine {
			return nil, errLineTooLong
		}
		buf = append(buf, part...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return buf, err
		}
	}
}

// binder re-derives envelope lines from raw frames.
type binder struct {
	frames   *bufio.Reader
	topic    string
	registry *decode.Registry
	kept     map[int]bool // schema ids whose text is in the bag
	decoders map[[2]decode.Format]*decode.Decoder
	frame    []byte
	line     []byte

	bound, redecoded int
	skipped          map[string]int // why a side was not re-decoded -> records
}

func newBinder(bag string, man CaptureManifest, frames *bufio.Reader) (*binder, error) {
	schemas, err := keptSchemas(bag, man.Schemas)
	if err != nil {
		return nil, err
	}
	reg, err := decode.NewStoredRegistry(schemas)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%v)", SchemasFile, ErrBundleChanged, err)
	}
	b := &binder{frames: frames, topic: man.Topic, registry: reg, kept: map[int]bool{},
		decoders: map[[2]decode.Format]*decode.Decoder{}, skipped: map[string]int{}}
	for _, s := range schemas {
		b.kept[s.ID] = true
	}
	return b, nil
}

// keptSchemas reads the schema texts the bag holds (their hashes were checked with the payload).
func keptSchemas(bag string, list []ManifestSchema) ([]decode.StoredSchema, error) {
	var out []decode.StoredSchema
	for _, s := range list {
		if s.File == "" {
			continue
		}
		for _, rel := range append([]string{s.File}, refFiles(s.References)...) {
			if !validBagPath(rel, "data/schemas/") {
				return nil, fmt.Errorf("%s: %w (schema %d: file %q is not in data/schemas/)", CaptureFile, ErrBundleChanged, s.ID, rel)
			}
		}
		text, err := readBagFile(bag, s.File)
		if err != nil {
			return nil, err
		}
		ss := decode.StoredSchema{ID: s.ID, Type: s.Type, Subject: s.Subject, Version: s.Version, Text: string(text)}
		for _, r := range s.References {
			rt, err := readBagFile(bag, r.File)
			if err != nil {
				return nil, err
			}
			ss.References = append(ss.References, decode.StoredReference{Name: r.Name, Subject: r.Subject, Version: r.Version, Text: string(rt)})
		}
		out = append(out, ss)
	}
	return out, nil
}

func refFiles(refs []ManifestSchemaRef) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, r.File)
	}
	return out
}

// bind checks one record: its frame's hash and position, then its line against the frame.
func (b *binder) bind(ctx context.Context, want ManifestRecord, line []byte) error {
	var err error
	if b.frame, err = readFrame(b.frames, b.frame); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("no frame")
		}
		return fmt.Errorf("%s: %w (%v)", RawFile, ErrBundleChanged, err)
	}
	if sum := sha256.Sum256(b.frame); hex.EncodeToString(sum[:]) != want.SHA256 {
		return fmt.Errorf("%s: %w", RawFile, ErrBundleChanged)
	}
	rec, err := parseFrame(b.frame)
	if err != nil || rec.Partition != want.Partition || rec.Offset != want.Offset || rec.Topic != b.topic {
		return fmt.Errorf("%s: %w (the frame is not this record of %s)", RawFile, ErrBundleChanged, b.topic)
	}
	got := lineMembers(line)
	if got == nil {
		return fmt.Errorf("%s: %w (not a JSON object)", RecordsFile, ErrBundleChanged)
	}
	env := b.decoder(got).Decode(ctx, &rec)
	redecoded := true
	for _, side := range []struct {
		name string
		d    *decode.Decoded
	}{{"key", &env.Key}, {"value", &env.Value}} {
		if why := b.adopt(side.name, got, side.d); why != "" {
			b.skipped[why]++
			redecoded = false
		}
	}
	b.line = env.AppendJSON(b.line[:0], decode.JSONOptions{IncludeRaw: true})
	if !bytes.Equal(b.line, line) {
		return fmt.Errorf("%s: %w (%s does not match the raw bytes)", RecordsFile, ErrBundleChanged, firstDifference(lineMembers(b.line), got))
	}
	b.bound++
	if redecoded {
		b.redecoded++
	}
	return nil
}

// decoder returns a decoder that decodes each side the way the line says it was decoded,
// with the bag's schemas.
func (b *binder) decoder(got map[string][]byte) *decode.Decoder {
	key := [2]decode.Format{sideFormat(got, "key"), sideFormat(got, "value")}
	d, ok := b.decoders[key]
	if !ok {
		d = decode.New(decode.WithRegistry(b.registry), decode.WithFormats(key[0], key[1]))
		b.decoders[key] = d
	}
	return d
}

// encodingFormats are the formats that decode bytes to each plain encoding again.
var encodingFormats = map[decode.Encoding]decode.Format{
	decode.EncodingJSON: decode.FormatJSON, decode.EncodingString: decode.FormatString, decode.EncodingBase64: decode.FormatBase64,
	decode.EncodingHex: decode.FormatHex, decode.EncodingMsgPack: decode.FormatMsgPack, decode.EncodingCBOR: decode.FormatCBOR,
}

// sideFormat is the format that reproduces a side's encoding; a failed decode was
// rendered as base64 of the bytes.
func sideFormat(got map[string][]byte, side string) decode.Format {
	if _, failed := got[side+"_error"]; failed {
		return decode.FormatBase64
	}
	if f, ok := encodingFormats[decode.Encoding(jsonString(got[side+"_encoding"]))]; ok {
		return f
	}
	return decode.FormatAuto // null, and registry encodings: the framing names the schema
}

// adopt takes from the line what re-decoding cannot give: the reason a decode failed
// (its rendering, base64 of the bytes, is still checked), and the decoded view of a side
// decoded with a schema the bag does not hold. It returns why a side was not re-decoded.
func (b *binder) adopt(side string, got map[string][]byte, d *decode.Decoded) string {
	if msg, failed := got[side+"_error"]; failed {
		d.Error = jsonString(msg)
		d.SchemaID, d.Subject, d.Version = nil, "", 0
		if id, err := strconv.Atoi(string(got[side+"_schema_id"])); err == nil {
			d.SchemaID = &id
		}
		d.Subject = jsonString(got[side+"_subject"])
		d.Version, _ = strconv.Atoi(string(got[side+"_schema_version"]))
		return ""
	}
	enc := decode.Encoding(jsonString(got[side+"_encoding"]))
	if enc != decode.EncodingAvro && enc != decode.EncodingProtobuf && enc != decode.EncodingJSONSchema {
		return ""
	}
	id, err := strconv.Atoi(string(got[side+"_schema_id"]))
	why := ""
	switch {
	case err != nil:
		why = fmt.Sprintf("%s decoded with a local %s schema file, which the bag does not hold", side, enc)
	case !b.kept[id]:
		why = fmt.Sprintf("%s decoded with registry schema %d, whose text could not be kept", side, id)
	default:
		return ""
	}
	// Everything but the decoded view is still bound to the frame.
	d.JSON, d.Encoding, d.Error = got[side], enc, ""
	if err == nil {
		d.SchemaID = &id
	}
	d.Subject = jsonString(got[side+"_subject"])
	d.Version, _ = strconv.Atoi(string(got[side+"_schema_version"]))
	if string(d.JSON) == "null" {
		d.JSON = nil
	}
	return why
}

// notes lists the records whose decoded view could not be derived again, per reason.
func (b *binder) notes() []string {
	var out []string
	for why, n := range b.skipped {
		out = append(out, fmt.Sprintf("%d records: %s; bound to the raw bytes, but their decoded view was not derived again", n, why))
	}
	slices.Sort(out)
	return out
}

// lineMembers splits a JSON object into its members' raw values; nil when it is not one.
func lineMembers(line []byte) map[string][]byte {
	m := map[string][]byte{}
	if !objectMembers(line, func(name string, v []byte) { m[name] = v }) {
		return nil
	}
	return m
}

// firstDifference names the first envelope field where the line differs from the frame.
func firstDifference(want, got map[string][]byte) string {
	for _, name := range []string{"topic", "partition", "offset", "timestamp", "timestamp_type", "key", "key_encoding",
		"key_schema_id", "key_raw", "value", "value_encoding", "value_schema_id", "value_raw", "headers", "size"} {
		if !bytes.Equal(want[name], got[name]) {
			return name
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			return name
		}
	}
	return "the line"
}

func jsonString(v []byte) string {
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}
