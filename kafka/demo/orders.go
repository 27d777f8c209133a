package demo

import (
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// avroOrder mirrors orders-v2.avsc; encoding with v1 ignores ApprovedBy.
type avroOrder struct {
	OrderID    int64        `avro:"order_id"`
	Supplier   avroSupplier `avro:"supplier"`
	Lines      []avroLine   `avro:"lines"`
	Amount     *big.Rat     `avro:"amount"`
	Currency   string       `avro:"currency"`
	Status     string       `avro:"status"`
	CreatedAt  time.Time    `avro:"created_at"`
	OrderUUID  string       `avro:"order_uuid"`
	Notes      *string      `avro:"notes"`
	ApprovedBy string       `avro:"approved_by"`
}

type avroSupplier struct {
	Name    string `avro:"name"`
	Country string `avro:"country"`
}

type avroLine struct {
	SKU       string   `avro:"sku"`
	Qty       int32    `avro:"qty"`
	UnitPrice *big.Rat `avro:"unit_price"`
}

// ordersPerPartition is how many orders each of the three partitions holds (about).
const ordersPerPartition = 300

// v2Share is the fraction of orders, the newest, written with schema v2.
const v2Share = 0.4

// parseAvro parses one embedded Avro schema with its own cache, so v1 and v2 (which
// share type names) do not collide in hamba's global cache.
func parseAvro(file string) (avro.Schema, error) {
	text, err := readSchema(file)
	if err != nil {
		return nil, err
	}
	sc, err := avro.ParseWithCache(text, "", &avro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("parse avro schema %s: %w", file, err)
	}
	return sc, nil
}

// orders returns the purchase orders: older ones framed with v1's id, newer with v2's.
func (s *seeder) orders() ([]*kgo.Record, error) {
	v1, err := parseAvro(OrdersV1File)
	if err != nil {
		return nil, err
	}
	v2, err := parseAvro(OrdersV2File)
	if err != nil {
		return nil, err
	}
	n := 3 * ordersPerPartition
	times := s.times(n)
	firstV2 := n - int(float64(n)*v2Share)
	out := make([]*kgo.Record, 0, n)
	for i, ts := range times {
		o := s.order(int64(4500010000+i), ts)
		schema, id := v1, s.ids.OrdersV1
		if i >= firstV2 {
			schema, id = v2, s.ids.OrdersV2
		}
		payload, err := avro.Marshal(schema, o)
		if err != nil {
			return nil, fmt.Errorf("encode order %d: %w", o.OrderID, err)
		}
		out = append(out, &kgo.Record{
			Topic:     TopicOrders,
			Key:       []byte(strconv.FormatInt(o.OrderID, 10)),
			Value:     confluentFrame(id, payload),
			Timestamp: ts,
			Headers:   s.headers("sap-purchasing", "application/vnd.confluent.avro"),
		})
	}
	assignPartitions(out, 3)
	return out, nil
}

// encodeOrder returns one Avro-encoded order body (no Confluent header) for the given
// schema file (OrdersV1File or OrdersV2File); the hostile topic cuts one short.
func (s *seeder) encodeOrder(file string, id int64) ([]byte, error) {
	sc, err := parseAvro(file)
	if err != nil {
		return nil, err
	}
	b, err := avro.Marshal(sc, s.order(id, s.now.Add(-time.Hour)))
	if err != nil {
		return nil, fmt.Errorf("encode order %d: %w", id, err)
	}
	return b, nil
}

func (s *seeder) order(id int64, ts time.Time) avroOrder {
	suppliers := []avroSupplier{
		{"Nordwerk Stahl GmbH", "DE"}, {"Lyon Précision SA", "FR"}, {"Acme Fasteners Ltd", "GB"},
		{"Basel Chemie AG", "CH"}, {"Great Lakes Polymers Inc", "US"}, {"Tampere Optics Oy", "FI"},
		{"Milano Valvole S.p.A.", "IT"}, {"Rotterdam Bulk BV", "NL"},
	}
	currencies := map[string]string{"DE": "EUR", "FR": "EUR", "GB": "GBP", "CH": "CHF", "US": "USD", "FI": "EUR", "IT": "EUR", "NL": "EUR"}
	statuses := []string{"DRAFT", "APPROVED", "APPROVED", "SENT", "SENT", "SENT", "RECEIVED", "RECEIVED", "CANCELLED"}
	approvers := []string{"mkeller", "jdupont", IncidentUser, "svc-erp", "aruiz"}

	sup := pick(s, suppliers)
	bulk := s.rng.IntN(8) == 0 // about one order in eight is a bulk order above 10 000
	lines := make([]avroLine, 1+s.rng.IntN(4))
	total := new(big.Rat)
	for i := range lines {
		qty := int32(1 + s.rng.IntN(40))
		if bulk {
			qty = int32(200 + s.rng.IntN(800))
		}
		price := big.NewRat(int64(150+s.rng.IntN(12000)), 100)
		lines[i] = avroLine{SKU: fmt.Sprintf("SKU-%05d", s.rng.IntN(100000)), Qty: qty, UnitPrice: price}
		total.Add(total, new(big.Rat).Mul(price, big.NewRat(int64(qty), 1)))
	}
	o := avroOrder{
		OrderID:    id,
		Supplier:   sup,
		Lines:      lines,
		Amount:     total,
		Currency:   currencies[sup.Country],
		Status:     pick(s, statuses),
		CreatedAt:  ts.Add(-time.Duration(s.rng.IntN(3600)) * time.Second),
		OrderUUID:  s.uuid(),
		ApprovedBy: pick(s, approvers),
	}
	if s.rng.IntN(4) == 0 {
		note := pick(s, []string{"urgent: line stop risk", "split delivery allowed", "price per framework contract 2026", "call before delivery"})
		o.Notes = &note
	}
	return o
}
