package demo

import (
	"encoding/binary"
)

// confluentFrame prefixes payload with the Confluent wire header: magic byte 0 and the
// schema id as a 4-byte big-endian integer.
func confluentFrame(schemaID int, payload []byte) []byte {
	out := make([]byte, 5, 5+len(payload))
	binary.BigEndian.PutUint32(out[1:], uint32(schemaID))
	return append(out, payload...)
}

// protobufFrame is confluentFrame with the Confluent message-index array between the
// header and the payload: zigzag varints, the count first, then each index. The common
// case [0] is written as the single byte 0, as Confluent's serializers do.
func protobufFrame(schemaID int, indexes []int, payload []byte) []byte {
	var idx []byte
	if len(indexes) == 1 && indexes[0] == 0 {
		idx = []byte{0}
	} else {
		idx = binary.AppendVarint(idx, int64(len(indexes)))
		for _, i := range indexes {
			idx = binary.AppendVarint(idx, int64(i))
		}
	}
	return confluentFrame(schemaID, append(idx, payload...))
}
