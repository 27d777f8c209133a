package export

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// RawFormat documents data/raw/records.bin; it is also written into the capture manifest.
const RawFormat = "data/raw/records.bin is a sequence of frames, one per exported record in " +
	"records.ndjson order. All integers are big-endian. Frame: u32 length of the rest of the frame; " +
	"u16 topic length, topic bytes; i32 partition; i64 offset; i64 timestamp (Unix milliseconds); " +
	"u8 timestamp type (0 create, 1 log_append); i32 key length (-1 = null key), key bytes; " +
	"i32 value length (-1 = null value/tombstone), value bytes; i32 header count; per header: " +
	"u16 key length, key bytes, i32 value length (-1 = null), value bytes."

// RecordHashRaw and RecordHashRedacted say what a record's SHA-256 covers.
const (
	RecordHashRaw      = "sha256 of the record's complete frame in data/raw/records.bin (length prefix included); it identifies the Kafka record independently of decoding"
	RecordHashRedacted = "sha256 of the record's redacted envelope line in data/records.ndjson, without the trailing newline (raw bytes are omitted from redacted exports)"
)

// appendFrame appends rec as one raw frame (see RawFormat).
func appendFrame(dst []byte, rec *kafka.Record) []byte {
	start := len(dst)
	dst = binary.BigEndian.AppendUint32(dst, 0) // patched below
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(rec.Topic)))
	dst = append(dst, rec.Topic...)
	dst = binary.BigEndian.AppendUint32(dst, uint32(rec.Partition))
	dst = binary.BigEndian.AppendUint64(dst, uint64(rec.Offset))
	ms, tt := rec.Timestamp.UnixMilli(), byte(0)
	switch {
	case rec.Timestamp.IsZero() || rec.TimestampType == kafka.TimestampNone:
		ms, tt = -1, 2
	case rec.TimestampType == kafka.TimestampLogAppend:
		tt = 1
	}
	dst = binary.BigEndian.AppendUint64(dst, uint64(ms))
	dst = append(dst, tt)
	dst = appendBytes32(dst, rec.Key)
	dst = appendBytes32(dst, rec.Value)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(rec.Headers)))
	for _, h := range rec.Headers {
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(h.Key)))
		dst = append(dst, h.Key...)
		dst = appendBytes32(dst, h.Value)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}

func appendBytes32(dst, b []byte) []byte {
	if b == nil {
		return binary.BigEndian.AppendUint32(dst, 0xffffffff)
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, b...)
}

// readFrame reads one frame from r into buf; io.EOF at a clean end.
func readFrame(r io.Reader, buf []byte) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("truncated frame length")
		}
		return nil, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > 1<<30 {
		return nil, fmt.Errorf("frame of %d bytes is implausible", size)
	}
	buf = append(buf[:0], n[:]...)
	buf = append(buf, make([]byte, size)...)
	if _, err := io.ReadFull(r, buf[4:]); err != nil {
		return nil, fmt.Errorf("truncated frame: %w", err)
	}
	return buf, nil
}

// parseFrame decodes a frame back into a record (the inverse of appendFrame).
func parseFrame(f []byte) (kafka.Record, error) {
	p := frameParser{b: f[4:]}
	var rec kafka.Record
	rec.Topic = string(p.bytes16())
	rec.Partition = int32(p.u32())
	rec.Offset = int64(p.u64())
	ms := int64(p.u64())
	switch p.byte1() {
	case 1:
		rec.TimestampType = kafka.TimestampLogAppend
	case 2:
		rec.TimestampType = kafka.TimestampNone
	default:
		rec.TimestampType = kafka.TimestampCreate
	}
	if rec.TimestampType != kafka.TimestampNone {
		rec.Timestamp = time.UnixMilli(ms).UTC()
	}
	rec.Key = p.bytes32()
	rec.Value = p.bytes32()
	for n := p.u32(); n > 0 && p.err == nil; n-- {
		rec.Headers = append(rec.Headers, kafka.Header{Key: string(p.bytes16()), Value: p.bytes32()})
	}
	if p.err == nil && len(p.b) != 0 {
		p.err = errors.New("trailing bytes in frame")
	}
	return rec, p.err
}

type frameParser struct {
	b   []byte
	err error
}

func (p *frameParser) take(n int) []byte {
	if p.err != nil || n > len(p.b) {
		p.err = errors.New("frame too short")
		return nil
	}
	out := p.b[:n:n]
	p.b = p.b[n:]
	return out
}

func (p *frameParser) byte1() byte {
	if b := p.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (p *frameParser) u32() uint32 {
	if b := p.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (p *frameParser) u64() uint64 {
	if b := p.take(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (p *frameParser) bytes16() []byte {
	if b := p.take(2); b != nil {
		return p.take(int(binary.BigEndian.Uint16(b)))
	}
	return nil
}

func (p *frameParser) bytes32() []byte {
	n := p.u32()
	if n == 0xffffffff || p.err != nil {
		return nil
	}
	if b := p.take(int(n)); b != nil {
		return b
	}
	return nil
}

// recordHasher computes records' SHA-256 as documented by RecordHashRaw / RecordHashRedacted.
type recordHasher struct {
	redacted bool
	frame    []byte
}

// hash returns the record's hash: of its raw frame, or of its redacted envelope line.
func (h *recordHasher) hash(rec *kafka.Record, envLine []byte) [32]byte {
	if h.redacted {
		return sha256.Sum256(envLine)
	}
	h.frame = appendFrame(h.frame[:0], rec)
	return sha256.Sum256(h.frame)
}

func hexHash(sum [32]byte) string { return hex.EncodeToString(sum[:]) }
