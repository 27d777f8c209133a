package history

import (
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// FuzzDecode feeds Decode attacker-shaped bytes: group ids, client ids and metadata come
// from whoever can join a group or commit. It must never panic, and what it returns is
// either a kind it knows or ErrMalformed.
func FuzzDecode(f *testing.F) {
	gk, gv := EncodeGroupMetadata("g\x1b]52;c;AAAA\x07", &ClassicGroup{ProtocolType: "consumer", Generation: 1,
		Members: []Member{{ID: "m", ClientID: "\x1b[2J", ClientHost: "/\xff\xfe", Topics: []string{"t"}}}})
	ok, ov := EncodeOffsetCommit("g", "t", 0, OffsetCommit{Offset: 1, CommitTime: t0})
	f.Add(gk, gv)
	f.Add(ok, ov)
	f.Add(ok, []byte(nil))
	f.Add(key848(5, "g", "m"), memberValue848(kmsg.StringPtr("i"), nil, "c", "h", []string{"a", "b"}, nil, 1, nil))
	f.Add(key848(3, "g"), epochValue848(4))
	f.Add(key848(8, "g", "m"), assignmentValue848(3, []TopicIDPartitions{{Partitions: []int32{1}}}))
	f.Add(key848(14, "g"), []byte{0})
	f.Fuzz(func(t *testing.T, key, value []byte) {
		e, err := Decode(key, value)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		switch e.Kind {
		case KindOffsetCommit, KindOffsetDeleted, KindGroupMetadata, KindGroupDeleted, KindGroupEpoch,
			KindMemberMetadata, KindMemberLeft, KindMemberAssignment, KindOther:
		default:
			t.Fatalf("unknown kind %q", e.Kind)
		}
		if len(e.Group) > len(key) {
			t.Fatalf("group id of %d bytes from a key of %d", len(e.Group), len(key))
		}
		// Whatever decoded must go through Build without trouble.
		Build([]Record{{Entry: e, Time: t0}}, Query{})
	})
}
