package demo

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TakeoverCustomer is the customer whose e-mail the intruder changed, from IncidentIP,
// minutes after the stolen login: the address leaves a trail outside auth.logins.
const TakeoverCustomer = "C-100042"

// IncidentWindow is the hour the scenario's intrusion happens in, for a scenario seeded at
// now: IncidentIP appears inside it (auth.logins, erp.audit, crm.customers) and nowhere else.
func IncidentWindow(now time.Time) (from, to time.Time) {
	from = now.Add(-incidentAgo).Truncate(time.Second)
	return from, from.Add(time.Hour)
}

// incidentTrail adds the intruder's account takeover to records: an update of
// TakeoverCustomer through the CRM's web front end, its client address in a header.
func (s *seeder) incidentTrail(records []*kgo.Record) ([]*kgo.Record, error) {
	from, _ := IncidentWindow(s.now)
	ts := from.Add(12 * time.Minute)
	c := customer{CustomerID: TakeoverCustomer, CustomerNumber: "12345678901234567932", Name: "Emma Keller",
		Email: "emma.keller@drop.example", Country: "DE", VIP: true, UpdatedAt: ts.UTC().Format(time.RFC3339Nano)}
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode customer %s: %w", c.CustomerID, err)
	}
	rec := &kgo.Record{Topic: TopicCustomers, Key: []byte(c.CustomerID), Value: confluentFrame(s.ids.Customers, body),
		Timestamp: ts, Headers: []kgo.RecordHeader{
			{Key: "source", Value: []byte("crm-web")},
			{Key: "client_ip", Value: []byte(IncidentIP)},
			{Key: "actor", Value: []byte(IncidentUser)},
		}}
	assignPartitions([]*kgo.Record{rec}, 2)
	return insertInTimeOrder(records, rec), nil
}

// insertInTimeOrder puts rec before the first record of its partition that is later, so
// each partition stays in time order and a window read by timestamp finds it.
func insertInTimeOrder(records []*kgo.Record, rec *kgo.Record) []*kgo.Record {
	at := len(records)
	for i, r := range records {
		if r.Topic == rec.Topic && r.Partition == rec.Partition && r.Timestamp.After(rec.Timestamp) {
			at = i
			break
		}
	}
	return slices.Insert(records, at, rec)
}
