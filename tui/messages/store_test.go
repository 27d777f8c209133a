package messages

import (
	"testing"

	"github.com/kpeek/kpeek/kafka"
)

func TestStoreCapDropsOldestAndKeepsSnapshots(t *testing.T) {
	s := newStore(chunkSize + 10)
	fill(s, chunkSize)
	snap := s.Snapshot()
	firstValue := string(snap.At(0).Value)
	if dropped := s.Append(sample()[:100]); dropped != 90 {
		t.Fatalf("dropped %d, want 90", dropped)
	}
	if s.Len() != chunkSize+10 || s.First() != 90 || s.End() != chunkSize+100 {
		t.Fatalf("len %d first %d end %d", s.Len(), s.First(), s.End())
	}
	if s.At(89) != nil || s.At(90) == nil || s.At(s.End()) != nil {
		t.Error("At answers outside the live range")
	}
	if string(snap.At(0).Value) != firstValue {
		t.Error("a snapshot changed under a later append and drop")
	}
	for range chunkSize / 1000 {
		s.Append(sample())
	}
	s.Append(sample()[:chunkSize%1000])
	if len(s.chunks) != 2 || s.First() != chunkSize+100-10 {
		t.Errorf("whole dropped chunks are not released: %d chunks, first %d", len(s.chunks), s.First())
	}
	if string(snap.At(0).Value) != firstValue {
		t.Error("a snapshot lost its records when the store released their chunk")
	}
}

func TestStoreCopiesBytesAndKeepsNils(t *testing.T) {
	s := newStore(10)
	key, val := []byte("k"), []byte(`{"a":1}`)
	s.Append([]kafka.Record{{Key: key, Value: val, Headers: []kafka.Header{{Key: "h", Value: nil}}}, {}})
	key[0], val[0] = 'X', 'X'
	r := s.At(0)
	if string(r.Key) != "k" || string(r.Value) != `{"a":1}` {
		t.Errorf("the store shares the reader's bytes: %q %q", r.Key, r.Value)
	}
	if r.Headers[0].Value != nil || s.At(1).Key != nil || s.At(1).Value != nil {
		t.Error("a null key, tombstone or null header became empty bytes")
	}
	s.Reset()
	if s.Len() != 0 || s.First() != 2 || s.At(0) != nil {
		t.Errorf("after reset: len %d first %d", s.Len(), s.First())
	}
}

func TestStoreClassesSurviveDropsAndIgnoreDeadSeqs(t *testing.T) {
	s := newStore(100)
	fill(s, 100)
	classes := make([]uint8, 120)
	for i := range classes {
		classes[i] = classRebuild
	}
	s.SetClasses(-10, classes)
	snap := s.Snapshot()
	if snap.Class(0) != classRebuild || snap.Class(99) != classRebuild {
		t.Error("classes not recorded")
	}
	s.SetClasses(5, []uint8{classUnknown, classDecode})
	if now := s.Snapshot(); now.Class(5) != classRebuild || now.Class(6) != classDecode {
		t.Error("an unknown class overwrote a known one, or a class was lost")
	}
	if snap.Class(6) != classRebuild {
		t.Error("a snapshot saw a later class change")
	}
}
