package filter

import (
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// fieldSource is a record part seen as a CEL map with string keys: find looks up one
// key cheaply; full builds an ordinary CEL map for the operations filters rarely use
// (iteration, size, equality, conversion).
type fieldSource interface {
	// find returns the value of key, or found == false; a malformed source returns
	// an error value.
	find(key string) (v ref.Val, found bool)
	full() traits.Mapper
}

// lazyMap is a CEL map that looks keys up in its source on demand instead of
// building a map for every record.
type lazyMap[S fieldSource] struct{ src S }

// Find implements traits.Mapper.
func (m lazyMap[S]) Find(key ref.Val) (ref.Val, bool) {
	k, ok := key.(types.String)
	if !ok {
		if types.IsUnknownOrError(key) {
			return key, false
		}
		return nil, false
	}
	return m.src.find(string(k))
}

// Get implements traits.Indexer.
func (m lazyMap[S]) Get(key ref.Val) ref.Val {
	v, found := m.Find(key)
	if !found {
		return types.ValOrErr(v, "no such key: %v", key)
	}
	return v
}

// Contains implements traits.Container.
func (m lazyMap[S]) Contains(key ref.Val) ref.Val {
	v, found := m.Find(key)
	if !found && types.IsError(v) {
		return v
	}
	return types.Bool(found)
}

// Size implements traits.Sizer.
func (m lazyMap[S]) Size() ref.Val { return m.src.full().Size() }

// Iterator implements traits.Iterable.
func (m lazyMap[S]) Iterator() traits.Iterator { return m.src.full().Iterator() }

// ConvertToNative implements ref.Val.
func (m lazyMap[S]) ConvertToNative(t reflect.Type) (any, error) {
	return m.src.full().ConvertToNative(t)
}

// ConvertToType implements ref.Val.
func (m lazyMap[S]) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.MapType:
		return m
	case types.TypeType:
		return types.MapType
	}
	return m.src.full().ConvertToType(t)
}

// Equal implements ref.Val.
func (m lazyMap[S]) Equal(other ref.Val) ref.Val { return m.src.full().Equal(other) }

// Type implements ref.Val.
func (m lazyMap[S]) Type() ref.Type { return types.MapType }

// Value implements ref.Val.
func (m lazyMap[S]) Value() any { return m.src.full().Value() }
