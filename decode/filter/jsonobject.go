package filter

import (
	"math"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/kpeek/kpeek/decode"
)

// JSON objects as CEL maps (see lazyMap): the fields stay raw bytes until read.

// jsonFields is a nested JSON object kept raw; find scans for the key. Nested objects
// are small and mostly read once, so an index would cost more than it saves. A key
// given twice resolves to its last value, as encoding/json and JavaScript do.
type jsonFields []byte

func (o jsonFields) find(key string) (ref.Val, bool) {
	var found []byte
	it := decode.NewMembers(o)
	for {
		k, escaped, val, ok := it.Next()
		if !ok {
			break
		}
		if keyIs(k, escaped, key) {
			found = val
		}
	}
	if it.Malformed() {
		return malformed(), false
	}
	if found == nil {
		return nil, false
	}
	return scalarOrLazy(found), true
}

func (o jsonFields) full() traits.Mapper {
	m := map[ref.Val]ref.Val{}
	it := decode.NewMembers(o)
	for {
		k, _, val, ok := it.Next()
		if !ok {
			break
		}
		if s, ok := decode.UnquoteJSON(k); ok {
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
	it := decode.NewMembers(o.raw)
	for {
		key, escaped, val, ok := it.Next()
		if !ok {
			break
		}
		if o.n == maxIndexed {
			return
		}
		k0 := it.Offset(key)
		v0 := it.Offset(val)
		o.fields[o.n] = fieldSpan{int32(k0), int32(k0 + len(key)), int32(v0), int32(v0 + len(val)), escaped}
		o.n++
	}
	if !it.Malformed() {
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
		s, ok := decode.UnquoteJSON(quoted)
		return ok && s == key
	}
	return len(quoted)-2 == len(key) && string(quoted[1:len(quoted)-1]) == key
}
