package decode

import (
	"fmt"

	"github.com/hamba/avro/v2"
	"github.com/riferrei/srclient"
)

// avroKind is what one node of a compiled Avro schema reads from the binary encoding.
type avroKind uint8

const (
	avroNull avroKind = iota
	avroBoolean
	avroInt
	avroLong
	avroFloat
	avroDouble
	avroBytes
	avroString
	avroRecord
	avroEnum
	avroArray
	avroMap
	avroUnion
	avroFixed
	avroDecimalBytes
	avroDecimalFixed
	avroDate
	avroTimeMillis
	avroTimeMicros
	avroTimestampMillis
	avroTimestampMicros
	avroLocalTimestampMillis
	avroLocalTimestampMicros
	avroDuration
	avroUUIDFixed // fixed(16) with logicalType uuid (Avro 1.12), which hamba leaves as a property
)

// avroNode is one node of an Avro schema compiled for rendering binary data straight to
// JSON: no reflection, no generic maps, every field name pre-quoted.
type avroNode struct {
	kind     avroKind
	fields   []avroField // record
	symbols  [][]byte    // enum: pre-quoted JSON strings
	elem     *avroNode   // array items, map values
	branches []avroBranch
	single   int  // union: index of the only non-null branch, or -1 when the union is ambiguous
	size     int  // fixed
	scale    int  // decimal
	zeroSize bool // encodes in zero bytes (null, empty record): bounds array/map counts
}

type avroField struct {
	prefix []byte // `"name":`
	node   *avroNode
}

// avroBranch is one union branch. Ambiguous unions render as {"<branch name>": value},
// the Avro JSON encoding's convention, so the branch taken is never lost.
type avroBranch struct {
	prefix []byte // `{"name":`
	node   *avroNode
}

// avroProgram is a compiled Avro schema ready to render binary records as JSON.
type avroProgram struct {
	root *avroNode
}

// compileAvro compiles a parsed hamba schema; named types are compiled once so recursive
// schemas become cyclic node graphs.
func compileAvro(s avro.Schema) (*avroProgram, error) {
	c := avroCompiler{named: map[string]*avroNode{}}
	root, err := c.compile(s)
	if err != nil {
		return nil, err
	}
	return &avroProgram{root: root}, nil
}

type avroCompiler struct {
	named map[string]*avroNode
}

func (c *avroCompiler) compile(s avro.Schema) (*avroNode, error) {
	switch s := s.(type) {
	case *avro.RefSchema:
		if n, ok := c.named[s.Schema().FullName()]; ok {
			return n, nil
		}
		return c.compile(s.Schema())
	case *avro.NullSchema:
		return &avroNode{kind: avroNull, zeroSize: true}, nil
	case *avro.PrimitiveSchema:
		return compilePrimitive(s)
	case *avro.RecordSchema:
		if n, ok := c.named[s.FullName()]; ok {
			return n, nil
		}
		n := &avroNode{kind: avroRecord, zeroSize: true}
		c.named[s.FullName()] = n
		for i, f := range s.Fields() {
			fn, err := c.compile(f.Type())
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name(), err)
			}
			prefix := make([]byte, 0, len(f.Name())+4)
			if i > 0 {
				prefix = append(prefix, ',')
			}
			prefix = appendString(prefix, f.Name())
			prefix = append(prefix, ':')
			n.fields = append(n.fields, avroField{prefix: prefix, node: fn})
			// A self-reference is not known yet; treating it as non-zero is safe.
			n.zeroSize = n.zeroSize && fn != n && fn.zeroSize
		}
		return n, nil
	case *avro.EnumSchema:
		n := &avroNode{kind: avroEnum}
		for _, sym := range s.Symbols() {
			n.symbols = append(n.symbols, appendString(nil, sym))
		}
		c.named[s.FullName()] = n
		return n, nil
	case *avro.FixedSchema:
		n := &avroNode{kind: avroFixed, size: s.Size(), zeroSize: s.Size() == 0}
		switch l := s.Logical().(type) {
		case *avro.DecimalLogicalSchema:
			n.kind, n.scale = avroDecimalFixed, l.Scale()
		case *avro.PrimitiveLogicalSchema:
			if l.Type() == avro.Duration && s.Size() == 12 {
				n.kind = avroDuration
			}
		case nil:
			if s.Size() == 16 && s.Prop("logicalType") == string(avro.UUID) {
				n.kind = avroUUIDFixed
			}
		}
		c.named[s.FullName()] = n
		return n, nil
	case *avro.ArraySchema:
		elem, err := c.compile(s.Items())
		if err != nil {
			return nil, err
		}
		return &avroNode{kind: avroArray, elem: elem}, nil
	case *avro.MapSchema:
		elem, err := c.compile(s.Values())
		if err != nil {
			return nil, err
		}
		return &avroNode{kind: avroMap, elem: elem}, nil
	case *avro.UnionSchema:
		return c.compileUnion(s)
	}
	return nil, fmt.Errorf("avro: unsupported schema type %s", s.Type())
}

func (c *avroCompiler) compileUnion(s *avro.UnionSchema) (*avroNode, error) {
	n := &avroNode{kind: avroUnion, single: -1}
	nonNull := 0
	for i, t := range s.Types() {
		bn, err := c.compile(t)
		if err != nil {
			return nil, err
		}
		prefix := append([]byte{'{'}, appendString(nil, branchName(t))...)
		prefix = append(prefix, ':')
		n.branches = append(n.branches, avroBranch{prefix: prefix, node: bn})
		if t.Type() != avro.Null {
			nonNull++
			n.single = i
		}
	}
	if nonNull != 1 {
		n.single = -1
	}
	return n, nil
}

// branchName is the name the Avro JSON encoding gives a union branch.
func branchName(s avro.Schema) string {
	switch s := s.(type) {
	case avro.NamedSchema:
		return s.FullName()
	case *avro.RefSchema:
		return s.Schema().FullName()
	}
	return string(s.Type())
}

func compilePrimitive(s *avro.PrimitiveSchema) (*avroNode, error) {
	n := &avroNode{}
	switch s.Type() {
	case avro.Boolean:
		n.kind = avroBoolean
	case avro.Int:
		n.kind = avroInt
	case avro.Long:
		n.kind = avroLong
	case avro.Float:
		n.kind = avroFloat
	case avro.Double:
		n.kind = avroDouble
	case avro.Bytes:
		n.kind = avroBytes
	case avro.String:
		n.kind = avroString // uuid strings are already text
	default:
		return nil, fmt.Errorf("avro: unsupported primitive type %s", s.Type())
	}
	switch l := s.Logical().(type) {
	case *avro.DecimalLogicalSchema:
		if n.kind == avroBytes {
			n.kind, n.scale = avroDecimalBytes, l.Scale()
		}
	case *avro.PrimitiveLogicalSchema:
		n.kind = logicalKind(n.kind, l.Type())
	}
	return n, nil
}

// logicalKind maps a logical type onto the kind that renders it; an unknown pairing keeps
// the underlying type, as the Avro specification asks.
func logicalKind(k avroKind, l avro.LogicalType) avroKind {
	switch {
	case k == avroInt && l == avro.Date:
		return avroDate
	case k == avroInt && l == avro.TimeMillis:
		return avroTimeMillis
	case k == avroLong && l == avro.TimeMicros:
		return avroTimeMicros
	case k == avroLong && l == avro.TimestampMillis:
		return avroTimestampMillis
	case k == avroLong && l == avro.TimestampMicros:
		return avroTimestampMicros
	case k == avroLong && l == avro.LocalTimestampMillis:
		return avroLocalTimestampMillis
	case k == avroLong && l == avro.LocalTimestampMicros:
		return avroLocalTimestampMicros
	}
	return k
}

// compileAvro parses a registry schema after its references, which declare the named
// types it uses, into one schema cache.
func (r *Registry) compileAvro(s *srclient.Schema) (*avroProgram, error) {
	cache := &avro.SchemaCache{}
	err := r.walkReferences(s.References(), map[string]bool{}, 0, func(_ srclient.Reference, ref *srclient.Schema) error {
		_, err := avro.ParseWithCache(ref.Schema(), "", cache)
		return err
	})
	if err != nil {
		return nil, err
	}
	parsed, err := avro.ParseWithCache(s.Schema(), "", cache)
	if err != nil {
		return nil, fmt.Errorf("parse avro schema: %w", err)
	}
	return compileAvro(parsed)
}
