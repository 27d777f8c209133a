package decode

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"
)

// cborIndefinite is the additional-information value for indefinite lengths.
const cborIndefinite = 31

// renderCBOR renders one CBOR value filling b exactly.
func renderCBOR(dst, b []byte) ([]byte, error) {
	r := binReader{buf: b}
	out, err := appendCBOR(dst, &r, 0)
	if err == nil && r.remaining() > 0 {
		err = fmt.Errorf("%d bytes left after the value", r.remaining())
	}
	if err != nil {
		return dst, fmt.Errorf("cbor: %w", err)
	}
	return out, nil
}

// isCBORMap reports whether b starts like a CBOR map whose first key is text, or with
// the self-describe tag 55799.
func isCBORMap(b []byte) bool {
	if len(b) >= 3 && b[0] == 0xd9 && b[1] == 0xd9 && b[2] == 0xf7 {
		return true
	}
	if len(b) < 2 || b[0] < 0xa1 || b[0] > 0xbf {
		return false
	}
	skip := 0 // bytes of the count after the head
	switch b[0] {
	case 0xb8, 0xb9, 0xba, 0xbb:
		skip = 1 << (b[0] - 0xb8)
	case 0xbc, 0xbd, 0xbe:
		return false
	}
	return len(b) > 1+skip && b[1+skip] >= 0x60 && b[1+skip] <= 0x7f
}

// cborHead reads an item's major type and argument; indefinite reports length 31.
func (r *binReader) cborHead() (major byte, arg uint64, indefinite bool, err error) {
	c, err := r.byte()
	if err != nil {
		return 0, 0, false, err
	}
	major, info := c>>5, c&0x1f
	switch {
	case info < 24:
		return major, uint64(info), false, nil
	case info <= 27:
		arg, err = r.uint(1 << (info - 24))
		return major, arg, false, err
	case info == cborIndefinite && (major >= 2 && major <= 5 || major == 7):
		return major, 0, true, nil
	}
	return major, 0, false, fmt.Errorf("invalid additional information %d", info)
}

func appendCBOR(dst []byte, r *binReader, depth int) ([]byte, error) {
	if depth >= binMaxDepth {
		return dst, errors.New("nesting too deep")
	}
	head := r.pos
	major, arg, indef, err := r.cborHead()
	if err != nil {
		return dst, err
	}
	switch major {
	case 0:
		return strconv.AppendUint(dst, arg, 10), nil
	case 1:
		if arg < math.MaxInt64 {
			return strconv.AppendInt(dst, -1-int64(arg), 10), nil
		}
		return new(big.Int).Sub(big.NewInt(-1), new(big.Int).SetUint64(arg)).Append(dst, 10), nil
	case 2, 3:
		b, err := r.cborString(major, arg, indef)
		if err != nil {
			return dst, err
		}
		if major == 2 {
			return appendBase64(dst, b), nil
		}
		return appendStringBytes(dst, b), nil
	case 4:
		return r.appendCBORArray(dst, arg, indef, depth)
	case 5:
		return r.appendCBORMap(dst, arg, indef, depth)
	case 6:
		return r.appendCBORTag(dst, arg, depth)
	}
	return appendCBORSimple(dst, r.buf[head]&0x1f, arg, indef)
}

// cborString reads a byte or text string; an indefinite one is the concatenation of
// definite chunks of the same major type up to the break byte.
func (r *binReader) cborString(major byte, n uint64, indef bool) ([]byte, error) {
	if !indef {
		return r.next(n)
	}
	var out []byte
	for {
		if r.remaining() > 0 && r.buf[r.pos] == 0xff {
			r.pos++
			return out, nil
		}
		m, n, chunkIndef, err := r.cborHead()
		if err != nil {
			return nil, err
		}
		if m != major || chunkIndef {
			return nil, errors.New("invalid chunk in an indefinite-length string")
		}
		b, err := r.next(n)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
}

// more reports whether a container has another item: counting down a definite length,
// or up to the break byte.
func (r *binReader) more(i, n uint64, indef bool) (bool, error) {
	if !indef {
		return i < n, nil
	}
	if r.remaining() == 0 {
		return false, errBinTruncated
	}
	if r.buf[r.pos] == 0xff {
		r.pos++
		return false, nil
	}
	return true, nil
}

func (r *binReader) appendCBORArray(dst []byte, n uint64, indef bool, depth int) ([]byte, error) {
	if err := r.count(n, 1); !indef && err != nil {
		return dst, err
	}
	dst = append(dst, '[')
	for i := uint64(0); ; i++ {
		more, err := r.more(i, n, indef)
		if err != nil {
			return dst, err
		}
		if !more {
			return append(dst, ']'), nil
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = appendCBOR(dst, r, depth+1); err != nil {
			return dst, err
		}
	}
}

// appendCBORMap renders a map as an object; a key that is not text is rendered as JSON
// and that text used as the key.
func (r *binReader) appendCBORMap(dst []byte, n uint64, indef bool, depth int) ([]byte, error) {
	if err := r.count(n, 2); !indef && err != nil {
		return dst, err
	}
	dst = append(dst, '{')
	for i := uint64(0); ; i++ {
		more, err := r.more(i, n, indef)
		if err != nil {
			return dst, err
		}
		if !more {
			return append(dst, '}'), nil
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		start := len(dst)
		if dst, err = appendCBOR(dst, r, depth+1); err != nil {
			return dst, err
		}
		if dst[start] != '"' {
			key := string(dst[start:])
			dst = appendString(dst[:start], key)
		}
		dst = append(dst, ':')
		if dst, err = appendCBOR(dst, r, depth+1); err != nil {
			return dst, err
		}
	}
}

// appendCBORTag renders epoch times (tag 1) as RFC3339 and bignums (tags 2, 3) as exact
// integers; other tags render their content.
func (r *binReader) appendCBORTag(dst []byte, tag uint64, depth int) ([]byte, error) {
	switch tag {
	case 1:
		start := len(dst)
		out, err := appendCBOR(dst, r, depth+1)
		if err != nil {
			return out, err
		}
		if f, perr := strconv.ParseFloat(string(out[start:]), 64); perr == nil && math.Abs(f) < 1e11 {
			sec, frac := math.Modf(f)
			t := time.Unix(int64(sec), int64(frac*1e9))
			dst = append(out[:start], '"')
			dst = appendDateTime(dst, t, 0, true)
			return append(dst, '"'), nil
		}
		return out, nil
	case 2, 3:
		major, n, indef, err := r.cborHead()
		if err != nil {
			return dst, err
		}
		if major != 2 {
			return dst, errors.New("bignum tag on a non-byte-string")
		}
		b, err := r.cborString(2, n, indef)
		if err != nil {
			return dst, err
		}
		i := new(big.Int).SetBytes(b)
		if tag == 3 {
			i.Neg(i).Sub(i, big.NewInt(1))
		}
		return i.Append(dst, 10), nil
	}
	return appendCBOR(dst, r, depth+1)
}

// appendCBORSimple renders major type 7: false, true, null, undefined (as null) and floats.
func appendCBORSimple(dst []byte, info byte, arg uint64, indef bool) ([]byte, error) {
	if indef {
		return dst, errors.New("unexpected break")
	}
	switch info {
	case 20:
		return append(dst, "false"...), nil
	case 21:
		return append(dst, "true"...), nil
	case 22, 23:
		return append(dst, "null"...), nil
	case 25:
		return appendFloat(dst, float64(halfToFloat(uint16(arg))), 32), nil
	case 26:
		return appendFloat(dst, float64(math.Float32frombits(uint32(arg))), 32), nil
	case 27:
		return appendFloat(dst, math.Float64frombits(arg), 64), nil
	}
	dst = strconv.AppendUint(append(dst, `{"simple":`...), arg, 10)
	return append(dst, '}'), nil
}

// halfToFloat converts an IEEE 754 half-precision float.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0:
		f := float32(frac) / (1 << 24)
		if sign != 0 {
			return -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}
