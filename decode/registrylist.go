package decode

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/kpeek/kpeek/internal/ctxwait"
	"github.com/riferrei/srclient"
)

// Subject is one registry subject with its versions and its latest schema's id and type.
type Subject struct {
	Name     string
	Versions []int
	LatestID int
	Type     string // AVRO, PROTOBUF or JSON
	Err      error  // set when this subject's versions could not be read
}

// SchemaVersion is one version of a subject: its id, type, references and text as the
// registry returned it.
type SchemaVersion struct {
	Subject    string
	Version    int
	ID         int
	Type       string
	References []SchemaReference
	Text       string
}

// SchemaReference names a schema another schema imports.
type SchemaReference struct {
	Name    string
	Subject string
	Version int
}

// Subjects lists every subject of the registry, sorted, with its versions and the type and
// id of its latest version. A subject that cannot be read keeps Err; the call fails only
// when the subject list itself cannot be read.
func (r *Registry) Subjects(ctx context.Context) ([]Subject, error) {
	names, err := ctxwait.Call(ctx, r.client.GetSubjects)
	if err != nil {
		return nil, registryError("the subject list", err)
	}
	slices.Sort(names)
	out := make([]Subject, len(names))
	// Two requests per subject: several subjects at once, so that a registry of hundreds
	// of subjects across a WAN lists in seconds, not minutes.
	sem := make(chan struct{}, subjectLookups)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = r.subject(ctx, name)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// subjectLookups bounds the registry requests Subjects has in flight.
const subjectLookups = 8

// subject describes one subject: its versions and its latest version's id and type.
func (r *Registry) subject(ctx context.Context, name string) Subject {
	s := Subject{Name: name}
	if ctx.Err() != nil {
		s.Err = ctx.Err()
		return s
	}
	var err error
	s.Versions, err = r.Versions(ctx, name)
	if err == nil && len(s.Versions) > 0 {
		var v SchemaVersion
		v, err = r.Version(ctx, name, s.Versions[len(s.Versions)-1])
		s.LatestID, s.Type = v.ID, v.Type
	}
	s.Err = err
	return s
}

// Versions lists the versions of subject, ascending.
func (r *Registry) Versions(ctx context.Context, subject string) ([]int, error) {
	vs, err := ctxwait.Call(ctx, func() ([]int, error) { return r.client.GetSchemaVersions(subject) })
	if err != nil {
		return nil, registryError(fmt.Sprintf("subject %q", subject), err)
	}
	slices.Sort(vs)
	return vs, nil
}

// Version returns one version of subject; version 0 means the latest.
func (r *Registry) Version(ctx context.Context, subject string, version int) (SchemaVersion, error) {
	s, err := ctxwait.Call(ctx, func() (*srclient.Schema, error) {
		if version == 0 {
			return r.client.GetLatestSchema(subject)
		}
		return r.client.GetSchemaByVersion(subject, version)
	})
	if err != nil {
		what := fmt.Sprintf("subject %q version %d", subject, version)
		if version == 0 {
			what = fmt.Sprintf("subject %q", subject)
		}
		return SchemaVersion{}, registryError(what, err)
	}
	out := SchemaVersion{Subject: subject, Version: s.Version(), ID: s.ID(), Type: string(srclient.Avro), Text: s.Schema()}
	if t := s.SchemaType(); t != nil && *t != "" {
		out.Type = string(*t)
	}
	for _, ref := range s.References() {
		out.References = append(out.References, SchemaReference{Name: ref.Name, Subject: ref.Subject, Version: ref.Version})
	}
	return out, nil
}
