package filter

import (
	"bytes"
	"math"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// JSON objects as CEL maps (see lazyMap): the fields stay raw bytes until read.

// jsonFields is a nested JSON object kept raw; find scans for the key. Nested objects
// are small and mostly read once, so an index would cost more than it saves. A key
// given twice resolves to its last value, as encoding/json and JavaScript do.
type jsonFields []byte

// fieldIter walks the fields of a raw object.
type fieldIter struct {
	raw       []byte
	i         int
	malformed bool
}

func newFieldIter(raw []byte) fieldIter { return fieldIter{raw: raw, i: skipSpace(raw, 1)} }

// offset is where part, a slice returned by next, starts in the object.
func (it *fieldIter) offset(part []byte) int { return cap(it.raw) - cap(part) }

// next returns the next field's quoted key and value; ok is false at the end or when
// the object is malformed (then malformed is set).
func (it *fieldIter) next() (key []byte, escaped bool, val []byte, ok bool) {
	raw, i := it.raw, it.i
	if i >= len(raw) || raw[i] == '}' {
		it.malformed = i >= len(raw)
		return nil, false, nil, false
	}
	if raw[i] != '"' {
		it.malformed = true
		return nil, false, nil, false
	}
	kEnd, ok := skipString(raw, i)
	if !ok {
		it.malformed = true
		return nil, false, nil, false
	}
	key = raw[i:kEnd]
	escaped = bytes.IndexByte(key, '\\') >= 0
	i = skipSpace(raw, kEnd)
	if i >= len(raw) || raw[i] != ':' {
		it.malformed = true
		return nil, false, nil, false
	}
	i = skipSpace(raw, i+1)
	vEnd, ok := skipValue(raw, i)
	if !ok {
		it.malformed = true
		return nil, false, nil, false
	}
	val = raw[i:vEnd]
	i = skipSpace(raw, vEnd)
	switch {
	case i < len(raw) && raw[i] == ',':
		it.i = skipSpace(raw, i+1)
		if it.i < len(raw) && raw[it.i] == '}' {
			it.malformed = true // trailing comma
			return nil, false, nil, false
		}
	case i < len(raw) && raw[i] == '}':
		it.i = i
	default:
		it.malformed = true
		return nil, false, nil, false
	}
	return key, escaped, val, true
}

func (o jsonFields) find(key string) (ref.Val, bool) {
	var found []byte
	it := newFieldIter(o)
	for {
		k, escaped, val, ok := it.next()
		if !ok {
			break
		}
		if keyIs(k, escaped, key) {
			found = val
		}
	}
	if it.malformed {
		return malformed(), false
	}
	if found == nil {
		return nil, false
	}
	return scalarOrLazy(found), true
}

func (o jsonFields) full() traits.Mapper {
	m := map[ref.Val]ref.Val{}
	it := newFieldIter(o)
	for {
		k, _, val, ok := it.next()
		if !ok {
			break
		}
		if s, ok := unquote(k); ok {
			m[types.String(s)] = scalarOrLazy(val)
		}
	}
	return types.NewRefValMap(types.DefaultTypeAdapter, m)
}

// maxIndexed is how many fields of a record's top-level object are indexed.
const maxIndexed = 16

// rootObject is a record's top-level JSON object, owned by one evaluation. The first
// lookup notes where the fields are, so the next ones (expressions often read several
// fields) do not scan the record again.
type rootObject struct {
	raw    []byte
	fields [maxIndexed]fieldSpan
	n      int
	state  indexState
}

// fieldSpan locates one field of a raw object by offsets.
type fieldSpan struct {
	key0, key1, val0, val1 int32
	escaped                bool // the key has escapes: compare it decoded
}

type indexState uint8

const (
	notIndexed indexState = iota
	indexed
	unindexable // too many fields, too large or malformed: scan on every lookup
)

// reset points o at another object; the stale spans are simply overwritten later.
func (o *rootObject) reset(raw []byte) { o.raw, o.n, o.state = raw, 0, notIndexed }

func (o *rootObject) index() {
	o.state = unindexable
	if len(o.raw) > math.MaxInt32 {
		return
	}
	it := newFieldIter(o.raw)
	for {
		key, escaped, val, ok := it.next()
		if !ok {
			break
		}
		if o.n == maxIndexed {
			return
		}
		k0 := it.offset(key)
		v0 := it.offset(val)
		o.fields[o.n] = fieldSpan{int32(k0), int32(k0 + len(key)), int32(v0), int32(v0 + len(val)), escaped}
		o.n++
	}
	if !it.malformed {
		o.state = indexed
	}
}

func (o *rootObject) find(key string) (ref.Val, bool) {
	if o.state == notIndexed {
		o.index()
	}
	if o.state != indexed {
		return jsonFields(o.raw).find(key)
	}
	for i := o.n - 1; i >= 0; i-- {
		f := &o.fields[i]
		if keyIs(o.raw[f.key0:f.key1], f.escaped, key) {
			return scalarOrLazy(o.raw[f.val0:f.val1]), true
		}
	}
	return nil, false
}

func (o *rootObject) full() traits.Mapper { return jsonFields(o.raw).full() }

// keyIs reports whether a quoted JSON key is key.
func keyIs(quoted []byte, escaped bool, key string) bool {
	if escaped {
		s, ok := unquote(quoted)
		return ok && s == key
	}
	return len(quoted)-2 == len(key) && string(quoted[1:len(quoted)-1]) == key
}
