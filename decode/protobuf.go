package decode

import (
	"context"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/riferrei/srclient"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// embeddedProtos holds the imports Confluent serializers use but never register.
//
//go:embed protos/google/type/*.proto protos/confluent/*.proto protos/confluent/type/*.proto
var embeddedProtos embed.FS

// protoRecursionLimit bounds message nesting in hostile payloads.
const protoRecursionLimit = 100

// protoSchema is a compiled .proto file; message is set when one message was chosen by
// name (a local schema file) rather than by the message indexes in each record.
type protoSchema struct {
	file     protoreflect.FileDescriptor
	message  protoreflect.MessageDescriptor
	resolver linker.Resolver // the file and its imports: names google.protobuf.Any contents
	decimals decimalTypes    // which message types can hold a Decimal
}

// compileProto compiles the schema's source with its references, fetched recursively,
// the embedded google/type and confluent imports, and protocompile's well-known types.
func (r *Registry) compileProto(id int, s *srclient.Schema) (*protoSchema, error) {
	srcs := registrySources{}
	err := r.walkReferences(s.References(), map[string]bool{}, 0, func(ref srclient.Reference, rs *srclient.Schema) error {
		srcs[ref.Name] = rs.Schema()
		return nil
	})
	if err != nil {
		return nil, err
	}
	main := fmt.Sprintf("kpeek-registry/schema-%d.proto", id)
	srcs[main] = s.Schema()
	return compileProtoFile(main, registrySources(srcs))
}

// loadProtoFile compiles a local .proto file (imports resolved beside it) and picks the
// message named message, fully qualified or by its short name.
func loadProtoFile(path, message string) (*protoSchema, error) {
	if message == "" {
		return nil, fmt.Errorf("%s: a protobuf schema file needs a message name", path)
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("protobuf schema: %w", err)
	}
	ps, err := compileProtoFile(name, &protocompile.SourceResolver{ImportPaths: []string{dir}})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	md, _ := ps.resolver.FindDescriptorByName(protoreflect.FullName(message))
	if md == nil && ps.file.Package() != "" {
		md, _ = ps.resolver.FindDescriptorByName(ps.file.Package().Append(protoreflect.Name(message)))
	}
	m, ok := md.(protoreflect.MessageDescriptor)
	if !ok {
		var names []string
		msgs := ps.file.Messages()
		for i := range msgs.Len() {
			names = append(names, string(msgs.Get(i).FullName()))
		}
		return nil, fmt.Errorf("%s: no message %q (top-level messages: %s)", path, message, strings.Join(names, ", "))
	}
	ps.message = m
	return ps, nil
}

func compileProtoFile(name string, sources protocompile.Resolver) (*protoSchema, error) {
	embedded := &protocompile.SourceResolver{Accessor: func(path string) (io.ReadCloser, error) {
		return embeddedProtos.Open("protos/" + path)
	}}
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(protocompile.CompositeResolver{sources, embedded}),
	}
	files, err := c.Compile(context.Background(), name)
	if err != nil {
		return nil, fmt.Errorf("compile protobuf schema: %s", oneLine(err.Error()))
	}
	return &protoSchema{file: files[0], resolver: linker.ResolverFromFile(files[0])}, nil
}

// readMessageIndexes reads the Confluent message-index array that follows the schema id:
// a zig-zag varint count, then that many zig-zag varint indexes; a count of 0 (the single
// byte 0) means the first message.
func readMessageIndexes(b []byte) ([]int, []byte, error) {
	n, size := binary.Varint(b)
	if size <= 0 {
		return nil, b, errors.New("protobuf: truncated message indexes")
	}
	b = b[size:]
	if n == 0 {
		return []int{0}, b, nil
	}
	if n < 0 || n > 64 || n > int64(len(b)) {
		return nil, b, fmt.Errorf("protobuf: invalid message index count %d", n)
	}
	idx := make([]int, n)
	for i := range idx {
		v, size := binary.Varint(b)
		if size <= 0 || v < 0 || v > 1<<20 {
			return nil, b, errors.New("protobuf: invalid message index")
		}
		idx[i], b = int(v), b[size:]
	}
	return idx, b, nil
}

// messageAt finds the message the indexes name: the first among the file's top-level
// messages, the rest among nested ones. Map-entry messages are not counted, as in
// Confluent's serializers.
func (p *protoSchema) messageAt(idx []int) (protoreflect.MessageDescriptor, error) {
	msgs := p.file.Messages()
	if idx[0] >= msgs.Len() {
		return nil, fmt.Errorf("protobuf: message index %d out of range (%d messages)", idx[0], msgs.Len())
	}
	md := msgs.Get(idx[0])
	for _, want := range idx[1:] {
		var next protoreflect.MessageDescriptor
		nested := md.Messages()
		for i, n := 0, 0; i < nested.Len(); i++ {
			if nested.Get(i).IsMapEntry() {
				continue
			}
			if n == want {
				next = nested.Get(i)
				break
			}
			n++
		}
		if next == nil {
			return nil, fmt.Errorf("protobuf: nested message index %d out of range in %s", want, md.FullName())
		}
		md = next
	}
	return md, nil
}

// render decodes data as message md and appends it to dst as compact protojson with the
// field names of the .proto file.
func (p *protoSchema) render(dst []byte, md protoreflect.MessageDescriptor, data []byte) ([]byte, error) {
	msg := dynamicpb.NewMessage(md)
	// AllowPartial: a proto2 message missing required fields is still worth showing.
	opts := proto.UnmarshalOptions{RecursionLimit: protoRecursionLimit, Resolver: p.resolver, AllowPartial: true}
	if err := unmarshalProto(opts, data, msg); err != nil {
		return dst, fmt.Errorf("protobuf: decode %s: %s", md.FullName(), trimProtoError(err))
	}
	marks := decimalMarks{types: &p.decimals}
	marks.mark(msg)
	js, err := protojson.MarshalOptions{UseProtoNames: true, Resolver: p.resolver, AllowPartial: true}.Marshal(msg)
	if err != nil {
		return dst, fmt.Errorf("protobuf: render %s: %s", md.FullName(), trimProtoError(err))
	}
	if len(marks.texts) == 0 {
		out, ok := compactJSON(dst, js)
		if !ok {
			return dst, fmt.Errorf("protobuf: render %s: invalid JSON", md.FullName())
		}
		return out, nil
	}
	compact, ok := compactJSON(nil, js)
	if !ok {
		return dst, fmt.Errorf("protobuf: render %s: invalid JSON", md.FullName())
	}
	out, ok := marks.substitute(dst, compact)
	if !ok {
		return dst, fmt.Errorf("protobuf: render %s: decimal placeholders lost", md.FullName())
	}
	return out, nil
}

// unmarshalProto is opts.Unmarshal with a panic turned into an error: protobuf-go's
// map-entry decoder (v1.36.12) panics when a key field is followed by a key field of the
// wrong wire type, and Decode must never panic.
func unmarshalProto(opts proto.UnmarshalOptions, data []byte, msg proto.Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid wire-format data (%v)", r)
		}
	}()
	return opts.Unmarshal(data, msg)
}

// trimProtoError drops the "proto: " prefix the protobuf runtime puts on every error.
func trimProtoError(err error) string {
	return oneLine(strings.TrimPrefix(err.Error(), "proto:"))
}
