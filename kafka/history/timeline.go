package history

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Record is one decoded record with where and when the broker wrote it.
type Record struct {
	Entry
	LogPartition int32 // the partition of __consumer_offsets it was read from
	LogOffset    int64
	Time         time.Time // the record's timestamp
}

// EventKind names one thing that happened to a group.
type EventKind string

// Kinds of events on the timeline.
const (
	EventCommit        EventKind = "commit"
	EventOffsetDeleted EventKind = "offset_deleted"
	EventMemberJoined  EventKind = "member_joined"
	EventMemberLeft    EventKind = "member_left"
	EventHostChanged   EventKind = "host_changed"
	EventGeneration    EventKind = "generation"
	EventGroupEmpty    EventKind = "group_empty"
	EventGroupDeleted  EventKind = "group_deleted"
)

// Event is one line of a group's timeline.
type Event struct {
	Time  time.Time
	Kind  EventKind
	Group string
	// Commits.
	Topic     string
	Partition int32
	Offset    int64
	Delta     int64 // records the commit moved past since the previous one; -1 for a first commit
	// Membership.
	Generation int32
	MemberID   string
	ClientID   string
	ClientHost string
	PrevHost   string // EventHostChanged: the host this client id used before
	Topics     []string
}

// Summary answers the incident questions for one group on one topic within the window.
type Summary struct {
	Group       string
	Topic       string
	Connector   string // the Kafka Connect connector's name when the group is connect-<name>
	FirstCommit time.Time
	LastCommit  time.Time
	Commits     int
	Ranges      []Range // per partition, the offsets the commits moved across, by partition
	Consumed    int64   // sum of the commits' forward moves
	// BeforeFirst bounds what may have been read before the first commit seen on a partition
	// (its offset: where the reading started is not recorded); 0 when every commit had a
	// predecessor.
	BeforeFirst int64
	Bytes       int64 // Consumed times the partitions' average record size; -1 when unknown
	ClientIDs   []string
	Hosts       []string
}

// Range is what a group's commits moved across on one partition: the records it consumed
// are the offsets From to To-1.
type Range struct {
	Partition int32
	From      int64 // the commit before the window's first, or the first one's when there was none
	To        int64 // the last commit's offset
	// FromKnown is false when no earlier commit was seen: reading may have started before From.
	FromKnown bool
}

// ConsumedText says how many records were consumed, with the bound on what may have been
// read before the first commit seen: "641" or "641 (+≤55)".
func (s Summary) ConsumedText() string {
	if s.BeforeFirst > 0 {
		return fmt.Sprintf("%d (+≤%d)", s.Consumed, s.BeforeFirst)
	}
	return strconv.FormatInt(s.Consumed, 10)
}

// Query selects what a report covers; empty fields select everything.
type Query struct {
	Groups []string
	Topics []string
	From   time.Time // zero: from the oldest record
	To     time.Time // zero: to the newest
	// AvgRecordSize returns a partition's average record size in bytes, or 0 when unknown.
	AvgRecordSize func(topic string, partition int32) float64
}

// Report is a timeline with its summaries.
type Report struct {
	Events    []Event   // in time order
	Summaries []Summary // sorted by group, topic
	Oldest    time.Time // the oldest record read: history reaches no further back
	Newest    time.Time
	Records   int // records read
	Malformed int // records that did not decode
	Notes     []string
}

// Connector returns the Kafka Connect connector behind a group named connect-<name>: sink
// connectors consume with such groups, a classic way to copy a topic elsewhere.
func Connector(group string) (string, bool) {
	name, ok := strings.CutPrefix(group, "connect-")
	if !ok || name == "" {
		return "", false
	}
	return name, true
}

type tp struct {
	topic     string
	partition int32
}

type memberSeen struct{ clientID, host string }

// groupState is what the timeline knows about one group so far.
type groupState struct {
	committed  map[tp]int64
	members    map[string]Member
	generation int32
	known      bool // a generation or epoch was seen
	hostOf     map[string]string
	topics     map[string]bool // every topic committed or subscribed
	// window: members active at any time within the window, by topic ("" for unknown topics).
	window map[memberSeen]map[string]bool
}

func newGroupState() *groupState {
	return &groupState{committed: map[tp]int64{}, members: map[string]Member{}, hostOf: map[string]string{},
		topics: map[string]bool{}, window: map[memberSeen]map[string]bool{}}
}

// Build turns decoded records into a report for q. Records may come in any order; each
// group's records are replayed in the order the broker wrote them.
func Build(recs []Record, q Query) Report {
	recs = slices.Clone(recs)
	slices.SortStableFunc(recs, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.LogPartition, b.LogPartition), cmp.Compare(a.LogOffset, b.LogOffset))
	})
	b := &builder{q: q, groups: map[string]*groupState{}, sums: map[[2]string]*Summary{},
		wantGroup: set(q.Groups), wantTopic: set(q.Topics), inWindow: map[string]bool{}}
	var rep Report
	for _, r := range recs {
		rep.Records++
		if !r.Time.IsZero() && (rep.Oldest.IsZero() || r.Time.Before(rep.Oldest)) {
			rep.Oldest = r.Time
		}
		if r.Time.After(rep.Newest) {
			rep.Newest = r.Time
		}
		if len(b.wantGroup) > 0 && !b.wantGroup[r.Group] {
			continue
		}
		b.apply(r)
	}
	rep.Events = b.events
	slices.SortStableFunc(rep.Events, func(a, b Event) int { return a.Time.Compare(b.Time) })
	rep.Summaries = b.summaries()
	return rep
}

type builder struct {
	q         Query
	groups    map[string]*groupState
	events    []Event
	sums      map[[2]string]*Summary
	wantGroup map[string]bool
	wantTopic map[string]bool
	inWindow  map[string]bool // groups whose window snapshot was taken
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// when says where t falls: -1 before the window, 0 inside, 1 after.
func (b *builder) when(t time.Time) int {
	switch {
	case !b.q.From.IsZero() && t.Before(b.q.From):
		return -1
	case !b.q.To.IsZero() && t.After(b.q.To):
		return 1
	}
	return 0
}

func (b *builder) state(group string) *groupState {
	g := b.groups[group]
	if g == nil {
		g = newGroupState()
		b.groups[group] = g
	}
	return g
}

// enterWindow records the members in place when the window opens for a group.
func (b *builder) enterWindow(group string, g *groupState) {
	if b.inWindow[group] {
		return
	}
	b.inWindow[group] = true
	for _, m := range g.members {
		g.seen(m)
	}
}

func (g *groupState) seen(m Member) {
	k := memberSeen{m.ClientID, m.ClientHost}
	if g.window[k] == nil {
		g.window[k] = map[string]bool{}
	}
	topics := slices.Clone(m.Topics)
	for _, a := range m.Assigned {
		topics = append(topics, a.Topic)
	}
	if len(topics) == 0 {
		g.window[k][""] = true
	}
	for _, t := range topics {
		g.window[k][t] = true
		g.topics[t] = true
	}
}

func (b *builder) emit(g *groupState, ev Event) {
	if len(b.wantTopic) > 0 {
		if ev.Topic != "" && !b.wantTopic[ev.Topic] {
			return
		}
		if ev.Topic == "" && !b.groupReads(g) {
			return
		}
	}
	b.events = append(b.events, ev)
}

// groupReads reports whether the group has shown interest in a selected topic.
func (b *builder) groupReads(g *groupState) bool {
	for t := range g.topics {
		if b.wantTopic[t] {
			return true
		}
	}
	return false
}

func (b *builder) apply(r Record) {
	t := r.Time
	if r.Commit != nil && !r.Commit.CommitTime.IsZero() {
		t = r.Commit.CommitTime
	}
	pos := b.when(t)
	if pos > 0 {
		return
	}
	g := b.state(r.Group)
	if pos == 0 {
		b.enterWindow(r.Group, g)
	}
	live := pos == 0
	switch r.Kind {
	case KindOffsetCommit:
		b.commit(r, g, t, live)
	case KindOffsetDeleted:
		delete(g.committed, tp{r.Topic, r.Partition})
		if live {
			b.emit(g, Event{Time: t, Kind: EventOffsetDeleted, Group: r.Group, Topic: r.Topic, Partition: r.Partition})
		}
	case KindGroupMetadata:
		b.classic(r, g, t, live)
	case KindGroupEpoch:
		if live && (!g.known || g.generation != r.Epoch) {
			b.emit(g, Event{Time: t, Kind: EventGeneration, Group: r.Group, Generation: r.Epoch})
		}
		g.generation, g.known = r.Epoch, true
	case KindMemberMetadata:
		b.join(r.Group, g, *r.Member, t, live)
	case KindMemberLeft:
		if m, ok := g.members[r.MemberID]; ok {
			b.leave(r.Group, g, m, t, live)
		}
	case KindGroupDeleted:
		for _, m := range g.members {
			b.leave(r.Group, g, m, t, live)
		}
		if live {
			b.emit(g, Event{Time: t, Kind: EventGroupDeleted, Group: r.Group})
		}
		g.known = false
	}
}

func (b *builder) commit(r Record, g *groupState, t time.Time, live bool) {
	key := tp{r.Topic, r.Partition}
	prev, had := g.committed[key]
	g.committed[key] = r.Commit.Offset
	g.topics[r.Topic] = true
	if !live || (len(b.wantTopic) > 0 && !b.wantTopic[r.Topic]) {
		return
	}
	delta := int64(-1)
	if had {
		delta = r.Commit.Offset - prev
	}
	b.emit(g, Event{Time: t, Kind: EventCommit, Group: r.Group, Topic: r.Topic, Partition: r.Partition,
		Offset: r.Commit.Offset, Delta: delta})
	k := [2]string{r.Group, r.Topic}
	s := b.sums[k]
	if s == nil {
		s = &Summary{Group: r.Group, Topic: r.Topic, FirstCommit: t}
		s.Connector, _ = Connector(r.Group)
		b.sums[k] = s
	}
	s.Commits++
	s.LastCommit = t
	if !had {
		s.BeforeFirst += r.Commit.Offset
	}
	i := slices.IndexFunc(s.Ranges, func(rg Range) bool { return rg.Partition == r.Partition })
	if i < 0 {
		from := r.Commit.Offset
		if had {
			from = prev
		}
		s.Ranges = append(s.Ranges, Range{Partition: r.Partition, From: from, FromKnown: had})
		i = len(s.Ranges) - 1
	}
	s.Ranges[i].To = r.Commit.Offset
	if delta > 0 {
		s.Consumed += delta
		if s.Bytes >= 0 {
			avg := 0.0
			if b.q.AvgRecordSize != nil {
				avg = b.q.AvgRecordSize(r.Topic, r.Partition)
			}
			if avg <= 0 {
				s.Bytes = -1
			} else {
				s.Bytes += int64(float64(delta) * avg)
			}
		}
	}
}

// classic compares a classic group's new generation with the last one seen.
func (b *builder) classic(r Record, g *groupState, t time.Time, live bool) {
	c := r.Classic
	for _, m := range c.Members {
		for _, topic := range m.Topics {
			g.topics[topic] = true
		}
	}
	if live && (!g.known || g.generation != c.Generation) {
		b.emit(g, Event{Time: t, Kind: EventGeneration, Group: r.Group, Generation: c.Generation})
	}
	g.generation, g.known = c.Generation, true
	now := map[string]bool{}
	for _, m := range c.Members {
		now[m.ID] = true
		b.join(r.Group, g, m, t, live)
	}
	for id, m := range g.members {
		if !now[id] {
			b.leave(r.Group, g, m, t, live)
		}
	}
	if len(c.Members) == 0 && live {
		b.emit(g, Event{Time: t, Kind: EventGroupEmpty, Group: r.Group, Generation: c.Generation})
	}
}

// join records a member that appeared or changed; a known member with the same client and
// host is not news.
func (b *builder) join(group string, g *groupState, m Member, t time.Time, live bool) {
	old, had := g.members[m.ID]
	g.members[m.ID] = m
	if live {
		g.seen(m)
	} else {
		for _, topic := range m.Topics {
			g.topics[topic] = true
		}
	}
	prevHost, hostKnown := g.hostOf[m.ClientID]
	g.hostOf[m.ClientID] = m.ClientHost
	if !live {
		return
	}
	if !had || old.ClientHost != m.ClientHost || old.ClientID != m.ClientID {
		b.emit(g, Event{Time: t, Kind: EventMemberJoined, Group: group, Generation: g.generation, MemberID: m.ID,
			ClientID: m.ClientID, ClientHost: m.ClientHost, Topics: m.Topics})
	}
	if hostKnown && prevHost != m.ClientHost {
		b.emit(g, Event{Time: t, Kind: EventHostChanged, Group: group, MemberID: m.ID, ClientID: m.ClientID,
			ClientHost: m.ClientHost, PrevHost: prevHost})
	}
}

func (b *builder) leave(group string, g *groupState, m Member, t time.Time, live bool) {
	delete(g.members, m.ID)
	if live {
		b.emit(g, Event{Time: t, Kind: EventMemberLeft, Group: group, Generation: g.generation, MemberID: m.ID,
			ClientID: m.ClientID, ClientHost: m.ClientHost})
	}
}

// summaries fills each summary's clients and hosts from the members active in the window
// that read its topic (or whose topics are unknown) and sorts them.
func (b *builder) summaries() []Summary {
	out := make([]Summary, 0, len(b.sums))
	for _, s := range b.sums {
		g := b.groups[s.Group]
		clients, hosts := map[string]bool{}, map[string]bool{}
		for k, topics := range g.window {
			if topics[s.Topic] || topics[""] {
				clients[k.clientID] = true
				hosts[k.host] = true
			}
		}
		s.ClientIDs, s.Hosts = sortedSet(clients), sortedSet(hosts)
		slices.SortFunc(s.Ranges, func(a, b Range) int { return cmp.Compare(a.Partition, b.Partition) })
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Summary) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Topic, b.Topic))
	})
	return out
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
