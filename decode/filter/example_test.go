package filter_test

import (
	"fmt"
	"time"

	"github.com/kpeek/kpeek/decode"
	"github.com/kpeek/kpeek/decode/filter"
)

func ExampleCompile() {
	order := &decode.Envelope{
		Topic: "erp.purchasing.orders", Partition: 1, Offset: 7,
		Timestamp: time.Date(2026, 11, 26, 2, 14, 7, 0, time.UTC),
		Key:       decode.Decoded{JSON: []byte(`"4500010017"`), Encoding: decode.EncodingString, Raw: []byte("4500010017")},
		Value: decode.Decoded{Encoding: decode.EncodingAvro,
			JSON: []byte(`{"order_id":4500010017,"supplier":{"name":"Lyon Précision SA"},"amount":"50436.78"}`)},
		Headers: []decode.HeaderValue{{Key: "source", Value: decode.Decoded{JSON: []byte(`"sap-purchasing"`), Encoding: decode.EncodingString}}},
	}
	for _, expr := range []string{
		"lyon précision",
		"/^4500\\d+$/",
		`value.amount > 10000 && headers.source == "sap-purchasing"`,
		`value.supplier.name.startsWith("Acme")`,
		`timestamp > timestamp("2026-11-26T02:00:00Z")`,
	} {
		f, err := filter.Compile(expr)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-5s %-5v %s\n", f.Kind(), f.Match(order), expr)
	}
	_, err := filter.Compile(`value.amount >`)
	fmt.Println(err)
	// Output:
	// text  true  lyon précision
	// regex true  /^4500\d+$/
	// CEL   true  value.amount > 10000 && headers.source == "sap-purchasing"
	// CEL   false value.supplier.name.startsWith("Acme")
	// CEL   true  timestamp > timestamp("2026-11-26T02:00:00Z")
	// CEL: column 15: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}
}
