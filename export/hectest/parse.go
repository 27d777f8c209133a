package hectest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/klauspost/compress/gzip"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/export/hec"
)

// parse reads stacked events; bad is the index of the first invalid one (-1 if none) and
// the events before it are the ones Splunk would index.
func (s *Server) parse(body []byte) (events []Event, bad, code int) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, 0, hec.CodeNoData
	}
	if !s.keep {
		return s.countOnly(body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for i := 0; ; i++ {
		var ev Event
		err := dec.Decode(&ev)
		if errors.Is(err, io.EOF) {
			return events, -1, 0
		}
		if err != nil {
			return events, i, hec.CodeInvalidDataFormat
		}
		if code := s.check(ev.Event, ev.Index); code != 0 {
			return events, i, code
		}
		events = append(events, ev)
	}
}

// check applies the per-event rules: an event is required, not blank, and its index allowed.
func (s *Server) check(event json.RawMessage, index string) int {
	switch {
	case len(event) == 0:
		return hec.CodeEventRequired
	case string(event) == `""` || string(event) == "null":
		return hec.CodeEventBlank
	case s.indexes != nil && index != "" && !s.indexes[index]:
		return hec.CodeIncorrectIndex
	}
	return 0
}

// countOnly is the cheap parse of the counting mode (benchmarks): it splits the body into
// top-level objects by structure alone and finds "event" and "index" textually.
func (s *Server) countOnly(body []byte) (events []Event, bad, code int) {
	n := 0
	for i := 0; ; n++ {
		if i = decode.SkipJSONSpace(body, i); i == len(body) {
			return make([]Event, n), -1, 0
		}
		end, ok := decode.SkipJSONValue(body, i)
		if !ok || body[i] != '{' {
			return make([]Event, n), n, hec.CodeInvalidDataFormat
		}
		obj := body[i:end]
		var event json.RawMessage
		if at := bytes.Index(obj, []byte(`"event":`)); at >= 0 && at+9 <= len(obj) {
			event = obj[at+8 : at+9]
			if bytes.HasPrefix(obj[at+8:], []byte(`""`)) {
				event = obj[at+8 : at+10]
			}
		}
		index := ""
		if at := bytes.Index(obj, []byte(`"index":"`)); at >= 0 {
			rest := obj[at+9:]
			if e := bytes.IndexByte(rest, '"'); e >= 0 {
				index = string(rest[:e])
			}
		}
		if code := s.check(event, index); code != 0 {
			return make([]Event, n), n, code
		}
		i = end
	}
}

func readBody(r *http.Request) ([]byte, error) {
	var rd io.Reader = r.Body
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) * 8) // gzip'd JSON expands several times
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		rd = zr
	}
	_, err := buf.ReadFrom(rd)
	return buf.Bytes(), err
}
