package history

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kpeek/kpeek/kafka"
)

// Cluster is what the readers view asks of a cluster; kafka.Client satisfies it.
type Cluster interface {
	Reader
	ACLs(ctx context.Context) (kafka.ACLs, error)
	Groups(ctx context.Context) (kafka.Groups, error)
	Topics(ctx context.Context) (kafka.Topics, error)
	AverageRecordSizes(ctx context.Context, topics kafka.Topics) (kafka.RecordSizes, error)
}

// ReadersReport answers "who may read this topic, who did, and who is reading it now".
type ReadersReport struct {
	Topic   string
	From    time.Time
	To      time.Time
	Allowed []kafka.TopicReader // from the ACLs
	ACLs    bool                // the ACLs could be read
	Groups  []Summary           // groups that committed on the topic in the window
	Live    []LiveReader        // members assigned the topic now
	Oldest  time.Time           // history reaches back to here
	Notes   []string            // what could not be shown and why
}

// LiveReader is a member of a group that is assigned partitions of the topic now.
type LiveReader struct {
	Group      string
	State      string
	MemberID   string
	ClientID   string
	ClientHost string
	Partitions []int32
}

// Readers gathers the three answers for topic over [from, to]. Missing permissions become
// notes; only failures unrelated to permissions are errors.
func Readers(ctx context.Context, cl Cluster, topic string, from, to time.Time, opts ...Option) (ReadersReport, error) {
	rep := ReadersReport{Topic: topic, From: from, To: to}
	acls, err := cl.ACLs(ctx)
	switch {
	case err == nil:
		rep.ACLs, rep.Allowed = true, acls.Readers(topic)
		if len(acls.ForTopic(topic)) == 0 {
			rep.Notes = append(rep.Notes, "no ACL names this topic: only super users may read it, unless the brokers set allow.everyone.if.no.acl.found")
		}
	case errors.Is(err, kafka.ErrNoAuthorizer):
		rep.Notes = append(rep.Notes, kafka.ErrNoAuthorizer.Error())
	case isPermission(err):
		rep.Notes = append(rep.Notes, "no DESCRIBE on the cluster: the principals the ACLs allow are not shown")
	default:
		return rep, fmt.Errorf("readers of %s: %w", topic, err)
	}

	q := Query{Topics: []string{topic}, From: from, To: to}
	sizes, note := Sizes(ctx, cl, topic)
	if note != "" {
		rep.Notes = append(rep.Notes, note)
	}
	q.AvgRecordSize = sizes.Of
	hist, err := Read(ctx, cl, q, opts...)
	if err != nil {
		return rep, fmt.Errorf("readers of %s: %w", topic, err)
	}
	rep.Groups, rep.Oldest = hist.Summaries, hist.Oldest
	rep.Notes = append(rep.Notes, hist.Notes...)

	groups, err := cl.Groups(ctx)
	switch {
	case err == nil:
		rep.Live = live(groups, topic)
	case isPermission(err):
		rep.Notes = append(rep.Notes, "no DESCRIBE on consumer groups: the members reading now are not shown")
	default:
		return rep, fmt.Errorf("readers of %s: %w", topic, err)
	}
	return rep, nil
}

// Sizes estimates average record sizes for topic ("" for every topic), with a note when the
// account may not see them; the result is usable (empty) either way.
func Sizes(ctx context.Context, cl Cluster, topic string) (kafka.RecordSizes, string) {
	topics, err := cl.Topics(ctx)
	if err == nil {
		if topic != "" {
			topics = slices.DeleteFunc(topics, func(t kafka.TopicInfo) bool { return t.Name != topic })
		}
		var sizes kafka.RecordSizes
		if sizes, err = cl.AverageRecordSizes(ctx, topics); err == nil {
			return sizes, ""
		}
	}
	if isPermission(err) {
		return nil, "no DESCRIBE on the cluster's log dirs: estimated bytes are not shown"
	}
	return nil, fmt.Sprintf("estimated bytes are not shown: %v", err)
}

func isPermission(err error) bool {
	var na *kafka.NotAuthorizedError
	return errors.As(err, &na)
}

// live lists the members of groups that are assigned partitions of topic now.
func live(groups kafka.Groups, topic string) []LiveReader {
	var out []LiveReader
	for _, g := range groups {
		for _, m := range g.Members {
			var parts []int32
			for _, a := range m.Assigned {
				if a.Topic == topic {
					parts = append(parts, a.Partition)
				}
			}
			if len(parts) == 0 {
				continue
			}
			slices.Sort(parts)
			out = append(out, LiveReader{Group: g.ID, State: g.State, MemberID: m.ID, ClientID: m.ClientID,
				ClientHost: m.ClientHost, Partitions: parts})
		}
	}
	return out
}
