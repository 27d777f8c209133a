// Package registryserver is an in-memory Confluent-compatible schema registry: the REST
// subset kpeek's decoders use. The demo cluster serves it on loopback; tests use it too.
package registryserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Schema types as the registry names them.
const (
	TypeAvro     = "AVRO"
	TypeProtobuf = "PROTOBUF"
	TypeJSON     = "JSON"
)

// Reference points a schema at another registered schema (imports, named types).
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Schema is one registered schema version.
type Schema struct {
	ID         int         `json:"id"`
	Subject    string      `json:"subject"`
	Version    int         `json:"version"`
	SchemaType string      `json:"schemaType,omitempty"`
	Schema     string      `json:"schema"`
	References []Reference `json:"references,omitempty"`
}

// Server holds schemas by id and by subject/version. Safe for concurrent use.
type Server struct {
	mu       sync.RWMutex
	byID     map[int]*Schema
	subjects map[string][]*Schema
	nextID   int
	srv      *http.Server
	ln       net.Listener
}

// New returns an empty registry.
func New() *Server {
	return &Server{byID: map[int]*Schema{}, subjects: map[string][]*Schema{}, nextID: 1}
}

// Register adds a new version of subject and returns its global id and version.
// schemaType is TypeAvro (or ""), TypeProtobuf or TypeJSON.
func (s *Server) Register(subject, schemaType, schema string, refs []Reference) (id, version int, err error) {
	if subject == "" || schema == "" {
		return 0, 0, errors.New("registry: subject and schema are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range refs {
		if s.lookup(r.Subject, r.Version) == nil {
			return 0, 0, fmt.Errorf("registry: reference %s version %d is not registered", r.Subject, r.Version)
		}
	}
	if schemaType == TypeAvro {
		schemaType = ""
	}
	sc := &Schema{ID: s.nextID, Subject: subject, Version: len(s.subjects[subject]) + 1,
		SchemaType: schemaType, Schema: schema, References: refs}
	s.nextID++
	s.byID[sc.ID] = sc
	s.subjects[subject] = append(s.subjects[subject], sc)
	return sc.ID, sc.Version, nil
}

func (s *Server) lookup(subject string, version int) *Schema {
	vs := s.subjects[subject]
	if len(vs) == 0 {
		return nil
	}
	if version <= 0 {
		return vs[len(vs)-1]
	}
	if version > len(vs) {
		return nil
	}
	return vs[version-1]
}

// ServeHTTP answers /schemas/ids/{id}, /schemas/ids/{id}/versions, /subjects,
// /subjects/{s}/versions and /subjects/{s}/versions/{v|latest}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, 405, "read-only registry")
		return
	}
	// Split the escaped path: a subject may hold a slash (common%2Faddress.proto).
	parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			writeError(w, http.StatusBadRequest, 400, "bad path segment "+strconv.Quote(p))
			return
		}
		parts[i] = u
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch {
	case len(parts) >= 3 && parts[0] == "schemas" && parts[1] == "ids":
		id, err := strconv.Atoi(parts[2])
		sc := s.byID[id]
		if err != nil || sc == nil {
			writeError(w, http.StatusNotFound, 40403, "Schema "+parts[2]+" not found")
			return
		}
		if len(parts) == 4 && parts[3] == "versions" {
			writeJSON(w, []map[string]any{{"subject": sc.Subject, "version": sc.Version}})
			return
		}
		// By id, Confluent answers only the schema, its type and references.
		writeJSON(w, struct {
			SchemaType string      `json:"schemaType,omitempty"`
			Schema     string      `json:"schema"`
			References []Reference `json:"references,omitempty"`
		}{sc.SchemaType, sc.Schema, sc.References})
	case len(parts) == 1 && parts[0] == "subjects":
		names := make([]string, 0, len(s.subjects))
		for n := range s.subjects {
			names = append(names, n)
		}
		sort.Strings(names)
		writeJSON(w, names)
	case len(parts) == 3 && parts[0] == "subjects" && parts[2] == "versions":
		vs := s.subjects[parts[1]]
		if len(vs) == 0 {
			writeError(w, http.StatusNotFound, 40401, "Subject '"+parts[1]+"' not found.")
			return
		}
		out := make([]int, len(vs))
		for i, v := range vs {
			out[i] = v.Version
		}
		writeJSON(w, out)
	case len(parts) == 4 && parts[0] == "subjects" && parts[2] == "versions":
		if len(s.subjects[parts[1]]) == 0 {
			writeError(w, http.StatusNotFound, 40401, "Subject '"+parts[1]+"' not found.")
			return
		}
		v := -1
		if parts[3] != "latest" {
			n, err := strconv.Atoi(parts[3])
			if err != nil || n < 1 {
				writeError(w, http.StatusUnprocessableEntity, 42202, "The specified version '"+parts[3]+"' is not a valid version id.")
				return
			}
			v = n
		}
		sc := s.lookup(parts[1], v)
		if sc == nil {
			writeError(w, http.StatusNotFound, 40402, "Version "+parts[3]+" not found.")
			return
		}
		writeJSON(w, sc)
	default:
		writeError(w, http.StatusNotFound, 404, "HTTP 404 Not Found")
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error_code": code, "message": msg})
}

// Start serves the registry on addr ("" picks a free loopback port) and returns its URL.
func (s *Server) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("schema registry listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s}
	go func() { _ = s.srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// Close stops serving.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}
