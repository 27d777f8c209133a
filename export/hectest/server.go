// Package hectest is an in-process Splunk HTTP Event Collector on httptest for tests:
// stacked JSON events, per-channel acknowledgement ids from 0, the health endpoint,
// token and index checks with the documented status codes, and fault injection.
package hectest

import (
	"crypto/x509"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kpeek/kpeek/export/hec"
)

// Event is one event the server accepted (committed), as the client sent it.
type Event struct {
	Time       json.Number       `json:"time"`
	Host       string            `json:"host"`
	Source     string            `json:"source"`
	Sourcetype string            `json:"sourcetype"`
	Index      string            `json:"index"`
	Event      json.RawMessage   `json:"event"`
	Fields     map[string]string `json:"fields"`
	Channel    string            `json:"-"`
}

// Fault is a one-shot misbehaviour for the next event request.
type Fault int

// Faults the server can inject into event requests.
const (
	Fault503     Fault = iota // 503 server is busy
	Fault500                  // 500 internal server error
	Fault429                  // 429 too many requests
	Fault413                  // 413 request entity too large
	FaultDrop                 // close the connection without replying
	FaultNoAckID              // commit the events and reply success without an ackId (acknowledgement off, or a proxy dropped it)
)

// Server is the test collector. Its zero value is not usable; call New.
type Server struct {
	srv *httptest.Server

	mu         sync.Mutex
	token      string
	indexes    map[string]bool // nil allows every index
	ack        bool
	ackDelay   time.Duration
	loseAcks   bool
	maxBody    int
	keep       bool
	faults     []Fault
	killAfter  int // kill once this many events are committed; 0 = never
	dead       bool
	events     []Event
	count      int
	requests   int
	channels   map[string]*channel
	unhealthy  bool
	eventDelay time.Duration
	addr       string
	noAckIDs   bool
	holdAfter  int           // hold requests that would commit past this many events; 0 = never
	held       int           // requests being held
	release    chan struct{} // closed by Release
}

type channel struct {
	next    int64
	granted map[int64]time.Time // ack id -> when it becomes true
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the token clients must send (default "test-token").
func WithToken(t string) Option { return func(s *Server) { s.token = t } }

// WithIndexes restricts the indexes events may name (an empty index is always allowed).
func WithIndexes(names ...string) Option {
	return func(s *Server) {
		s.indexes = map[string]bool{}
		for _, n := range names {
			s.indexes[n] = true
		}
	}
}

// WithAck turns on indexer acknowledgement: requests need a channel, replies carry ackId.
func WithAck(delay time.Duration) Option {
	return func(s *Server) { s.ack, s.ackDelay = true, delay }
}

// WithLostAcks makes acknowledgements never turn true (events "lost before indexing").
func WithLostAcks() Option { return func(s *Server) { s.loseAcks = true } }

// WithMaxBody answers 413 to a request whose uncompressed body is larger than n bytes.
func WithMaxBody(n int) Option { return func(s *Server) { s.maxBody = n } }

// WithoutKeeping counts events without storing them (benchmarks).
func WithoutKeeping() Option { return func(s *Server) { s.keep = false } }

// WithKillAfter kills the server at the first request that would take it past n committed events.
func WithKillAfter(n int) Option { return func(s *Server) { s.killAfter = n } }

// WithoutAckIDs makes every event reply a success without an ackId, even with
// acknowledgement on: a collector (or proxy) that cannot acknowledge.
func WithoutAckIDs() Option { return func(s *Server) { s.noAckIDs = true } }

// WithHoldAfter holds every event request that would take the server past n committed
// events, before committing anything of it, until Release or until the client gives up
// (then nothing of it is committed). Tests use it to stop a collector at a known count.
func WithHoldAfter(n int) Option { return func(s *Server) { s.holdAfter = n } }

// WithEventDelay makes every event request take at least d (slow receiver).
func WithEventDelay(d time.Duration) Option { return func(s *Server) { s.eventDelay = d } }

// WithAddr listens on addr (e.g. a killed server's address, to restart it in place).
func WithAddr(addr string) Option { return func(s *Server) { s.addr = addr } }

// New starts a plain HTTP server on 127.0.0.1.
func New(opts ...Option) *Server { return start(false, opts) }

// NewTLS starts an HTTPS server on 127.0.0.1; Certificate gives its PEM for a CA file.
func NewTLS(opts ...Option) *Server { return start(true, opts) }

func start(useTLS bool, opts []Option) *Server {
	s := &Server{token: "test-token", keep: true, channels: map[string]*channel{}, release: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc(hec.EventPath, s.handleEvent)
	mux.HandleFunc(hec.EventPath+"/1.0", s.handleEvent)
	mux.HandleFunc(hec.AckPath, s.handleAck)
	mux.HandleFunc(hec.HealthPath, s.handleHealth)
	s.srv = httptest.NewUnstartedServer(mux)
	if s.addr != "" {
		l, err := net.Listen("tcp", s.addr)
		if err == nil {
			s.srv.Listener.Close()
			s.srv.Listener = l
		}
	}
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected in tests
	if useTLS {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	return s
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.srv.Listener.Addr().String() }

// URL is the event endpoint.
func (s *Server) URL() string { return s.srv.URL + hec.EventPath }

// Client is an HTTP client that trusts the server (TLS servers).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Certificate is the TLS server's certificate (nil for plain HTTP), for a CA file.
func (s *Server) Certificate() *x509.Certificate { return s.srv.Certificate() }

// Close shuts the server down.
func (s *Server) Close() { s.Kill() }

// Kill stops the server at once: open connections are cut and nothing more is committed.
func (s *Server) Kill() {
	s.mu.Lock()
	already := s.dead
	s.dead = true
	s.mu.Unlock()
	if !already {
		s.shutdown()
	}
}

// shutdown frees the address at once and cuts connections; the server's own Close,
// which waits for handlers, runs in the background because handlers may hold s.mu.
func (s *Server) shutdown() {
	s.srv.Listener.Close()
	s.srv.CloseClientConnections()
	go s.srv.Close()
}

// Inject queues faults for the next event requests, one each.
func (s *Server) Inject(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f...)
}

// SetToken changes the accepted token (a token revoked mid-export).
func (s *Server) SetToken(t string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = t
}

// SetUnhealthy makes the health endpoint answer 503 (queues full).
func (s *Server) SetUnhealthy(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unhealthy = on
}

// Held is how many event requests are being held (see WithHoldAfter).
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// Release lets held requests, and all later ones, commit.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holdAfter > 0 {
		s.holdAfter = 0
		close(s.release)
	}
}

// Events returns a copy of the committed events in arrival order.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// Count is how many events were committed.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Requests is how many event requests arrived (including faulted ones).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	bad := s.unhealthy
	s.mu.Unlock()
	if bad {
		reply(w, hec.CodeQueuesFull, nil, nil)
		return
	}
	reply(w, hec.CodeHealthy, nil, nil)
}

// authorize checks the token; ok false means a reply was written.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	s.mu.Lock()
	token := s.token
	s.mu.Unlock()
	switch {
	case auth == "":
		reply(w, hec.CodeTokenRequired, nil, nil)
	case !strings.HasPrefix(auth, "Splunk "):
		reply(w, hec.CodeInvalidAuth, nil, nil)
	case strings.TrimPrefix(auth, "Splunk ") != token:
		reply(w, hec.CodeInvalidToken, nil, nil)
	default:
		return true
	}
	return false
}

func (s *Server) handleEvent(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	s.mu.Lock()
	s.requests++
	var fault Fault = -1
	if len(s.faults) > 0 {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	delay := s.eventDelay
	s.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	switch fault {
	case Fault503:
		reply(w, hec.CodeServerBusy, nil, nil)
		return
	case Fault500:
		reply(w, hec.CodeInternalError, nil, nil)
		return
	case Fault429:
		reply(w, hec.CodeTooManyRequests, nil, nil)
		return
	case Fault413:
		http.Error(w, "Content-Length of request is too large", http.StatusRequestEntityTooLarge)
		return
	case FaultDrop:
		drop(w)
		return
	}
	noAckID := fault == FaultNoAckID
	body, err := readBody(r)
	if err != nil {
		reply(w, hec.CodeInvalidDataFormat, nil, nil)
		return
	}
	if s.maxBody > 0 && len(body) > s.maxBody {
		http.Error(w, "Content-Length of request is too large", http.StatusRequestEntityTooLarge)
		return
	}
	ch := r.Header.Get(hec.ChannelHeader)
	if ch == "" {
		ch = r.URL.Query().Get("channel")
	}
	if s.ack && ch == "" {
		reply(w, hec.CodeChannelMissing, nil, nil)
		return
	}
	if ch != "" && !validGUID(ch) {
		reply(w, hec.CodeInvalidChannel, nil, nil)
		return
	}
	events, bad, code := s.parse(body)
	for i := range events {
		events[i].Channel = ch
	}
	if !s.hold(r, len(events)) {
		drop(w)
		return
	}
	s.commit(w, events, bad, code, ch, noAckID)
}

// hold blocks a request that would commit past holdAfter until Release; false means
// the client gave up or the server died meanwhile.
func (s *Server) hold(r *http.Request, n int) bool {
	s.mu.Lock()
	if s.holdAfter == 0 || s.count+n <= s.holdAfter {
		s.mu.Unlock()
		return true
	}
	s.held++
	release := s.release
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.held--
		s.mu.Unlock()
	}()
	select {
	case <-release:
		return true
	case <-r.Context().Done():
		return false
	}
}

// commit records events and replies under the lock, so a Kill either happens before
// (nothing committed, connection cut) or after the reply was fully written.
func (s *Server) commit(w http.ResponseWriter, events []Event, bad, code int, ch string, noAckID bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dead {
		drop(w)
		return
	}
	if s.killAfter > 0 && s.count+len(events) > s.killAfter {
		s.dead = true
		drop(w)
		s.shutdown()
		return
	}
	s.count += len(events)
	if s.keep {
		s.events = append(s.events, events...)
	}
	if bad >= 0 {
		reply(w, code, &bad, nil)
		return
	}
	if !s.ack || s.noAckIDs || noAckID {
		reply(w, hec.CodeSuccess, nil, nil)
		return
	}
	c := s.channels[ch]
	if c == nil {
		c = &channel{granted: map[int64]time.Time{}}
		s.channels[ch] = c
	}
	id := c.next
	c.next++
	when := time.Now().Add(s.ackDelay)
	if s.loseAcks {
		when = time.Time{}
	}
	c.granted[id] = when
	reply(w, hec.CodeSuccess, nil, &id)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *Server) handleAck(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	ch := r.Header.Get(hec.ChannelHeader)
	if ch == "" {
		ch = r.URL.Query().Get("channel")
	}
	s.mu.Lock()
	ackOn, dead := s.ack, s.dead
	s.mu.Unlock()
	switch {
	case dead:
		drop(w)
		return
	case !ackOn:
		reply(w, hec.CodeAckDisabled, nil, nil)
		return
	case ch == "":
		reply(w, hec.CodeChannelMissing, nil, nil)
		return
	}
	body, err := readBody(r)
	var q struct {
		Acks []int64 `json:"acks"`
	}
	if err != nil || json.Unmarshal(body, &q) != nil {
		reply(w, hec.CodeInvalidDataFormat, nil, nil)
		return
	}
	out := map[string]bool{}
	now := time.Now()
	s.mu.Lock()
	c := s.channels[ch]
	for _, id := range q.Acks {
		ok := false
		if c != nil {
			when, known := c.granted[id]
			ok = known && !when.IsZero() && !now.Before(when)
			if ok {
				delete(c.granted, id) // an ack is reported true once, as Splunk does
			}
		}
		out[strconv.FormatInt(id, 10)] = ok
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"acks": out})
}

func reply(w http.ResponseWriter, code int, invalid *int, ackID *int64) {
	st := hec.Statuses()[code]
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(st.HTTP)
	_ = json.NewEncoder(w).Encode(hec.Response{Text: st.Text, Code: code, InvalidEvent: invalid, AckID: ackID})
}

// drop cuts the connection without a reply.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	http.Error(w, "connection dropped", http.StatusServiceUnavailable)
}

func validGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", c):
			return false
		}
	}
	return true
}
