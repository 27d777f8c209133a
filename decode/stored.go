package decode

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/hamba/avro/v2"
	"github.com/riferrei/srclient"
)

// Schema types as a registry names them (and as StoredSchema.Type holds them).
const (
	SchemaTypeAvro     = "AVRO"
	SchemaTypeProtobuf = "PROTOBUF"
	SchemaTypeJSON     = "JSON"
)

// StoredSchema is one registry schema kept beside evidence: enough to decode the
// records that used it again, without the registry.
type StoredSchema struct {
	ID         int
	Type       string // SchemaTypeAvro, SchemaTypeProtobuf or SchemaTypeJSON
	Subject    string
	Version    int
	Text       string
	References []StoredReference // dependencies before the schemas that use them
}

// StoredReference is a schema another schema imports (protobuf) or whose named types it
// uses (Avro), by the name the referring schema uses for it.
type StoredReference struct {
	Name    string
	Subject string
	Version int
	Text    string
}

// StoredSchema returns schema id with its type and the texts of everything it
// references, so an export can keep what it decoded with; without a registry it is an error.
func (d *Decoder) StoredSchema(ctx context.Context, id int) (StoredSchema, error) {
	if d.reg == nil {
		return StoredSchema{}, fmt.Errorf("schema id %d: no schema registry configured", id)
	}
	rs, err := d.reg.schema(ctx, id)
	if err != nil {
		return StoredSchema{}, err
	}
	out := StoredSchema{ID: id, Subject: rs.subject, Version: rs.version, Text: rs.text}
	switch rs.encoding {
	case EncodingAvro:
		out.Type = SchemaTypeAvro
	case EncodingProtobuf:
		out.Type = SchemaTypeProtobuf
	default:
		out.Type = SchemaTypeJSON
	}
	// srclient caches the schema and its references, so this asks the registry again
	// only after the cache was emptied.
	s, err := d.reg.client.GetSchema(id)
	if err != nil {
		return StoredSchema{}, registryError(fmt.Sprintf("schema id %d", id), err)
	}
	err = d.reg.walkReferences(s.References(), map[string]bool{}, 0, func(ref srclient.Reference, rs *srclient.Schema) error {
		out.References = append(out.References, StoredReference{Name: ref.Name, Subject: ref.Subject, Version: ref.Version, Text: rs.Schema()})
		return nil
	})
	if err != nil {
		return StoredSchema{}, fmt.Errorf("schema id %d: %w", id, err)
	}
	return out, nil
}

// NewStoredRegistry returns a Registry that knows exactly schemas and never touches the
// network: any other id is "not found". Verification re-decodes evidence with it, so the
// decoded view is derived from the kept schemas and nothing else.
func NewStoredRegistry(schemas []StoredSchema) (*Registry, error) {
	client := srclient.NewSchemaRegistryClient("http://stored-schemas.invalid",
		srclient.WithClient(&http.Client{Transport: notFoundTransport{}}))
	r := &Registry{client: client, log: slog.New(slog.DiscardHandler), negTTL: 100 * 365 * 24 * time.Hour,
		now: time.Now, byID: map[int]registryEntry{}}
	for _, s := range schemas {
		rs, err := compileStored(s)
		if err != nil {
			return nil, fmt.Errorf("stored schema id %d: %w", s.ID, err)
		}
		r.byID[s.ID] = registryEntry{schema: rs}
	}
	return r, nil
}

// compileStored compiles a kept schema exactly as fetch compiles a registry's.
func compileStored(s StoredSchema) (*registeredSchema, error) {
	rs := &registeredSchema{id: s.ID, subject: s.Subject, version: s.Version, text: s.Text}
	switch strings.ToUpper(s.Type) {
	case SchemaTypeAvro, "":
		cache := &avro.SchemaCache{}
		for _, ref := range s.References {
			if _, err := avro.ParseWithCache(ref.Text, "", cache); err != nil {
				return nil, fmt.Errorf("reference %s: %w", ref.Name, err)
			}
		}
		parsed, err := avro.ParseWithCache(s.Text, "", cache)
		if err != nil {
			return nil, fmt.Errorf("parse avro schema: %w", err)
		}
		rs.encoding = EncodingAvro
		if rs.avro, err = compileAvro(parsed); err != nil {
			return nil, err
		}
	case SchemaTypeProtobuf:
		srcs := map[string]string{}
		for _, ref := range s.References {
			srcs[ref.Name] = ref.Text
		}
		main := fmt.Sprintf("kpeek-registry/schema-%d.proto", s.ID)
		srcs[main] = s.Text
		var err error
		rs.encoding = EncodingProtobuf
		if rs.proto, err = compileProtoFile(main, &protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(srcs)}); err != nil {
			return nil, err
		}
	case SchemaTypeJSON:
		rs.encoding = EncodingJSONSchema
	default:
		return nil, fmt.Errorf("unsupported schema type %q", s.Type)
	}
	return rs, nil
}

// notFoundTransport answers every registry request as the registry does for an unknown id.
type notFoundTransport struct{}

func (notFoundTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	const body = `{"error_code":40403,"message":"Schema not found (not kept with the evidence)"}`
	return &http.Response{StatusCode: http.StatusNotFound, Status: "404 Not Found", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/vnd.schemaregistry.v1+json"}}, Request: req,
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}, nil
}
