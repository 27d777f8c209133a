package demo

import (
	"bytes"
	"testing"
)

func TestIncidentIPOnlyInsideTheIncidentHour(t *testing.T) {
	recs, err := scenarioRecords(t.Context(), newSeeder(testNow, SchemaIDs{1, 2, 3, 4, 5}))
	if err != nil {
		t.Fatal(err)
	}
	from, to := IncidentWindow(testNow)
	ip := []byte(IncidentIP)
	topics := map[string]int{}
	last := map[string]map[int32]int64{} // per partition, the previous record's time, to check order
	for _, r := range recs {
		has := bytes.Contains(r.Key, ip) || bytes.Contains(r.Value, ip)
		for _, h := range r.Headers {
			has = has || bytes.Contains(h.Value, ip)
		}
		if has {
			if r.Timestamp.Before(from) || r.Timestamp.After(to) {
				t.Errorf("%s record at %v carries %s outside the incident hour %v..%v", r.Topic, r.Timestamp, IncidentIP, from, to)
			}
			topics[r.Topic]++
		}
		if r.Topic == TopicCustomers {
			if last[r.Topic] == nil {
				last[r.Topic] = map[int32]int64{}
			}
			if ms := r.Timestamp.UnixMilli(); ms < last[r.Topic][r.Partition] {
				t.Errorf("crm.customers partition %d goes back in time at %v", r.Partition, r.Timestamp)
			} else {
				last[r.Topic][r.Partition] = ms
			}
		}
	}
	if topics[TopicLogins] != 41 || topics[TopicAudit] != 3 || topics[TopicCustomers] != 1 || len(topics) != 3 {
		t.Errorf("records carrying %s per topic = %v, want logins 41, audit 3, customers 1", IncidentIP, topics)
	}
}
