package decode

import (
	"context"
	"fmt"
)

// isFramed reports whether b starts with the Confluent wire-format header: magic byte 0
// and a 4-byte big-endian schema id.
func isFramed(b []byte) bool {
	return len(b) >= 5 && b[0] == 0
}

// decodeWire decodes a framed payload with the writer's schema from the registry. want,
// when set, is the encoding a format override asked for; a different one is an error.
func (d *Decoder) decodeWire(ctx context.Context, b []byte, want Encoding) Decoded {
	id := int(uint32(b[1])<<24 | uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4]))
	out, err := d.renderWire(ctx, b, id, want)
	out.SchemaID = &id
	if err != nil {
		fb := failed(b, err.Error())
		fb.SchemaID, fb.Subject, fb.Version = out.SchemaID, out.Subject, out.Version
		return fb
	}
	return out
}

func (d *Decoder) renderWire(ctx context.Context, b []byte, id int, want Encoding) (Decoded, error) {
	s, err := d.reg.schema(ctx, id)
	if err != nil {
		return Decoded{}, err
	}
	out := Decoded{Encoding: s.encoding, Subject: s.subject, Version: s.version, Raw: b}
	if want != "" && want != s.encoding {
		return out, fmt.Errorf("schema id %d is %s, not %s", id, s.encoding, want)
	}
	payload := b[5:]
	dst := make([]byte, 0, 2*len(payload)+16)
	switch s.encoding {
	case EncodingAvro:
		out.JSON, err = s.avro.render(dst, payload)
	case EncodingProtobuf:
		idx, rest, ierr := readMessageIndexes(payload)
		if ierr != nil {
			return out, ierr
		}
		md, merr := s.proto.messageAt(idx)
		if merr != nil {
			return out, merr
		}
		out.JSON, err = s.proto.render(dst, md, rest)
	case EncodingJSONSchema:
		var ok bool
		if out.JSON, ok = compactJSON(dst, payload); !ok {
			err = fmt.Errorf("json schema: payload is not valid JSON")
		}
	}
	return out, err
}
