package kafka

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net"
	"testing"

	"github.com/pierrec/lz4/v4"
)

// legacyLZ4Message is a v0 message (offset, size, crc, magic 0, LZ4) whose value is an LZ4
// frame of payload with the header checksum a pre-0.10 client wrote: a wrong one.
func legacyLZ4Message(t testing.TB, offset int64, payload []byte) []byte {
	t.Helper()
	var frame bytes.Buffer
	w := lz4.NewWriter(&frame)
	if _, err := w.Write(payload); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f := frame.Bytes()
	f[6] ^= 0x5a                                           // no content size, no dictionary: FLG, BD, then the checksum
	body := []byte{0, 0, 0, 0, 0, 3}                       // crc (below), magic 0, attributes: LZ4
	body = binary.BigEndian.AppendUint32(body, 0xffffffff) // null key
	body = binary.BigEndian.AppendUint32(body, uint32(len(f)))
	body = append(body, f...)
	binary.BigEndian.PutUint32(body, crc32.ChecksumIEEE(body[4:]))
	msg := binary.BigEndian.AppendUint64(nil, uint64(offset))
	msg = binary.BigEndian.AppendUint32(msg, uint32(len(body)))
	return append(msg, body...)
}

// fetchV11 is a fetch response body (correlation id on) with one partition holding records.
func fetchV11(topic string, records []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, 7)  // correlation id
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) // throttle, error, session id
	b = binary.BigEndian.AppendUint32(b, 1)     // topics
	b = binary.BigEndian.AppendUint16(b, uint16(len(topic)))
	b = append(b, topic...)
	b = binary.BigEndian.AppendUint32(b, 1)          // partitions
	b = append(b, make([]byte, 4+2+8+8+8)...)        // partition, error, watermarks
	b = binary.BigEndian.AppendUint32(b, 0xffffffff) // no aborted transactions
	b = binary.BigEndian.AppendUint32(b, 0xffffffff) // no preferred replica
	b = binary.BigEndian.AppendUint32(b, uint32(len(records)))
	return append(b, records...)
}

// frameOf returns the LZ4 frame inside a message built by legacyLZ4Message.
func frameOf(msg []byte) []byte { return msg[12+4+2+4+4:] }

func decompresses(frame []byte) ([]byte, error) {
	return io.ReadAll(lz4.NewReader(bytes.NewReader(frame)))
}

func TestMendLegacyLZ4(t *testing.T) {
	payload := []byte("an inner message set, compressed by a Kafka 0.9 producer")
	plain := append(binary.BigEndian.AppendUint64(nil, 1), 0, 0, 0, 2, 'h', 'i') // an unrelated entry
	records := append(legacyLZ4Message(t, 0, payload), plain...)
	body := fetchV11("legacy", records)
	if _, err := decompresses(frameOf(records)); !legacyLZ4(err) {
		t.Fatalf("the test frame is not refused as a legacy one: %v", err)
	}
	before := bytes.Clone(body)

	// Through the connection sarama reads, as the broker sends it: length-prefixed.
	server, client := net.Pipe()
	go func() {
		_, _ = server.Write(binary.BigEndian.AppendUint32(nil, uint32(len(body))))
		_, _ = server.Write(body)
		_ = server.Close()
	}()
	got, err := io.ReadAll(&mendingConn{Conn: client})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4+len(body) || int(binary.BigEndian.Uint32(got)) != len(body) {
		t.Fatalf("%d bytes read, want %d", len(got), 4+len(body))
	}
	mended := got[4+len(body)-len(records):]
	msg := mended[:len(mended)-len(plain)]
	out, err := decompresses(frameOf(msg))
	if err != nil || !bytes.Equal(out, payload) {
		t.Fatalf("mended frame: %q, %v", out, err)
	}
	if crc := binary.BigEndian.Uint32(msg[12:]); crc != crc32.ChecksumIEEE(msg[16:]) {
		t.Fatalf("message CRC %08x does not cover the mended message", crc)
	}
	if !bytes.Equal(mended[len(msg):], plain) || !bytes.Equal(got[4:4+len(body)-len(records)], before[:len(body)-len(records)]) {
		t.Fatal("bytes outside the LZ4 frame header and CRC changed")
	}
	if n := diffBytes(before, got[4:]); n != 5 { // the checksum byte and the 4 CRC bytes
		t.Fatalf("%d bytes changed, want 5", n)
	}

	// Left alone: a correct frame, magic 1 (0.10+ clients wrote the right checksum), a body
	// that is not a fetch response, a truncated one.
	good := legacyLZ4Message(t, 0, payload)
	frame := frameOf(good)
	frame[6] ^= 0x5a
	if _, err := decompresses(frame); err != nil {
		t.Fatalf("a correct frame: %v", err)
	}
	copyOf := bytes.Clone(good)
	mendRecords(copyOf)
	if !bytes.Equal(copyOf, good) {
		t.Fatal("a correct frame was changed")
	}
	v1 := legacyLZ4Message(t, 0, payload)
	v1[12+4] = 1
	c := bytes.Clone(v1)
	mendRecords(c)
	if !bytes.Equal(c, v1) {
		t.Fatal("a magic 1 message was changed")
	}
	for _, b := range [][]byte{body[:len(body)-3], append(bytes.Clone(body), 0), {1, 2, 3}, nil} {
		c := bytes.Clone(b)
		mendFetch(c)
		if !bytes.Equal(c, b) {
			t.Fatalf("a body that is not a whole fetch response was changed: %x", b)
		}
	}
}

func diffBytes(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// FuzzMendFetch: any bytes from a broker, mended or not, never panic and never change length.
func FuzzMendFetch(f *testing.F) {
	f.Add(fetchV11("legacy", legacyLZ4Message(f, 0, []byte("seed"))))
	f.Add([]byte{0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		n := len(b)
		mendFetch(b)
		if len(b) != n {
			t.Fatal("length changed")
		}
	})
}
