package decode

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"
)

// Limits that keep hostile Avro bytes from exhausting the stack or memory.
const (
	avroMaxDepth         = 512     // nesting of records, arrays, maps and unions
	avroMaxZeroSizeItems = 1 << 16 // items of a type that encodes in zero bytes (e.g. array of null)
)

var errAvroTruncated = errors.New("avro: truncated data")

// avroReader reads the Avro binary encoding from a byte slice.
type avroReader struct {
	buf []byte
	pos int
}

func (r *avroReader) remaining() int { return len(r.buf) - r.pos }

// long reads a zig-zag varint of at most 10 bytes.
func (r *avroReader) long() (int64, error) {
	var u uint64
	for shift := uint(0); shift < 70; shift += 7 {
		if r.pos >= len(r.buf) {
			return 0, errAvroTruncated
		}
		b := r.buf[r.pos]
		r.pos++
		u |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return int64(u>>1) ^ -int64(u&1), nil
		}
	}
	return 0, errors.New("avro: varint overflows a long")
}

// int reads a zig-zag varint that must fit 32 bits, in at most 5 bytes.
func (r *avroReader) int() (int32, error) {
	start := r.pos
	v, err := r.long()
	if err != nil {
		return 0, err
	}
	if v < math.MinInt32 || v > math.MaxInt32 || r.pos-start > 5 {
		return 0, fmt.Errorf("avro: int %d out of range", v)
	}
	return int32(v), nil
}

func (r *avroReader) next(n int) ([]byte, error) {
	if n < 0 || n > r.remaining() {
		return nil, errAvroTruncated
	}
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	return b, nil
}

// bytes reads a length-prefixed byte string.
func (r *avroReader) bytes() ([]byte, error) {
	n, err := r.long()
	if err != nil {
		return nil, err
	}
	if n < 0 || n > int64(r.remaining()) {
		return nil, errAvroTruncated
	}
	return r.next(int(n))
}

// blockCount reads an array or map block header; a negative count is followed by the
// block's byte size, which is skipped.
func (r *avroReader) blockCount(elem *avroNode) (int64, error) {
	n, err := r.long()
	if err != nil {
		return 0, err
	}
	if n < 0 {
		if n == math.MinInt64 {
			return 0, errors.New("avro: invalid block count")
		}
		n = -n
		if _, err := r.long(); err != nil {
			return 0, err
		}
	}
	if elem.zeroSize {
		if n > avroMaxZeroSizeItems {
			return 0, fmt.Errorf("avro: block of %d zero-size items", n)
		}
	} else if n > int64(r.remaining()) {
		return 0, errAvroTruncated
	}
	return n, nil
}

// render decodes one value of p from data and appends it to dst as JSON. Unconsumed
// bytes at the end are an error: they mean the payload does not match the schema.
func (p *avroProgram) render(dst, data []byte) ([]byte, error) {
	r := avroReader{buf: data}
	out, err := p.root.appendJSON(dst, &r, 0)
	if err != nil {
		return dst, err
	}
	if r.remaining() > 0 {
		return dst, fmt.Errorf("avro: %d bytes left after the value", r.remaining())
	}
	return out, nil
}

func (n *avroNode) appendJSON(dst []byte, r *avroReader, depth int) ([]byte, error) {
	switch n.kind {
	case avroNull:
		return append(dst, "null"...), nil
	case avroBoolean:
		b, err := r.next(1)
		if err != nil {
			return dst, err
		}
		switch b[0] {
		case 0:
			return append(dst, "false"...), nil
		case 1:
			return append(dst, "true"...), nil
		}
		return dst, fmt.Errorf("avro: invalid boolean byte %#x", b[0])
	case avroInt:
		v, err := r.int()
		return strconv.AppendInt(dst, int64(v), 10), err
	case avroLong:
		v, err := r.long()
		return strconv.AppendInt(dst, v, 10), err
	case avroFloat:
		b, err := r.next(4)
		if err != nil {
			return dst, err
		}
		return appendFloat(dst, float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), 32), nil
	case avroDouble:
		b, err := r.next(8)
		if err != nil {
			return dst, err
		}
		return appendFloat(dst, math.Float64frombits(binary.LittleEndian.Uint64(b)), 64), nil
	case avroBytes:
		b, err := r.bytes()
		return appendBase64(dst, b), err
	case avroString:
		b, err := r.bytes()
		return appendStringBytes(dst, b), err
	case avroFixed:
		b, err := r.next(n.size)
		return appendBase64(dst, b), err
	case avroEnum:
		i, err := r.int()
		if err != nil {
			return dst, err
		}
		if i < 0 || int(i) >= len(n.symbols) {
			return dst, fmt.Errorf("avro: enum index %d out of range", i)
		}
		return append(dst, n.symbols[i]...), nil
	case avroDecimalBytes:
		b, err := r.bytes()
		return appendDecimal(dst, b, n.scale), err
	case avroDecimalFixed:
		b, err := r.next(n.size)
		return appendDecimal(dst, b, n.scale), err
	case avroUUIDFixed:
		b, err := r.next(16)
		if err != nil {
			return dst, err
		}
		return appendUUID(dst, b), nil
	case avroDuration:
		b, err := r.next(12)
		if err != nil {
			return dst, err
		}
		return appendDuration(dst, b), nil
	case avroDate, avroTimeMillis, avroTimeMicros, avroTimestampMillis, avroTimestampMicros,
		avroLocalTimestampMillis, avroLocalTimestampMicros:
		v, err := r.long()
		if err != nil {
			return dst, err
		}
		return appendTemporal(dst, n.kind, v)
	}
	if depth >= avroMaxDepth {
		return dst, fmt.Errorf("avro: nesting deeper than %d", avroMaxDepth)
	}
	switch n.kind {
	case avroRecord:
		dst = append(dst, '{')
		for i := range n.fields {
			f := &n.fields[i]
			dst = append(dst, f.prefix...)
			var err error
			if dst, err = f.node.appendJSON(dst, r, depth+1); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	case avroUnion:
		return n.appendUnion(dst, r, depth)
	case avroArray, avroMap:
		return n.appendBlocks(dst, r, depth)
	}
	return dst, fmt.Errorf("avro: unknown node kind %d", n.kind)
}

func (n *avroNode) appendUnion(dst []byte, r *avroReader, depth int) ([]byte, error) {
	i, err := r.int()
	if err != nil {
		return dst, err
	}
	if i < 0 || int(i) >= len(n.branches) {
		return dst, fmt.Errorf("avro: union branch %d out of range", i)
	}
	b := &n.branches[i]
	if b.node.kind == avroNull {
		return append(dst, "null"...), nil
	}
	if n.single >= 0 {
		return b.node.appendJSON(dst, r, depth+1)
	}
	dst = append(dst, b.prefix...)
	if dst, err = b.node.appendJSON(dst, r, depth+1); err != nil {
		return dst, err
	}
	return append(dst, '}'), nil
}

// appendBlocks renders an array or a map: a series of counted blocks ending with 0.
func (n *avroNode) appendBlocks(dst []byte, r *avroReader, depth int) ([]byte, error) {
	open, closing := byte('['), byte(']')
	if n.kind == avroMap {
		open, closing = '{', '}'
	}
	dst = append(dst, open)
	first, total := true, int64(0)
	for {
		count, err := r.blockCount(n.elem)
		if err != nil {
			return dst, err
		}
		if count == 0 {
			return append(dst, closing), nil
		}
		if total += count; n.elem.zeroSize && total > avroMaxZeroSizeItems {
			return dst, fmt.Errorf("avro: more than %d zero-size items", avroMaxZeroSizeItems)
		}
		for ; count > 0; count-- {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			if n.kind == avroMap {
				k, err := r.bytes()
				if err != nil {
					return dst, err
				}
				dst = append(appendStringBytes(dst, k), ':')
			}
			if dst, err = n.elem.appendJSON(dst, r, depth+1); err != nil {
				return dst, err
			}
		}
	}
}

// appendFloat renders a float as a JSON number; NaN and infinities, which JSON cannot
// hold, become the strings protojson uses ("NaN", "Infinity", "-Infinity").
func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}

func appendBase64(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// appendDecimal renders a big-endian two's-complement unscaled integer as a JSON string
// holding the exact decimal ("12000.50" for 1200050 with scale 2).
func appendDecimal(dst, b []byte, scale int) []byte {
	var digits []byte
	var scratch [24]byte
	neg := len(b) > 0 && b[0]&0x80 != 0
	if len(b) <= 8 {
		var v int64
		if neg {
			v = -1
		}
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		if neg {
			digits = strconv.AppendUint(scratch[:0], uint64(-v), 10) // -MinInt64 wraps to its magnitude
		} else {
			digits = strconv.AppendInt(scratch[:0], v, 10)
		}
	} else {
		i := new(big.Int).SetBytes(b)
		if neg {
			i.Sub(i, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
			i.Neg(i)
		}
		digits = i.Append(nil, 10)
	}
	dst = append(dst, '"')
	if neg {
		dst = append(dst, '-')
	}
	if scale <= 0 {
		dst = append(dst, digits...)
		return append(dst, '"')
	}
	if len(digits) <= scale {
		dst = append(dst, '0', '.')
		for i := len(digits); i < scale; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
		return append(dst, '"')
	}
	dst = append(dst, digits[:len(digits)-scale]...)
	dst = append(dst, '.')
	dst = append(dst, digits[len(digits)-scale:]...)
	return append(dst, '"')
}

// appendUUID renders 16 bytes as a quoted canonical UUID.
func appendUUID(dst, b []byte) []byte {
	dst = append(dst, '"')
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(dst, '"')
}

// appendDuration renders the Avro duration (three little-endian uint32: months, days,
// milliseconds) as an object with those names.
func appendDuration(dst, b []byte) []byte {
	dst = append(dst, `{"months":`...)
	dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(b[0:4])), 10)
	dst = append(dst, `,"days":`...)
	dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(b[4:8])), 10)
	dst = append(dst, `,"milliseconds":`...)
	dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(b[8:12])), 10)
	return append(dst, '}')
}

// Time formats for logical types; timestamps go through appendDateTime.
const (
	dateOnly   = "2006-01-02"
	timeMillis = "15:04:05.000"
	timeMicros = "15:04:05.000000"
)

// appendTemporal renders date, time and timestamp logical types as quoted RFC3339 text.
func appendTemporal(dst []byte, k avroKind, v int64) ([]byte, error) {
	if k == avroDate && (v < math.MinInt32 || v > math.MaxInt32) {
		return dst, fmt.Errorf("avro: int %d out of range", v)
	}
	if k == avroTimeMillis && (v < math.MinInt32 || v > math.MaxInt32) {
		return dst, fmt.Errorf("avro: int %d out of range", v)
	}
	switch k {
	case avroDate:
		dst = append(dst, '"')
		dst = time.Unix(v*86400, 0).UTC().AppendFormat(dst, dateOnly)
		return append(dst, '"'), nil
	case avroTimeMillis, avroTimeMicros:
		unit, layout := int64(time.Millisecond), timeMillis
		if k == avroTimeMicros {
			unit, layout = int64(time.Microsecond), timeMicros
		}
		if v < 0 || v >= int64(24*time.Hour)/unit {
			return strconv.AppendInt(dst, v, 10), nil // not a time of day: keep the number
		}
		dst = append(dst, '"')
		dst = time.Unix(0, v*unit).UTC().AppendFormat(dst, layout)
		return append(dst, '"'), nil
	}
	// Fixed fraction widths, as Avro tools print them: millis .000, micros .000000.
	t, digits := time.UnixMicro(v), 6
	if k == avroTimestampMillis || k == avroLocalTimestampMillis {
		t, digits = time.UnixMilli(v), 3
	}
	local := k == avroLocalTimestampMillis || k == avroLocalTimestampMicros
	dst = append(dst, '"')
	dst = appendDateTime(dst, t, digits, !local)
	return append(dst, '"'), nil
}
