package kafka

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"

	"github.com/IBM/sarama"
	"github.com/pierrec/lz4/v4"
)

// Clients before Kafka 0.10 computed the LZ4 frame's header checksum over the frame's magic
// number too. Java's consumer ignores that checksum in message format v0 and librdkafka
// rewrites it before decompressing; sarama's LZ4 reader (pierrec/lz4) checks it and offers no
// way around. So the salvage read talks to the broker through a connection that does what
// librdkafka does, on the wire: in each fetch response, a v0 message whose LZ4 frame header
// checksum is wrong gets the right one and a recomputed message CRC, and sarama then decodes
// it as any other batch. Nothing else in the stream is touched.

const lz4FrameMagic = 0x184D2204

// mendingClient connects a client like sc whose connections mend legacy LZ4 frames in fetch
// responses. TLS moves from sarama into the connection wrapper, below the mending.
func mendingClient(ctx context.Context, brokers []string, sc *sarama.Config) (sarama.Client, error) {
	mc := *sc
	var d mendingDialer
	if sc.Net.TLS.Enable {
		d.tls = sc.Net.TLS.Config
		if d.tls == nil {
			d.tls = &tls.Config{MinVersion: tls.VersionTLS12}
		}
	}
	mc.Net.TLS.Enable, mc.Net.TLS.Config = false, nil
	mc.Net.Proxy.Enable, mc.Net.Proxy.Dialer = true, d
	return connect(ctx, brokers, &mc)
}

// mendingDialer is a connWrapper: connect dials (and tracks) the connection, and the wrapper
// adds TLS, when the listener uses it, and the mending above it.
type mendingDialer struct {
	tls *tls.Config // nil for a plaintext listener
}

// Dial is never used: connect replaces sarama's dialer hook with its own, which calls wrapConn.
func (mendingDialer) Dial(network, addr string) (net.Conn, error) {
	return nil, errors.New("the legacy LZ4 mending dialer works only through connect")
}

func (d mendingDialer) wrapConn(c net.Conn, addr string) net.Conn {
	if d.tls != nil {
		cfg := d.tls
		if cfg.ServerName == "" {
			cfg = cfg.Clone()
			cfg.ServerName, _, _ = net.SplitHostPort(addr)
		}
		c = tls.Client(c, cfg)
	}
	return &mendingConn{Conn: c}
}

// mendingConn reads the broker's length-prefixed responses whole, mends each (mendFetch) and
// hands them on.
type mendingConn struct {
	net.Conn
	pending []byte
}

func (c *mendingConn) Read(p []byte) (int, error) {
	if len(c.pending) == 0 {
		var size [4]byte
		if _, err := io.ReadFull(c.Conn, size[:]); err != nil {
			return 0, err
		}
		n := int32(binary.BigEndian.Uint32(size[:]))
		if n < 0 || n > sarama.MaxResponseSize {
			return 0, fmt.Errorf("response of %d bytes from %s is implausible", n, c.RemoteAddr())
		}
		frame := make([]byte, 4+int(n))
		copy(frame, size[:])
		if _, err := io.ReadFull(c.Conn, frame[4:]); err != nil {
			return 0, err
		}
		mendFetch(frame[4:])
		c.pending = frame
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// wire reads a Kafka response without allocating; any read past the end marks it bad.
type wire struct {
	b   []byte
	pos int
	bad bool
}

func (w *wire) take(n int) []byte {
	if w.bad || n < 0 || w.pos+n > len(w.b) {
		w.bad = true
		return nil
	}
	s := w.b[w.pos : w.pos+n]
	w.pos += n
	return s
}

func (w *wire) int16() int { s := w.take(2); return int(int16(be16(s))) }
func (w *wire) int32() int { s := w.take(4); return int(int32(be32(s))) }

func be16(s []byte) uint16 {
	if len(s) < 2 {
		return 0
	}
	return binary.BigEndian.Uint16(s)
}

func be32(s []byte) uint32 {
	if len(s) < 4 {
		return 0
	}
	return binary.BigEndian.Uint32(s)
}

// mendFetch mends, in place, the record sets of body if it is a fetch response of the
// version the salvage read sends (11: correlation id, then throttle, error, session, topics);
// a body of any other shape fails the walk and is left as it is.
func mendFetch(body []byte) {
	w := &wire{b: body}
	w.take(4 + 4 + 2 + 4) // correlation id, throttle, error code, session id
	type span struct{ from, to int }
	var sets []span
	for topics := w.int32(); topics > 0 && !w.bad; topics-- {
		w.take(w.int16()) // name
		for parts := w.int32(); parts > 0 && !w.bad; parts-- {
			w.take(4 + 2 + 8 + 8 + 8) // partition, error code, high watermark, last stable, log start
			if aborted := w.int32(); aborted > 0 {
				w.take(aborted * 16)
			}
			w.take(4) // preferred read replica
			if n := w.int32(); n > 0 {
				sets = append(sets, span{w.pos, w.pos + n})
				w.take(n)
			}
		}
	}
	if w.bad || w.pos != len(body) {
		return
	}
	for _, s := range sets {
		mendRecords(body[s.from:s.to])
	}
}

// mendRecords walks a record set (v0/v1 messages and v2 batches share the offset-and-length
// prefix) and mends each LZ4-compressed v0 message; a partial last entry is left alone.
func mendRecords(set []byte) {
	for len(set) >= 12 {
		size := int(int32(binary.BigEndian.Uint32(set[8:12])))
		if size < 0 || 12+size > len(set) {
			return
		}
		mendMessage(set[12 : 12+size])
		set = set[12+size:]
	}
}

// mendMessage gives a v0 LZ4 message (crc, magic 0, attributes, key, value) the frame header
// checksum its frame should carry, and the CRC that covers it.
func mendMessage(m []byte) {
	w := &wire{b: m}
	w.take(4)
	magic, attrs := w.take(1), w.take(1)
	if w.bad || magic[0] != 0 || sarama.CompressionCodec(attrs[0]&0x07) != sarama.CompressionLZ4 {
		return
	}
	if k := w.int32(); k > 0 {
		w.take(k)
	}
	frame := w.take(w.int32())
	if w.bad || !mendFrameChecksum(frame) {
		return
	}
	binary.BigEndian.PutUint32(m[:4], crc32.ChecksumIEEE(m[4:]))
}

// mendFrameChecksum sets the header checksum of an LZ4 frame that pierrec/lz4 refuses for it
// and reports whether it changed anything. The right value is the one byte the library's own
// header check accepts (the checksum is checked before anything else in the header).
func mendFrameChecksum(frame []byte) bool {
	if len(frame) < 7 || binary.LittleEndian.Uint32(frame) != lz4FrameMagic {
		return false
	}
	at := 6
	if frame[4]&0x08 != 0 { // content size present
		at += 8
	}
	if frame[4]&0x01 != 0 { // dictionary id present
		at += 4
	}
	if at >= len(frame) {
		return false
	}
	header := bytes.Clone(frame[:at+1])
	accepted := func() bool {
		_, err := lz4.NewReader(bytes.NewReader(header)).Read(make([]byte, 1))
		return !errors.Is(err, lz4.ErrInvalidHeaderChecksum)
	}
	if accepted() {
		return false
	}
	for c := range 256 {
		header[at] = byte(c)
		if accepted() {
			frame[at] = byte(c)
			return true
		}
	}
	return false
}
