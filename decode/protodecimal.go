package decode

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Decimal message types rendered as exact decimal strings rather than protojson objects.
const (
	confluentDecimal protoreflect.FullName = "confluent.type.Decimal" // bytes value, uint32 precision, int32 scale
	googleDecimal    protoreflect.FullName = "google.type.Decimal"    // string value
)

// maxPlainDecimalScale bounds the zeros a Decimal's scale may add: beyond it the unscaled
// digits get an exponent ("12E-1000"), still exact, so a 5-byte hostile scale cannot turn
// into gigabytes of zeros.
const maxPlainDecimalScale = 100

// decimalTypes remembers, per message type of one schema, whether its messages can hold a
// Decimal, so the usual message without one is rendered by protojson alone.
type decimalTypes struct {
	has sync.Map // protoreflect.FullName -> bool
}

// holds reports whether a message of type md is, or can contain, a Decimal.
func (d *decimalTypes) holds(md protoreflect.MessageDescriptor) bool {
	if v, ok := d.has.Load(md.FullName()); ok {
		return v.(bool)
	}
	h := holdsDecimal(md, map[protoreflect.FullName]bool{})
	d.has.Store(md.FullName(), h)
	return h
}

func holdsDecimal(md protoreflect.MessageDescriptor, seen map[protoreflect.FullName]bool) bool {
	if decimalKind(md) != "" {
		return true
	}
	if seen[md.FullName()] {
		return false // a cycle: the type is being looked at further up
	}
	seen[md.FullName()] = true
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.IsMap() {
			fd = fd.MapValue()
		}
		// google.protobuf.Any holds bytes here; what it packs is left to protojson.
		if m := fd.Message(); m != nil && holdsDecimal(m, seen) {
			return true
		}
	}
	return false
}

// decimalKind names the Decimal type md is, or returns "" when md is another message or
// a same-named message of a different shape (a schema may bring its own copy).
func decimalKind(md protoreflect.MessageDescriptor) protoreflect.FullName {
	f := md.Fields()
	is := func(num protoreflect.FieldNumber, name protoreflect.Name, kind protoreflect.Kind) bool {
		fd := f.ByNumber(num)
		return fd != nil && fd.Name() == name && fd.Kind() == kind && fd.Cardinality() != protoreflect.Repeated
	}
	switch md.FullName() {
	case confluentDecimal:
		if f.Len() == 3 && is(1, "value", protoreflect.BytesKind) && is(2, "precision", protoreflect.Uint32Kind) &&
			is(3, "scale", protoreflect.Int32Kind) {
			return confluentDecimal
		}
	case googleDecimal:
		if f.Len() == 1 && is(1, "value", protoreflect.StringKind) {
			return googleDecimal
		}
	}
	return ""
}

// decimalMarks swaps each Decimal in a decoded message for a placeholder before protojson
// runs, and the placeholder's JSON for the decimal string after. The type decides what
// is a Decimal; the placeholder only finds the spot again. It is {"value":"<base64>"} of
// a per-render random nonce and the Decimal's index, so a payload cannot forge one.
type decimalMarks struct {
	types *decimalTypes
	nonce [12]byte
	texts [][]byte // the JSON string each placeholder stands for
}

// mark replaces the Decimals in m (m itself included) with placeholders.
func (d *decimalMarks) mark(m protoreflect.Message) {
	md := m.Descriptor()
	if !d.types.holds(md) {
		return
	}
	switch decimalKind(md) {
	case confluentDecimal:
		f := md.Fields()
		scale := int32(m.Get(f.ByNumber(3)).Int())
		d.replace(m, appendProtoDecimal(nil, m.Get(f.ByNumber(1)).Bytes(), scale))
		return
	case googleDecimal:
		d.replace(m, appendString(nil, m.Get(md.Fields().ByNumber(1)).String()))
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					d.mark(mv.Message())
					return true
				})
			}
		case fd.IsList():
			if fd.Message() != nil {
				l := v.List()
				for i := range l.Len() {
					d.mark(l.Get(i).Message())
				}
			}
		case fd.Message() != nil:
			d.mark(v.Message())
		}
		return true
	})
}

// replace clears the Decimal m and sets its value to the next placeholder.
func (d *decimalMarks) replace(m protoreflect.Message, text []byte) {
	if len(d.texts) == 0 {
		rand.Read(d.nonce[:])
	}
	var token [16]byte
	copy(token[:], d.nonce[:])
	binary.BigEndian.PutUint32(token[12:], uint32(len(d.texts)))
	d.texts = append(d.texts, text)
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		m.Clear(fields.Get(i))
	}
	value := fields.ByNumber(1)
	if value.Kind() == protoreflect.BytesKind {
		m.Set(value, protoreflect.ValueOfBytes(token[:]))
	} else {
		m.Set(value, protoreflect.ValueOfString(base64.StdEncoding.EncodeToString(token[:])))
	}
}

// substitute rewrites the compact JSON js, replacing every placeholder with its decimal
// string; ok is false unless each placeholder was found exactly once.
func (d *decimalMarks) substitute(dst, js []byte) (out []byte, ok bool) {
	prefix := base64.StdEncoding.AppendEncode([]byte(`{"value":"`), d.nonce[:]) // 12 bytes: 16 chars, no padding
	const tail = len(`AAAAAA=="}`)                                              // the 4-byte index, padded, and the close
	found := make([]bool, len(d.texts))
	for {
		i := bytes.Index(js, prefix)
		if i < 0 {
			break
		}
		dst = append(dst, js[:i]...)
		js = js[i+len(prefix):]
		var idx [6]byte
		if len(js) < tail || string(js[8:tail]) != `"}` {
			return dst, false
		}
		if k, err := base64.StdEncoding.Decode(idx[:], js[:8]); err != nil || k != 4 {
			return dst, false
		}
		n := binary.BigEndian.Uint32(idx[:4])
		if int(n) >= len(found) || found[n] {
			return dst, false
		}
		found[n] = true
		dst = append(dst, d.texts[n]...)
		js = js[tail:]
	}
	for _, f := range found {
		if !f {
			return dst, false
		}
	}
	return append(dst, js...), true
}

// appendProtoDecimal renders a confluent.type.Decimal: the big-endian two's-complement
// unscaled integer b times 10^-scale as an exact JSON string. No bytes is zero (the proto3
// default); a negative scale appends zeros ("1200" for 12 with scale -2); a scale beyond
// ±maxPlainDecimalScale is written as the unscaled digits with an exponent ("12E-1000").
func appendProtoDecimal(dst, b []byte, scale int32) []byte {
	if scale >= 0 && scale <= maxPlainDecimalScale {
		return appendDecimal(dst, b, int(scale))
	}
	start := len(dst)
	dst = appendDecimal(dst, b, 0)
	dst = dst[:len(dst)-1] // reopen the string
	switch {
	case scale > 0 || scale < -maxPlainDecimalScale:
		dst = append(dst, 'E')
		dst = strconv.AppendInt(dst, -int64(scale), 10)
	case string(dst[start:]) != `"0`:
		dst = append(dst, make([]byte, -scale)...)
		for i := len(dst) + int(scale); i < len(dst); i++ {
			dst[i] = '0'
		}
	}
	return append(dst, '"')
}
