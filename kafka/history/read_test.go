package history

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kpeek/kpeek/kafka"
)

type failingReader struct{ err error }

func (f failingReader) Read(context.Context, kafka.ReadRequest) (*kafka.Stream, error) {
	return nil, f.err
}

// TestReadDegradesOnPermissions: without READ (or DESCRIBE) on __consumer_offsets the report
// is a note, not an error; any other failure, an interrupt included, stays an error.
func TestReadDegradesOnPermissions(t *testing.T) {
	for _, err := range []error{
		&kafka.NotAuthorizedError{Operation: "read", Resource: `topic "__consumer_offsets"`},
		&kafka.TopicNotFoundError{Topic: OffsetsTopic},
	} {
		rep, got := Read(t.Context(), failingReader{err}, Query{})
		if got != nil || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "READ on it") {
			t.Errorf("%v: report %+v, err %v; want one note naming the missing permission", err, rep, got)
		}
	}
	for _, err := range []error{context.Canceled, &kafka.UnreachableError{Addr: "b:9092", Err: errors.New("refused")}} {
		if _, got := Read(t.Context(), failingReader{err}, Query{}); !errors.Is(got, err) {
			t.Errorf("Read with %v = %v, want it wrapped", err, got)
		}
	}
}

// deniedCluster refuses everything the readers view asks, as an account with READ on one
// topic and nothing else would.
type deniedCluster struct {
	failingReader
	aclErr error
}

func (d deniedCluster) ACLs(context.Context) (kafka.ACLs, error) { return nil, d.aclErr }
func (d deniedCluster) Groups(context.Context) (kafka.Groups, error) {
	return nil, &kafka.NotAuthorizedError{Operation: "describe", Resource: "its consumer groups"}
}
func (d deniedCluster) Topics(context.Context) (kafka.Topics, error) {
	return kafka.Topics{{Name: "orders"}}, nil
}
func (d deniedCluster) AverageRecordSizes(context.Context, kafka.Topics) (kafka.RecordSizes, error) {
	return nil, &kafka.NotAuthorizedError{Operation: "describe log dirs of", Resource: "the cluster"}
}

func TestReadersDegradeToNotes(t *testing.T) {
	denied := &kafka.NotAuthorizedError{Operation: "read", Resource: `topic "__consumer_offsets"`}
	for _, tc := range []struct {
		aclErr error
		want   string
	}{
		{&kafka.NotAuthorizedError{Operation: "describe ACLs of", Resource: "the cluster"}, "no DESCRIBE on the cluster: the principals"},
		{kafka.ErrNoAuthorizer, "no authorizer"},
	} {
		rep, err := Readers(t.Context(), deniedCluster{failingReader{denied}, tc.aclErr}, "orders", t0, t0)
		if err != nil {
			t.Fatalf("Readers: %v", err)
		}
		notes := strings.Join(rep.Notes, "\n")
		for _, want := range []string{tc.want, "__consumer_offsets", "consumer groups", "estimated bytes"} {
			if !strings.Contains(notes, want) {
				t.Errorf("notes %q lack %q", notes, want)
			}
		}
		if rep.ACLs || len(rep.Groups) != 0 || len(rep.Live) != 0 {
			t.Errorf("report shows what it could not read: %+v", rep)
		}
	}
	// A failure that is not about permissions is an error, not a quiet empty answer.
	broken := deniedCluster{failingReader{denied}, errors.New("controller unreachable")}
	if _, err := Readers(t.Context(), broken, "orders", t0, t0); err == nil {
		t.Error("an unexplained ACL failure was swallowed")
	}
}
