package demo

import (
	"bytes"
	"testing"
)

func TestProtobufFrame(t *testing.T) {
	tests := []struct {
		indexes []int
		want    []byte // after the 5-byte header
	}{
		{[]int{0}, []byte{0}},              // Confluent's short form for [0]
		{[]int{1}, []byte{2, 2}},           // count 1, index 1, both zigzag
		{[]int{1, 2}, []byte{4, 2, 4}},     // a nested message
		{[]int{70}, []byte{2, 0x8c, 0x01}}, // an index past one varint byte
	}
	for _, tt := range tests {
		got := protobufFrame(7, tt.indexes, []byte{0xaa})
		want := append(append([]byte{0, 0, 0, 0, 7}, tt.want...), 0xaa)
		if !bytes.Equal(got, want) {
			t.Errorf("protobufFrame(7, %v) = % x, want % x", tt.indexes, got, want)
		}
	}
}
