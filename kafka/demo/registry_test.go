package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kpeek/kpeek/decode/registryserver"
)

// registryGet fetches path from the demo registry and decodes the schema it answers.
func registryGet(t testing.TB, c *Cluster, path string) registryserver.Schema {
	t.Helper()
	var sc registryserver.Schema
	registryJSON(t, c, path, &sc)
	return sc
}

func registryJSON(t testing.TB, c *Cluster, path string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.ClusterConfig().SchemaRegistry.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: decode: %v", path, err)
	}
}

func TestRegistryServesEverySchema(t *testing.T) {
	c, _ := startDemo(t)
	ids := c.SchemaIDs()
	tests := []struct {
		id               int
		subject          string
		version          int
		file, schemaType string
	}{
		{ids.OrdersV1, OrdersSubject, 1, OrdersV1File, ""},
		{ids.OrdersV2, OrdersSubject, 2, OrdersV2File, ""},
		{ids.Address, AddressSubject, 1, AddressFile, registryserver.TypeProtobuf},
		{ids.Shipments, ShipmentsSubject, 1, ShipmentsFile, registryserver.TypeProtobuf},
		{ids.Customers, CustomersSubject, 1, CustomersFile, registryserver.TypeJSON},
	}
	for _, tt := range tests {
		want, err := fs.ReadFile(Schemas(), tt.file)
		if err != nil {
			t.Fatal(err)
		}
		byID := registryGet(t, c, "/schemas/ids/"+strconv.Itoa(tt.id))
		if byID.Schema != string(want) || byID.SchemaType != tt.schemaType {
			t.Errorf("schema %d: type %q and text differ from %s", tt.id, byID.SchemaType, tt.file)
		}
		bySubject := registryGet(t, c, "/subjects/"+url.PathEscape(tt.subject)+"/versions/"+strconv.Itoa(tt.version))
		if bySubject.ID != tt.id || bySubject.Schema != string(want) {
			t.Errorf("%s version %d: id %d, want %d", tt.subject, tt.version, bySubject.ID, tt.id)
		}
	}
	var subjects []string
	registryJSON(t, c, "/subjects", &subjects)
	if want := []string{AddressSubject, CustomersSubject, OrdersSubject, ShipmentsSubject}; !slices.Equal(subjects, want) {
		t.Errorf("subjects %v, want %v", subjects, want)
	}
	refs := registryGet(t, c, "/schemas/ids/"+strconv.Itoa(ids.Shipments)).References
	if len(refs) != 1 || refs[0].Name != "common/address.proto" || refs[0].Subject != AddressSubject {
		t.Errorf("shipments references %+v, want common/address.proto", refs)
	}
}

// compileFromRegistry compiles the shipments schema as a decoder would: from the
// registry's text for id and the texts of its references.
func compileFromRegistry(t testing.TB, c *Cluster, id int) protoreflect.FileDescriptor {
	t.Helper()
	main := registryGet(t, c, "/schemas/ids/"+strconv.Itoa(id))
	sources := map[string]string{"main.proto": main.Schema}
	for _, ref := range main.References {
		sources[ref.Name] = registryGet(t, c, "/subjects/"+url.PathEscape(ref.Subject)+"/versions/"+strconv.Itoa(ref.Version)).Schema
	}
	comp := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: func(path string) (io.ReadCloser, error) {
			if s, ok := sources[path]; ok {
				return io.NopCloser(strings.NewReader(s)), nil
			}
			return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
		},
	})}
	files, err := comp.Compile(context.Background(), "main.proto")
	if err != nil {
		t.Fatalf("compile schema %d: %v", id, err)
	}
	return files[0]
}

func TestProtobufShipmentsDecode(t *testing.T) {
	c, cl := startDemo(t)
	fd := compileFromRegistry(t, c, c.SchemaIDs().Shipments)
	recs := readAll(t, t.Context(), cl, TopicShipments)
	if len(recs) == 0 {
		t.Fatal("no shipments")
	}
	for _, r := range recs {
		if id := frameID(t, r.Value); id != c.SchemaIDs().Shipments {
			t.Fatalf("shipment framed with schema %d", id)
		}
		rest := r.Value[5:]
		count, n := protowire.ConsumeVarint(rest)
		idx, m := protowire.ConsumeVarint(rest[n:])
		if protowire.DecodeZigZag(count) != 1 || protowire.DecodeZigZag(idx) != 1 {
			t.Fatalf("message index %x, want [1]", rest[:n+m])
		}
		md := fd.Messages().Get(int(protowire.DecodeZigZag(idx)))
		msg := dynamicpb.NewMessage(md)
		if err := proto.Unmarshal(rest[n+m:], msg); err != nil {
			t.Fatalf("unmarshal shipment at offset %d: %v", r.Offset, err)
		}
		get := func(m protoreflect.Message, name string) protoreflect.Value {
			return m.Get(m.Descriptor().Fields().ByName(protoreflect.Name(name)))
		}
		if md.Name() != "Shipment" || !strings.HasPrefix(get(msg, "shipment_id").String(), "SHP-") {
			t.Fatalf("decoded %s with id %q", md.Name(), get(msg, "shipment_id").String())
		}
		if get(get(msg, "destination").Message(), "city").String() == "" {
			t.Error("shipment has no destination city (imported Address)")
		}
		if secs := get(get(msg, "shipped_at").Message(), "seconds").Int(); secs != r.Timestamp.Unix() {
			t.Errorf("shipped_at %d, want the record time %d", secs, r.Timestamp.Unix())
		}
		if get(msg, "parcels").List().Len() == 0 || get(msg, "attributes").Map().Len() == 0 {
			t.Error("shipment without parcels (nested message) or attributes (map)")
		}
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	c, err := Start(t.Context(), WithNow(testNow))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	c.Close() // idempotent
	goleak.VerifyNone(t, ignore)
}
