package demo

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The scenario's regulated data beyond crm.customers (JSON Schema, cards and e-mail):
// a few purchase orders, Avro like the rest of erp.purchasing.orders, whose notes hold
// a JSON document (a string inside the Avro record) asking to change a supplier's bank
// account — the payment-diversion step of the incident, with an IBAN, an e-mail address
// and a phone number in it. erp.supply.shipments looks similar (addresses, ids,
// tracking numbers) and holds none.

// bankChangeCount is how many orders carry a bank-change request.
const bankChangeCount = 5

// bankChangeIBANs are valid IBANs (the published examples of their countries' banks).
var bankChangeIBANs = []string{"DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "NL91 ABNA 0417 1643 00",
	"CH93 0076 2011 6238 5295 7", "FR14 2004 1010 0505 0001 3M02 606"}

// bankChange is the JSON document an order's notes carry.
type bankChange struct {
	Request     string `json:"request"`
	Supplier    string `json:"supplier"`
	NewIBAN     string `json:"new_iban"`
	RequestedBy string `json:"requested_by"`
	Callback    string `json:"callback"`
	EnteredBy   string `json:"entered_by"`
}

// bankChangeOrders returns the orders with bank-change notes, written with schema v2 in
// the last minute, after every other order.
func (s *seeder) bankChangeOrders() ([]*kgo.Record, error) {
	v2, err := parseAvro(OrdersV2File)
	if err != nil {
		return nil, err
	}
	out := make([]*kgo.Record, 0, bankChangeCount)
	for i := range bankChangeCount {
		ts := s.now.Add(-time.Minute + time.Duration(i+1)*5*time.Second).Truncate(time.Millisecond)
		o := s.order(int64(4500019000+i), ts)
		note, err := json.Marshal(bankChange{
			Request:     "change supplier bank details before next payment run",
			Supplier:    o.Supplier.Name,
			NewIBAN:     bankChangeIBANs[i%len(bankChangeIBANs)],
			RequestedBy: fmt.Sprintf("accounts.payable%d@supplier-billing.example", i),
			Callback:    fmt.Sprintf("+44 20 7946 %04d", 100+s.rng.IntN(9000)),
			EnteredBy:   IncidentUser,
		})
		if err != nil {
			return nil, fmt.Errorf("encode bank change note: %w", err)
		}
		text := string(note)
		o.Notes, o.ApprovedBy = &text, IncidentUser
		payload, err := avro.Marshal(v2, o)
		if err != nil {
			return nil, fmt.Errorf("encode order %d: %w", o.OrderID, err)
		}
		out = append(out, &kgo.Record{
			Topic:     TopicOrders,
			Key:       []byte(strconv.FormatInt(o.OrderID, 10)),
			Value:     confluentFrame(s.ids.OrdersV2, payload),
			Timestamp: ts,
			Headers:   s.headers("sap-purchasing", "application/vnd.confluent.avro"),
		})
	}
	assignPartitions(out, 3)
	return out, nil
}
