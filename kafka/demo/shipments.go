package demo

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// shipmentMessageIndex is Shipment's Confluent message index: the second top-level
// message (Labels, with its map field, comes first).
const shipmentMessageIndex = 1

// shipmentsCount is how many shipments the topic holds.
const shipmentsCount = 480

// compileShipments compiles shipments.proto (and the address.proto it imports) from the
// embedded schemas and returns the Shipment message descriptor.
func compileShipments(ctx context.Context) (protoreflect.MessageDescriptor, error) {
	sources := map[string]string{}
	for path, file := range map[string]string{ShipmentsFile: ShipmentsFile, addressImport: AddressFile} {
		text, err := readSchema(file)
		if err != nil {
			return nil, err
		}
		sources[path] = text
	}
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: func(path string) (io.ReadCloser, error) {
			text, ok := sources[path]
			if !ok {
				return nil, fmt.Errorf("open %s: %w", path, fs.ErrNotExist)
			}
			return io.NopCloser(strings.NewReader(text)), nil
		},
	})}
	files, err := c.Compile(ctx, ShipmentsFile)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", ShipmentsFile, err)
	}
	md := files[0].Messages().ByName("Shipment")
	if md == nil || md.FullName() != shipmentsMsgFQ {
		return nil, fmt.Errorf("compile %s: message %s not found", ShipmentsFile, shipmentsMsgFQ)
	}
	return md, nil
}

// pbWriter sets dynamic message fields by name and remembers the first unknown name, so a
// schema edit that renames a field fails seeding with an error instead of a panic.
type pbWriter struct{ err error }

func (w *pbWriter) field(m protoreflect.Message, name string) protoreflect.FieldDescriptor {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil && w.err == nil {
		w.err = fmt.Errorf("field %s not in %s", name, m.Descriptor().FullName())
	}
	return fd
}

func (w *pbWriter) set(m protoreflect.Message, name string, v protoreflect.Value) {
	if fd := w.field(m, name); fd != nil {
		m.Set(fd, v)
	}
}

func (w *pbWriter) str(m protoreflect.Message, name, v string) {
	w.set(m, name, protoreflect.ValueOfString(v))
}

// child returns the message-typed field name of m, created if unset.
func (w *pbWriter) child(m protoreflect.Message, name string) protoreflect.Message {
	if fd := w.field(m, name); fd != nil {
		return m.Mutable(fd).Message()
	}
	return dynamicpb.NewMessage(m.Descriptor()) // a throwaway; w.err is set
}

// shipments returns the Protobuf shipments, framed with message index [1].
func (s *seeder) shipments(ctx context.Context) ([]*kgo.Record, error) {
	md, err := compileShipments(ctx)
	if err != nil {
		return nil, err
	}
	carriers := []string{"DHL Freight", "DB Schenker", "Kuehne+Nagel", "UPS", "GEODIS"}
	cities := []struct{ street, city, zip, country string }{
		{"Industriestraße 12", "Duisburg", "47053", "DE"}, {"Rue de l'Usine 4", "Lyon", "69007", "FR"},
		{"Harbour Road 9", "Felixstowe", "IP11 3SY", "GB"}, {"Werkstrasse 1", "Basel", "4057", "CH"},
		{"Maasvlakteweg 200", "Rotterdam", "3199 LZ", "NL"},
	}
	times := s.times(shipmentsCount)
	out := make([]*kgo.Record, 0, len(times))
	var w pbWriter
	for i, ts := range times {
		id := "SHP-" + strconv.Itoa(700000+i)
		m := dynamicpb.NewMessage(md)
		w.str(m, "shipment_id", id)
		w.set(m, "order_id", protoreflect.ValueOfInt64(int64(4500010000+s.rng.IntN(3*ordersPerPartition))))
		w.str(m, "carrier", pick(s, carriers))
		w.set(m, "status", protoreflect.ValueOfEnum(protoreflect.EnumNumber(1+s.rng.IntN(4))))
		c := pick(s, cities)
		dest := w.child(m, "destination")
		w.str(dest, "street", c.street)
		w.str(dest, "city", c.city)
		w.str(dest, "postal_code", c.zip)
		w.str(dest, "country", c.country)
		if fd := w.field(m, "parcels"); fd != nil {
			parcels := m.Mutable(fd).List()
			for p := range 1 + s.rng.IntN(3) {
				e := parcels.NewElement()
				w.str(e.Message(), "tracking_number", fmt.Sprintf("JJD%012d%d", s.rng.Int64N(1e12), p))
				w.set(e.Message(), "weight_kg", protoreflect.ValueOfFloat64(float64(1+s.rng.IntN(4000))/10))
				w.set(e.Message(), "items", protoreflect.ValueOfInt32(int32(1+s.rng.IntN(50))))
				parcels.Append(e)
			}
		}
		shipped := w.child(m, "shipped_at")
		w.set(shipped, "seconds", protoreflect.ValueOfInt64(ts.Unix()))
		w.set(shipped, "nanos", protoreflect.ValueOfInt32(int32(ts.Nanosecond())))
		if fd := w.field(m, "attributes"); fd != nil {
			attrs := m.Mutable(fd).Map()
			attrs.Set(protoreflect.ValueOfString("warehouse").MapKey(), protoreflect.ValueOfString(pick(s, []string{"WH-DUI-1", "WH-LYS-2", "WH-RTM-1"})))
			attrs.Set(protoreflect.ValueOfString("incoterm").MapKey(), protoreflect.ValueOfString(pick(s, []string{"DAP", "FCA", "EXW"})))
		}
		if w.err != nil {
			return nil, fmt.Errorf("build shipment %s: %w", id, w.err)
		}
		payload, err := proto.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("encode shipment %s: %w", id, err)
		}
		out = append(out, &kgo.Record{
			Topic:     TopicShipments,
			Key:       []byte(id),
			Value:     protobufFrame(s.ids.Shipments, []int{shipmentMessageIndex}, payload),
			Timestamp: ts,
			Headers:   s.headers("wms-dispatch", "application/vnd.confluent.protobuf"),
		})
	}
	assignPartitions(out, 2)
	return out, nil
}
