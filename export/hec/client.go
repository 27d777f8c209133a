// Package hec speaks Splunk's HTTP Event Collector protocol: one request at a time,
// with typed errors that say whether a retry can help. Batching policy (retries,
// splitting, tails) lives in Sender; what to do with leftovers lives in the caller.
package hec

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/kpeek/kpeek/config"
)

// Paths of the collector endpoints below the server root.
const (
	EventPath  = "/services/collector/event"
	AckPath    = "/services/collector/ack"
	HealthPath = "/services/collector/health"
)

// ChannelHeader carries the data channel GUID that scopes acknowledgement ids.
const ChannelHeader = "X-Splunk-Request-Channel"

// Client sends requests to one HEC endpoint with one token and one channel.
type Client struct {
	eventURL  string
	ackURL    string
	healthURL string
	auth      string // "Splunk <token>"; never logged
	channel   string
	gzipLevel int // 0 disables compression
	http      *http.Client
	tls       *config.TLS
	warnings  []string
	timeout   time.Duration
	zips      sync.Pool
}

// Option configures a Client.
type Option func(*Client)

// WithChannel sets the data channel GUID (required for indexer acknowledgement).
func WithChannel(guid string) Option { return func(c *Client) { c.channel = guid } }

// WithGzip compresses request bodies at level (gzip.BestSpeed..BestCompression); 0 turns it off.
func WithGzip(level int) Option { return func(c *Client) { c.gzipLevel = level } }

// WithCAFile verifies the server against the PEM certificates in path instead of the system
// pool; an empty path keeps the system pool.
func WithCAFile(path string) Option {
	return func(c *Client) {
		if path != "" {
			c.tls = &config.TLS{Enabled: true, CAFile: path}
		}
	}
}

// WithTLS sets how the server is verified and which client certificate is shown, built by
// the same TLS builder as every other connection; Warnings reports verification switched off.
func WithTLS(t config.TLS) Option { return func(c *Client) { c.tls = &t } }

// WithHTTPClient replaces the HTTP client (tests, proxies).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithTimeout bounds each request; the default is 60 seconds.
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// New returns a client for the event endpoint URL (…/services/collector/event; a bare
// https://host:8088 gets the path added).
func New(endpoint, token string, opts ...Option) (*Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("splunk URL %q: want https://host:8088/services/collector/event", endpoint)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("splunk URL %q: scheme must be https or http", endpoint)
	}
	if token == "" {
		return nil, errors.New("splunk token is empty")
	}
	root := strings.TrimSuffix(u.Path, "/")
	for _, suffix := range []string{EventPath + "/1.0", EventPath, "/services/collector"} {
		if strings.HasSuffix(root, suffix) {
			root = strings.TrimSuffix(root, suffix)
			break
		}
	}
	base := *u
	base.RawQuery, base.Fragment = "", ""
	at := func(p string) string { b := base; b.Path = root + p; return b.String() }
	c := &Client{
		eventURL: at(EventPath), ackURL: at(AckPath), healthURL: at(HealthPath),
		auth: "Splunk " + token, gzipLevel: gzip.BestSpeed, timeout: 60 * time.Second,
	}
	for _, o := range opts {
		o(c)
	}
	if c.http == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		if c.tls != nil {
			tc, warnings, err := c.tls.Build("Splunk")
			if err != nil {
				return nil, fmt.Errorf("splunk at %s: %w", c.eventURL, err)
			}
			tr.TLSClientConfig, c.warnings = tc, warnings
		}
		c.http = &http.Client{Transport: tr, Timeout: c.timeout}
	}
	return c, nil
}

// Warnings are security downgrades the TLS settings asked for (verification off), for display.
func (c *Client) Warnings() []string { return slices.Clone(c.warnings) }

// EventURL is the event endpoint requests go to.
func (c *Client) EventURL() string { return c.eventURL }

// Channel is the data channel GUID, empty when none is used.
func (c *Client) Channel() string { return c.channel }

// Response is HEC's JSON reply to an event request.
type Response struct {
	Text         string `json:"text"`
	Code         int    `json:"code"`
	InvalidEvent *int   `json:"invalid-event-number,omitempty"`
	AckID        *int64 `json:"ackId,omitempty"`
}

// Send posts body (stacked JSON events) to the event endpoint.
func (c *Client) Send(ctx context.Context, body []byte) (Response, error) {
	var r Response
	err := c.post(ctx, "send events", c.eventURL, body, &r)
	return r, err
}

// Ack asks which of ids were indexed; ids missing from the reply count as not yet.
func (c *Client) Ack(ctx context.Context, ids []int64) (map[int64]bool, error) {
	body, err := json.Marshal(struct {
		Acks []int64 `json:"acks"`
	}{ids})
	if err != nil {
		return nil, fmt.Errorf("encode ack query: %w", err)
	}
	var reply struct {
		Acks map[string]bool `json:"acks"`
	}
	if err := c.post(ctx, "query acknowledgements", c.ackURL, body, &reply); err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(reply.Acks))
	for k, v := range reply.Acks {
		var id int64
		if _, err := fmt.Sscan(k, &id); err == nil {
			out[id] = v
		}
	}
	return out, nil
}

// Health checks /services/collector/health; nil means the collector accepts data.
func (c *Client) Health(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.healthURL, nil)
	if err != nil {
		return &Error{Op: "health check", Err: err}
	}
	req.Header.Set("Authorization", c.auth)
	resp, err := c.http.Do(req)
	if err != nil {
		return &Error{Op: "health check", Err: err}
	}
	defer resp.Body.Close()
	var r Response
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = json.Unmarshal(raw, &r)
	if resp.StatusCode != http.StatusOK {
		return &Error{Op: "health check", Status: resp.StatusCode, Code: r.Code, Text: r.Text, InvalidEvent: -1}
	}
	return nil
}

// CheckToken sends an empty event request: the collector answers "No data" (code 5) to
// a token it accepts, and 401/403 to one it does not, so a bad token or a missing
// channel is found before any record is read. Other answers are left to the export.
func (c *Client) CheckToken(ctx context.Context) error {
	_, err := c.Send(ctx, nil)
	he, ok := AsError(err)
	if !ok || he.Code == CodeNoData || !he.Fatal() {
		return nil
	}
	he.Op = "check token"
	return he
}

func (c *Client) post(ctx context.Context, op, target string, body []byte, into any) error {
	payload, gz, err := c.encode(body)
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(payload))
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Content-Type", "application/json")
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if c.channel != "" {
		req.Header.Set(ChannelHeader, c.channel)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &Error{Op: op, Status: resp.StatusCode, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		var r Response
		_ = json.Unmarshal(raw, &r)
		e := &Error{Op: op, Status: resp.StatusCode, Code: r.Code, Text: r.Text, InvalidEvent: -1}
		if r.InvalidEvent != nil {
			e.InvalidEvent = *r.InvalidEvent
		}
		return e
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return &Error{Op: op, Status: resp.StatusCode, Err: fmt.Errorf("unreadable reply: %w", err)}
	}
	return nil
}

// encode gzips body when enabled; the pooled writer keeps compression allocation-free.
func (c *Client) encode(body []byte) ([]byte, bool, error) {
	if c.gzipLevel == 0 {
		return body, false, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(body)/4 + 64)
	zw, _ := c.zips.Get().(*gzip.Writer)
	if zw == nil {
		var err error
		if zw, err = gzip.NewWriterLevel(&buf, c.gzipLevel); err != nil {
			return nil, false, err
		}
	} else {
		zw.Reset(&buf)
	}
	defer c.zips.Put(zw)
	if _, err := zw.Write(body); err != nil {
		return nil, false, err
	}
	if err := zw.Close(); err != nil {
		return nil, false, err
	}
	return buf.Bytes(), true, nil
}

// NewChannel returns a random (version 4) GUID for a data channel.
func NewChannel() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
