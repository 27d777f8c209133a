package demo

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
)

// TestBankChangeOrders: a few Avro orders carry, in their notes, a JSON bank-change
// request with an IBAN, an e-mail address and a phone number; they are the newest
// orders of their partitions, so time order per partition holds.
func TestBankChangeOrders(t *testing.T) {
	c, cl := startDemo(t, WithoutLiveMember())
	v2, err := parseAvro(OrdersV2File)
	if err != nil {
		t.Fatal(err)
	}
	var notes []bankChange
	last := map[int32]int64{}
	for _, r := range readAll(t, t.Context(), cl, TopicOrders) {
		if ms := r.Timestamp.UnixMilli(); ms < last[r.Partition] {
			t.Errorf("partition %d offset %d goes back in time", r.Partition, r.Offset)
		} else {
			last[r.Partition] = ms
		}
		if frameID(t, r.Value) != c.SchemaIDs().OrdersV2 {
			continue
		}
		var o avroOrder
		if err := avro.Unmarshal(v2, r.Value[5:], &o); err != nil {
			t.Fatal(err)
		}
		if o.Notes == nil || !strings.HasPrefix(*o.Notes, "{") {
			continue
		}
		var bc bankChange
		if err := json.Unmarshal([]byte(*o.Notes), &bc); err != nil {
			t.Fatalf("notes of order %d: %v", o.OrderID, err)
		}
		notes = append(notes, bc)
	}
	if len(notes) != bankChangeCount {
		t.Fatalf("%d orders carry a bank change, want %d", len(notes), bankChangeCount)
	}
	for _, bc := range notes {
		if bc.NewIBAN == "" || !strings.Contains(bc.RequestedBy, "@") || !strings.HasPrefix(bc.Callback, "+") || bc.EnteredBy != IncidentUser {
			t.Errorf("bank change %+v", bc)
		}
	}
}
