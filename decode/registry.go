package decode

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/riferrei/srclient"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
)

// Registry defaults: how long one request may take, and how long a failed lookup is
// remembered so a burst of records with an unknown id costs one request, not thousands.
const (
	DefaultRegistryTimeout = 10 * time.Second
	DefaultNegativeTTL     = 15 * time.Second
	// maxMissesPerTTL bounds lookups that fail within one negative TTL: bytes that only
	// look framed (binary starting with 0) would otherwise ask for a new id per record.
	maxMissesPerTTL = 32
)

// unreachableError is a failure to reach the registry at all, as opposed to an answer.
type unreachableError struct {
	what, cause string
}

func (e *unreachableError) Error() string {
	return e.what + ": schema registry unreachable: " + e.cause
}

// Registry fetches and compiles schemas from a Confluent-compatible schema registry. It
// caches compiled schemas by id, remembers failures for a short while and merges
// concurrent lookups of one id into one request. Safe for concurrent use.
type Registry struct {
	client *srclient.SchemaRegistryClient
	log    *slog.Logger
	negTTL time.Duration
	now    func() time.Time

	mu        sync.RWMutex
	byID      map[int]registryEntry
	downUntil time.Time // after an unreachable registry, fail every id fast until then
	downCause string
	missFrom  time.Time // start of the window failed lookups are counted in
	misses    int
	group     singleflight.Group
}

type registryEntry struct {
	schema  *registeredSchema
	err     error
	expires time.Time // failures only
}

// registeredSchema is one schema by id, compiled for its type.
type registeredSchema struct {
	id       int
	subject  string
	version  int
	encoding Encoding // EncodingAvro, EncodingProtobuf or EncodingJSONSchema
	text     string   // the schema as the registry returned it, for evidence bundles
	avro     *avroProgram
	proto    *protoSchema
}

// RegistryOption configures a Registry.
type RegistryOption func(*registryOptions)

type registryOptions struct {
	log     *slog.Logger
	timeout time.Duration
	negTTL  time.Duration
	now     func() time.Time
}

// WithRegistryLogger routes the registry's logs to l.
func WithRegistryLogger(l *slog.Logger) RegistryOption {
	return func(o *registryOptions) { o.log = l }
}

// WithRegistryTimeout bounds each registry request.
func WithRegistryTimeout(d time.Duration) RegistryOption {
	return func(o *registryOptions) { o.timeout = d }
}

// WithNegativeTTL sets how long a failed lookup is remembered before it is retried.
func WithNegativeTTL(d time.Duration) RegistryOption {
	return func(o *registryOptions) { o.negTTL = d }
}

// NewRegistry returns a client for the registry cfg describes: basic auth (username and
// password), a bearer token, or bearer tokens from an OIDC client-credentials grant; TLS and
// mutual TLS. Secrets are resolved here.
func NewRegistry(cfg config.Registry, opts ...RegistryOption) (*Registry, error) {
	o := registryOptions{log: slog.New(slog.DiscardHandler), timeout: DefaultRegistryTimeout,
		negTTL: DefaultNegativeTTL, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	url := strings.TrimRight(strings.TrimSpace(strings.Split(cfg.URL, ",")[0]), "/")
	if url == "" {
		return nil, errors.New("schema registry: no url")
	}
	transport := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		transport = t.Clone()
	}
	if cfg.TLS != nil && (cfg.TLS.Enabled || strings.HasPrefix(url, "https://")) {
		tc, warnings, err := cfg.TLS.Build("the schema registry")
		if err != nil {
			return nil, fmt.Errorf("schema registry %s: %w", url, err)
		}
		for _, w := range warnings {
			o.log.Warn(w, "registry", url)
		}
		transport.TLSClientConfig = tc
	}
	var rt http.RoundTripper = transport
	if cfg.TokenURL != "" {
		src, warnings, err := cfg.OIDC.TokenSource("the schema registry")
		if err != nil {
			return nil, err
		}
		for _, w := range warnings {
			o.log.Warn(w, "registry", url)
		}
		rt = &oauth2.Transport{Source: src, Base: transport}
	}
	client := srclient.NewSchemaRegistryClient(url,
		srclient.WithClient(&http.Client{Timeout: o.timeout, Transport: rt}))
	if cfg.Username != "" {
		pw, err := config.ResolveSecret(cfg.Password)
		if err != nil {
			return nil, fmt.Errorf("schema registry password: %w", err)
		}
		client.SetCredentials(cfg.Username, pw)
	} else if cfg.Token != "" {
		tok, err := config.ResolveSecret(cfg.Token)
		if err != nil {
			return nil, fmt.Errorf("schema registry token: %w", err)
		}
		client.SetBearerToken(tok)
	}
	return &Registry{client: client, log: o.log, negTTL: o.negTTL, now: o.now,
		byID: map[int]registryEntry{}}, nil
}

// schema returns the compiled schema with id, from the cache or the registry.
func (r *Registry) schema(ctx context.Context, id int) (*registeredSchema, error) {
	now := r.now()
	r.mu.RLock()
	e, ok := r.byID[id]
	downUntil, downCause := r.downUntil, r.downCause
	tooManyMisses := r.misses >= maxMissesPerTTL && now.Before(r.missFrom.Add(r.negTTL))
	r.mu.RUnlock()
	if ok && (e.err == nil || now.Before(e.expires)) {
		return e.schema, e.err
	}
	if now.Before(downUntil) {
		return nil, &unreachableError{what: fmt.Sprintf("schema id %d", id), cause: downCause}
	}
	if tooManyMisses {
		return nil, fmt.Errorf("schema id %d: not looked up: %d unknown schema ids in %s (payloads that only look like wire format?)",
			id, r.misses, r.negTTL)
	}
	ch := r.group.DoChan(strconv.Itoa(id), func() (any, error) {
		s, err := r.fetch(id)
		entry := registryEntry{schema: s, err: err}
		if err != nil {
			entry.expires = r.now().Add(r.negTTL)
			r.log.Warn("schema registry lookup failed", "id", id, "err", err)
		}
		r.mu.Lock()
		r.byID[id] = entry
		if err != nil {
			if now := r.now(); !now.Before(r.missFrom.Add(r.negTTL)) {
				r.missFrom, r.misses = now, 0
			}
			r.misses++
		}
		if ue := (*unreachableError)(nil); errors.As(err, &ue) {
			r.downUntil, r.downCause = entry.expires, ue.cause
		}
		r.mu.Unlock()
		return s, err
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		s, _ := res.Val.(*registeredSchema)
		return s, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("schema %d: %w", id, ctx.Err())
	}
}

// SchemaText returns the text of schema id as the registry returned it (cached).
func (r *Registry) SchemaText(ctx context.Context, id int) (string, error) {
	s, err := r.schema(ctx, id)
	if err != nil {
		return "", err
	}
	return s.text, nil
}

// fetch asks the registry for schema id and its references, and compiles it.
func (r *Registry) fetch(id int) (*registeredSchema, error) {
	s, err := r.client.GetSchema(id)
	if err != nil {
		return nil, registryError(fmt.Sprintf("schema id %d", id), err)
	}
	rs := &registeredSchema{id: id, text: s.Schema()}
	if pairs, err := r.client.GetSubjectVersionsById(id); err == nil && len(pairs) > 0 {
		rs.subject, rs.version = pairs[0].Subject, pairs[0].Version
	} else if err != nil {
		r.log.Debug("schema registry: subject of schema unknown", "id", id, "err", err)
	}
	typ := srclient.Avro
	if t := s.SchemaType(); t != nil && *t != "" {
		typ = *t
	}
	switch typ {
	case srclient.Avro:
		rs.encoding = EncodingAvro
		rs.avro, err = r.compileAvro(s)
	case srclient.Protobuf:
		rs.encoding = EncodingProtobuf
		rs.proto, err = r.compileProto(id, s)
	case srclient.Json:
		rs.encoding = EncodingJSONSchema
	default:
		return nil, fmt.Errorf("schema id %d: unsupported schema type %q", id, typ)
	}
	if err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	return rs, nil
}

// maxReferenceDepth bounds reference chains, which a registry could make cyclic.
const maxReferenceDepth = 32

// walkReferences visits the references of refs depth-first, dependencies before the
// schemas that use them, each subject/version once.
func (r *Registry) walkReferences(refs []srclient.Reference, seen map[string]bool, depth int,
	visit func(ref srclient.Reference, s *srclient.Schema) error) error {
	if depth > maxReferenceDepth {
		return errors.New("references nested too deeply")
	}
	for _, ref := range refs {
		key := ref.Subject + "/" + strconv.Itoa(ref.Version)
		if seen[key] {
			continue
		}
		seen[key] = true
		s, err := r.client.GetSchemaByVersion(ref.Subject, ref.Version)
		if err != nil {
			return registryError(fmt.Sprintf("reference %s (subject %s version %d)", ref.Name, ref.Subject, ref.Version), err)
		}
		if err := r.walkReferences(s.References(), seen, depth+1, visit); err != nil {
			return err
		}
		if err := visit(ref, s); err != nil {
			return fmt.Errorf("reference %s: %w", ref.Name, err)
		}
	}
	return nil
}

// registryError turns a client error into a one-line cause a person understands.
func registryError(what string, err error) error {
	var oe *oauth2.RetrieveError
	if errors.As(err, &oe) {
		return fmt.Errorf("%s: OIDC token for the schema registry: %s", what, config.OIDCCause(err))
	}
	var se srclient.Error
	if errors.As(err, &se) {
		switch {
		case se.Code == 40403 || se.Code == 40401 || se.Code == 40402:
			return fmt.Errorf("%s not found in the schema registry", what)
		case se.Code == 401 || se.Code == 40101:
			return fmt.Errorf("%s: the schema registry refused the credentials (401)", what)
		case se.Code == 403 || se.Code == 40301:
			return fmt.Errorf("%s: the schema registry denied access (403)", what)
		}
		return fmt.Errorf("%s: schema registry error %d: %s", what, se.Code, oneLine(se.Message))
	}
	// srclient reports a non-JSON error body by its HTTP status line alone.
	switch msg := oneLine(err.Error()); {
	case strings.HasPrefix(msg, "401 "):
		return fmt.Errorf("%s: the schema registry refused the credentials (401)", what)
	case strings.HasPrefix(msg, "403 "):
		return fmt.Errorf("%s: the schema registry denied access (403)", what)
	case strings.HasPrefix(msg, "404 "):
		return fmt.Errorf("%s not found in the schema registry", what)
	case len(msg) > 3 && msg[0] >= '1' && msg[0] <= '5' && msg[3] == ' ':
		return fmt.Errorf("%s: schema registry answered %s", what, msg)
	default:
		return &unreachableError{what: what, cause: msg}
	}
}

// oneLine joins the lines of a message so it fits an error column.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
