package decode

import (
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// registrySources resolves the files of a registry Protobuf schema by name. A registry
// returns each file either as .proto source text or, from Confluent's Python serializer
// and Apicurio's compatible API, as a base64 serialized FileDescriptorProto; both
// compile to the same descriptors.
type registrySources map[string]string

// FindFileByPath implements protocompile.Resolver.
func (s registrySources) FindFileByPath(path string) (protocompile.SearchResult, error) {
	text, ok := s[path]
	if !ok {
		return protocompile.SearchResult{}, fs.ErrNotExist
	}
	if fd, ok, err := parseDescriptorText(text); ok {
		if err != nil {
			return protocompile.SearchResult{}, fmt.Errorf("%s: %w", path, err)
		}
		// protocompile looks files up by the name the referencing file imports; the
		// descriptor's own name may be the writer's local path.
		fd.Name = proto.String(path)
		return protocompile.SearchResult{Proto: fd}, nil
	}
	return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(text))}, nil
}

// parseDescriptorText recognises a base64 serialized FileDescriptorProto. ok is false for
// anything else: .proto source always holds characters outside the base64 alphabet
// (spaces, semicolons, braces), so the two cannot be confused.
func parseDescriptorText(text string) (fd *descriptorpb.FileDescriptorProto, ok bool, err error) {
	t := strings.TrimSpace(text)
	if t == "" || strings.IndexFunc(t, notBase64) >= 0 {
		return nil, false, nil
	}
	raw, err := base64.StdEncoding.DecodeString(t)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(t); err != nil {
			return nil, true, fmt.Errorf("serialized protobuf descriptor: %w", err)
		}
	}
	fd = &descriptorpb.FileDescriptorProto{}
	if err := proto.Unmarshal(raw, fd); err != nil {
		return nil, true, fmt.Errorf("serialized protobuf descriptor: %w", err)
	}
	if len(fd.GetMessageType()) == 0 && len(fd.GetEnumType()) == 0 && len(fd.GetDependency()) == 0 {
		return nil, true, fmt.Errorf("serialized protobuf descriptor declares nothing")
	}
	return fd, true, nil
}

func notBase64(r rune) bool {
	return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=')
}
