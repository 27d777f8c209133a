package decode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// MessagePack and CBOR are rendered straight to JSON by small readers of their own; they
// share the limits below and binReader. Auto-detection only accepts a map with text keys
// that consumes the payload exactly, so random binary is rarely mistaken for either.

const binMaxDepth = 256 // nesting of arrays and maps

var errBinTruncated = errors.New("truncated data")

// binReader reads big-endian binary encodings from a byte slice.
type binReader struct {
	buf []byte
	pos int
}

func (r *binReader) remaining() int { return len(r.buf) - r.pos }

func (r *binReader) byte() (byte, error) {
	if r.pos >= len(r.buf) {
		return 0, errBinTruncated
	}
	r.pos++
	return r.buf[r.pos-1], nil
}

func (r *binReader) next(n uint64) ([]byte, error) {
	if n > uint64(r.remaining()) {
		return nil, errBinTruncated
	}
	b := r.buf[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return b, nil
}

// uint reads a big-endian unsigned integer of size bytes (1, 2, 4 or 8).
func (r *binReader) uint(size int) (uint64, error) {
	b, err := r.next(uint64(size))
	if err != nil {
		return 0, err
	}
	switch size {
	case 1:
		return uint64(b[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(b)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(b)), nil
	}
	return binary.BigEndian.Uint64(b), nil
}

// count checks a container length against the bytes left: every item takes at least one.
func (r *binReader) count(n uint64, perItem int) error {
	if n > uint64(r.remaining()/perItem) {
		return errBinTruncated
	}
	return nil
}

// renderMsgPack renders one MessagePack value filling b exactly.
func renderMsgPack(dst, b []byte) ([]byte, error) {
	r := binReader{buf: b}
	out, err := appendMsgPack(dst, &r, 0)
	if err == nil && r.remaining() > 0 {
		err = fmt.Errorf("%d bytes left after the value", r.remaining())
	}
	if err != nil {
		return dst, fmt.Errorf("msgpack: %w", err)
	}
	return out, nil
}

// isMsgPackMap reports whether b starts like a MessagePack map whose first key is text.
func isMsgPackMap(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	var key byte
	switch {
	case b[0] >= 0x81 && b[0] <= 0x8f:
		key = b[1]
	case (b[0] == 0xde && len(b) > 3) || (b[0] == 0xdf && len(b) > 5):
		key = b[1+2*int(b[0]-0xdd)]
	default:
		return false
	}
	return (key >= 0xa0 && key <= 0xbf) || key == 0xd9 || key == 0xda
}

func appendMsgPack(dst []byte, r *binReader, depth int) ([]byte, error) {
	c, err := r.byte()
	if err != nil {
		return dst, err
	}
	switch {
	case c <= 0x7f:
		return strconv.AppendUint(dst, uint64(c), 10), nil
	case c >= 0xe0:
		return strconv.AppendInt(dst, int64(int8(c)), 10), nil
	case c >= 0xa0 && c <= 0xbf:
		return appendMsgPackStr(dst, r, uint64(c&0x1f))
	case c >= 0x90 && c <= 0x9f:
		return appendMsgPackArray(dst, r, uint64(c&0x0f), depth)
	case c >= 0x80 && c <= 0x8f:
		return appendMsgPackMap(dst, r, uint64(c&0x0f), depth)
	}
	switch c {
	case 0xc0:
		return append(dst, "null"...), nil
	case 0xc2:
		return append(dst, "false"...), nil
	case 0xc3:
		return append(dst, "true"...), nil
	case 0xcc, 0xcd, 0xce, 0xcf:
		v, err := r.uint(1 << (c - 0xcc))
		return strconv.AppendUint(dst, v, 10), err
	case 0xd0, 0xd1, 0xd2, 0xd3:
		size := 1 << (c - 0xd0)
		v, err := r.uint(size)
		shift := 64 - 8*size
		return strconv.AppendInt(dst, int64(v<<shift)>>shift, 10), err
	case 0xca:
		v, err := r.uint(4)
		return appendFloat(dst, float64(math.Float32frombits(uint32(v))), 32), err
	case 0xcb:
		v, err := r.uint(8)
		return appendFloat(dst, math.Float64frombits(v), 64), err
	case 0xd9, 0xda, 0xdb, 0xc4, 0xc5, 0xc6:
		size := 1 << ((c - 0xd9) % 3)
		if c < 0xd9 {
			size = 1 << (c - 0xc4)
		}
		n, err := r.uint(size)
		if err != nil {
			return dst, err
		}
		if c >= 0xd9 {
			return appendMsgPackStr(dst, r, n)
		}
		b, err := r.next(n)
		return appendBase64(dst, b), err
	case 0xdc, 0xdd:
		n, err := r.uint(2 << (c - 0xdc))
		if err != nil {
			return dst, err
		}
		return appendMsgPackArray(dst, r, n, depth)
	case 0xde, 0xdf:
		n, err := r.uint(2 << (c - 0xde))
		if err != nil {
			return dst, err
		}
		return appendMsgPackMap(dst, r, n, depth)
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		return appendMsgPackExt(dst, r, uint64(1)<<(c-0xd4))
	case 0xc7, 0xc8, 0xc9:
		n, err := r.uint(1 << (c - 0xc7))
		if err != nil {
			return dst, err
		}
		return appendMsgPackExt(dst, r, n)
	}
	return dst, fmt.Errorf("invalid type byte %#x", c)
}

func appendMsgPackStr(dst []byte, r *binReader, n uint64) ([]byte, error) {
	b, err := r.next(n)
	return appendStringBytes(dst, b), err
}

func appendMsgPackArray(dst []byte, r *binReader, n uint64, depth int) ([]byte, error) {
	if depth >= binMaxDepth {
		return dst, errors.New("nesting too deep")
	}
	if err := r.count(n, 1); err != nil {
		return dst, err
	}
	dst = append(dst, '[')
	for i := uint64(0); i < n; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendMsgPack(dst, r, depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// appendMsgPackMap renders a map as an object; a key that is not text is rendered as
// JSON and that text used as the key.
func appendMsgPackMap(dst []byte, r *binReader, n uint64, depth int) ([]byte, error) {
	if depth >= binMaxDepth {
		return dst, errors.New("nesting too deep")
	}
	if err := r.count(n, 2); err != nil {
		return dst, err
	}
	dst = append(dst, '{')
	for i := uint64(0); i < n; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		start := len(dst)
		var err error
		if dst, err = appendMsgPack(dst, r, depth+1); err != nil {
			return dst, err
		}
		if dst[start] != '"' {
			key := string(dst[start:])
			dst = appendString(dst[:start], key)
		}
		dst = append(dst, ':')
		if dst, err = appendMsgPack(dst, r, depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendMsgPackExt renders the timestamp extension (-1) as RFC3339 and any other
// extension as {"ext": type, "data": base64}.
func appendMsgPackExt(dst []byte, r *binReader, n uint64) ([]byte, error) {
	typ, err := r.byte()
	if err != nil {
		return dst, err
	}
	b, err := r.next(n)
	if err != nil {
		return dst, err
	}
	if int8(typ) == -1 {
		var t time.Time
		switch len(b) {
		case 4:
			t = time.Unix(int64(binary.BigEndian.Uint32(b)), 0)
		case 8:
			v := binary.BigEndian.Uint64(b)
			t = time.Unix(int64(v&0x3ffffffff), int64(v>>34))
		case 12:
			t = time.Unix(int64(binary.BigEndian.Uint64(b[4:])), int64(binary.BigEndian.Uint32(b[:4])))
		}
		if !t.IsZero() {
			dst = append(dst, '"')
			dst = appendDateTime(dst, t, 0, true)
			return append(dst, '"'), nil
		}
	}
	dst = append(dst, `{"ext":`...)
	dst = strconv.AppendInt(dst, int64(int8(typ)), 10)
	dst = append(dst, `,"data":`...)
	dst = appendBase64(dst, b)
	return append(dst, '}'), nil
}
