package decode

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/decode/registryserver"
	"github.com/kpeek/kpeek/kafka"
)

// testRegistry is the in-memory registry on loopback, counting requests by path.
type testRegistry struct {
	srv  *registryserver.Server
	http *httptest.Server
	mu   sync.Mutex
	hits map[string]int
	all  atomic.Int64
	// auth, when set, checks each request's Authorization header.
	auth             func(r *http.Request) bool
	unauthorizedBody string
}

func newTestRegistry(tb testing.TB) *testRegistry {
	tb.Helper()
	tr := &testRegistry{srv: registryserver.New(), hits: map[string]int{}}
	tr.http = httptest.NewServer(http.HandlerFunc(tr.serve))
	tb.Cleanup(tr.http.Close)
	return tr
}

func (tr *testRegistry) serve(w http.ResponseWriter, r *http.Request) {
	tr.all.Add(1)
	tr.mu.Lock()
	tr.hits[r.URL.Path]++
	tr.mu.Unlock()
	if tr.auth != nil && !tr.auth(r) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(tr.unauthorizedBody))
		return
	}
	tr.srv.ServeHTTP(w, r)
}

func (tr *testRegistry) register(tb testing.TB, subject, typ, schema string, refs ...registryserver.Reference) int {
	tb.Helper()
	id, _, err := tr.srv.Register(subject, typ, schema, refs)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

func (tr *testRegistry) client(tb testing.TB, opts ...RegistryOption) *Registry {
	tb.Helper()
	r, err := NewRegistry(config.Registry{URL: tr.http.URL}, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func (tr *testRegistry) count(path string) int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.hits[path]
}

func TestRegistryUnknownIDSingleFlightAndNegativeCache(t *testing.T) {
	tr := newTestRegistry(t)
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	reg := tr.client(t, WithNegativeTTL(10*time.Second))
	reg.now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	d := New(WithRegistry(reg))
	rec := &kafka.Record{Topic: "hostile.payloads", Value: frame(4242, []byte{2, 'x'})}
	var wg sync.WaitGroup
	for range 1000 {
		wg.Go(func() {
			e := d.Decode(context.Background(), rec)
			if e.Value.Error == "" || e.Value.SchemaID == nil || *e.Value.SchemaID != 4242 {
				t.Errorf("want an error and schema id 4242, got %+v", e.Value)
			}
		})
	}
	wg.Wait()
	if n := tr.count("/schemas/ids/4242"); n > 2 {
		t.Errorf("1000 records with one unknown id made %d requests, want ~1", n)
	}
	e := d.Decode(context.Background(), rec)
	if want := "schema id 4242 not found in the schema registry"; e.Value.Error != want {
		t.Errorf("error = %q, want %q", e.Value.Error, want)
	}
	if e.Value.Encoding != EncodingBase64 || string(e.Value.JSON) != `"AAAAEJICeA=="` {
		t.Errorf("fallback = %s %s, want base64 of the raw bytes", e.Value.Encoding, e.Value.JSON)
	}
	before := tr.count("/schemas/ids/4242")
	clock.Lock()
	now = now.Add(11 * time.Second)
	clock.Unlock()
	d.Decode(context.Background(), rec)
	if n := tr.count("/schemas/ids/4242"); n != before+1 {
		t.Errorf("after the negative TTL: %d requests, want %d", n, before+1)
	}
}

func TestRegistryUnreachable(t *testing.T) {
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		hits.Add(1)
		panic(http.ErrAbortHandler) // drop the connection: the registry is not answering
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	defer ts.Close()
	reg, err := NewRegistry(config.Registry{URL: ts.URL}, WithRegistryTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	d := New(WithRegistry(reg))
	for id := range 50 {
		e := d.Decode(context.Background(), &kafka.Record{Value: frame(id, []byte{0})})
		if !strings.Contains(e.Value.Error, "schema registry unreachable") || strings.ContainsAny(e.Value.Error, "\n\r") {
			t.Fatalf("error = %q, want one line saying the registry is unreachable", e.Value.Error)
		}
		if string(e.Value.Raw) != string(frame(id, []byte{0})) {
			t.Fatalf("raw bytes lost")
		}
	}
	if n := hits.Load(); n > 2 {
		t.Errorf("50 schema ids against a dead registry made %d requests, want 1 (and at most one retry)", n)
	}
}

func TestRegistryAuth(t *testing.T) {
	const jsonBody = `{"error_code":401,"message":"Unauthorized"}`
	tests := []struct {
		name    string
		cfg     config.Registry
		body    string // what the registry answers a refused request with
		wantErr string
	}{
		{"basic", config.Registry{Username: "svc", Password: "pw"}, jsonBody, ""},
		{"bearer", config.Registry{Token: "tok"}, jsonBody, ""},
		{"wrong password", config.Registry{Username: "svc", Password: "nope"}, jsonBody, "refused the credentials (401)"},
		{"none", config.Registry{}, jsonBody, "refused the credentials (401)"},
		{"wrong token, HTML answer", config.Registry{Token: "wrong"}, "<html>401</html>", "refused the credentials (401)"},
	}
	tr := newTestRegistry(t)
	id := tr.register(t, "s-value", "AVRO", `"string"`)
	tr.auth = func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return (ok && u == "svc" && p == "pw") || r.Header.Get("Authorization") == "Bearer tok"
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr.unauthorizedBody = tt.body
			tt.cfg.URL = tr.http.URL
			reg, err := NewRegistry(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			e := New(WithRegistry(reg)).Decode(context.Background(), &kafka.Record{Value: frame(id, []byte{4, 'h', 'i'})})
			if tt.wantErr == "" && (e.Value.Error != "" || string(e.Value.JSON) != `"hi"`) {
				t.Errorf("got %s (error %q), want \"hi\"", e.Value.JSON, e.Value.Error)
			}
			if tt.wantErr != "" && !strings.Contains(e.Value.Error, tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", e.Value.Error, tt.wantErr)
			}
		})
	}
}

func TestRegistryMutualTLS(t *testing.T) {
	srv := registryserver.New()
	id, _, err := srv.Register("s-value", "AVRO", `"string"`, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	ts.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are the point
	ts.StartTLS()
	defer ts.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	writePEM(t, ca, "CERTIFICATE", ts.Certificate().Raw)
	// httptest's certificate doubles as the client certificate: the server only wants one.
	certFile, keyFile := filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	writePEM(t, certFile, "CERTIFICATE", ts.TLS.Certificates[0].Certificate[0])
	writeKey(t, keyFile, ts.TLS.Certificates[0])
	encryptedKey := filepath.Join(dir, "client-encrypted.key")
	writeEncryptedKey(t, encryptedKey, ts.TLS.Certificates[0], "kp")

	tests := []struct {
		name     string
		tls      *config.TLS
		wantErr  string
		wantWarn string
	}{
		{"mtls", &config.TLS{Enabled: true, CAFile: ca, CertFile: certFile, KeyFile: keyFile}, "", ""},
		{"no client cert", &config.TLS{Enabled: true, CAFile: ca}, "unreachable", ""},
		{"unknown CA", &config.TLS{Enabled: true, CertFile: certFile, KeyFile: keyFile}, "certificate", ""},
		{"name mismatch", &config.TLS{Enabled: true, CAFile: ca, CertFile: certFile, KeyFile: keyFile, ServerName: "registry.other.test"},
			"certificate", ""},
		{"skip hostname check", &config.TLS{Enabled: true, CAFile: ca, CertFile: certFile, KeyFile: keyFile, ServerName: "registry.other.test",
			SkipHostnameCheck: true}, "", "hostname verification is OFF for the schema registry"},
		{"skip verify", &config.TLS{Enabled: true, CertFile: certFile, KeyFile: keyFile, InsecureSkipVerify: true},
			"", "certificate verification is OFF for the schema registry"},
		{"encrypted client key", &config.TLS{Enabled: true, CAFile: ca, CertFile: certFile, KeyFile: encryptedKey, KeyPassword: "kp"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs strings.Builder
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			reg, err := NewRegistry(config.Registry{URL: ts.URL, TLS: tt.tls}, WithRegistryLogger(logger))
			if err != nil {
				t.Fatal(err)
			}
			e := New(WithRegistry(reg)).Decode(context.Background(), &kafka.Record{Value: frame(id, []byte{2, 'x'})})
			if tt.wantErr == "" && e.Value.Error != "" {
				t.Fatalf("error %q", e.Value.Error)
			}
			if tt.wantErr != "" && !strings.Contains(e.Value.Error, tt.wantErr) {
				t.Errorf("error = %q, want it to mention %q", e.Value.Error, tt.wantErr)
			}
			if got := strings.Contains(logs.String(), "verification is OFF"); got != (tt.wantWarn != "") ||
				!strings.Contains(logs.String(), tt.wantWarn) {
				t.Errorf("log = %q, want a warning %q", logs.String(), tt.wantWarn)
			}
		})
	}
}

// writeEncryptedKey writes cert's RSA key as a legacy password-encrypted PEM, as Java and
// librdkafka users export it.
func writeEncryptedKey(t *testing.T, path string, cert tls.Certificate, password string) {
	t.Helper()
	key, ok := cert.PrivateKey.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("test certificate key is %T, want RSA", cert.PrivateKey)
	}
	//nolint:staticcheck // producing the legacy format kpeek must read
	block, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), []byte(password), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func writeKey(t *testing.T, path string, cert tls.Certificate) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, path, "PRIVATE KEY", der)
}

func TestRegistryLookupHonoursContext(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		http.NotFound(w, r)
	}))
	defer ts.Close()
	defer close(release)
	reg, err := NewRegistry(config.Registry{URL: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := New(WithRegistry(reg)).Decode(ctx, &kafka.Record{Value: frame(7, []byte{0})})
	if !strings.Contains(e.Value.Error, "context canceled") || e.Value.SchemaID == nil {
		t.Errorf("got error %q, want the cancellation", e.Value.Error)
	}
}

func TestRegistryBoundsLookupsOfUnknownIDs(t *testing.T) {
	tr := newTestRegistry(t)
	d := New(WithRegistry(tr.client(t)))
	for id := range 1000 {
		e := d.Decode(context.Background(), &kafka.Record{Value: frame(100+id, []byte{0xca, 0xfe})})
		if e.Value.Error == "" || e.Value.Encoding != EncodingBase64 {
			t.Fatalf("id %d: %+v", id, e.Value)
		}
	}
	if n := tr.all.Load(); n > 2*maxMissesPerTTL {
		t.Errorf("1000 distinct unknown ids made %d requests, want at most %d", n, 2*maxMissesPerTTL)
	}
}

func TestDecoderSchemaText(t *testing.T) {
	tr := newTestRegistry(t)
	const schema = `{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}`
	id := tr.register(t, "t-value", registryserver.TypeAvro, schema)
	d := New(WithRegistry(tr.client(t)))
	got, err := d.SchemaText(context.Background(), id)
	if err != nil || got != schema {
		t.Fatalf("SchemaText(%d) = %q, %v; want the registered text", id, got, err)
	}
	if _, err := d.SchemaText(context.Background(), id+100); err == nil {
		t.Error("SchemaText of an unknown id succeeded")
	}
	if _, err := New().SchemaText(context.Background(), id); err == nil {
		t.Error("SchemaText without a registry succeeded")
	}
}
