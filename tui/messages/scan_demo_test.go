package messages

import (
	"strings"
	"testing"

	"github.com/kpeek/kpeek/kafka/demo"
	"github.com/kpeek/kpeek/tui/common"
)

// The scan key on the demo cluster's topics: crm.customers holds cards and e-mail
// addresses, erp.supply.shipments nothing regulated; no card number reaches the screen.
func TestDemoScan(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo cluster")
	}
	ctx := t.Context()
	client, dec := demoReader(t)
	d := newDriver(t)
	scanOf := func(name string) Model {
		topic, err := client.Topic(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		c := common.New(nil)
		c.Width, c.Height = 100, 30
		m := New(c, Source{Reader: client, Decoder: dec, Topic: topic, ClusterName: "demo"}).SetSize(100, 30)
		t.Cleanup(m.Close)
		m = d.step(m, press("enter"), func(m Model) bool { return m.rd.id > 0 && !m.rd.live && !m.rd.starting })
		if m.rd.err != nil || m.store.Len() == 0 {
			t.Fatalf("%s: read %d records, err %v", name, m.store.Len(), m.rd.err)
		}
		return d.step(m, press("S"), func(m Model) bool { return m.scan.done })
	}

	m := scanOf(demo.TopicCustomers)
	r := m.scan.report
	if r.Scanned != int64(m.store.Len()) || !strings.Contains(r.Verdict(), "PCI, PII found") {
		t.Fatalf("crm.customers: scanned %d of %d, verdict %q", r.Scanned, m.store.Len(), r.Verdict())
	}
	v := plain(m)
	for _, want := range []string{"card_number", "email", "PCI, PII found in"} {
		if !strings.Contains(v, want) {
			t.Errorf("crm.customers report lacks %q:\n%s", want, v)
		}
	}
	pans := []string{"4111111111111111", "5555555555554444", "378282246310005", "4012888888881881", "6011111111111117", "5105105105105100"}
	closed, _ := m.Update(press("esc"))
	dm := d.step(closed, press("enter"), func(m Model) bool { return m.detail.loaded })
	if !strings.Contains(plain(dm), "detected") || !strings.Contains(plain(dm), "── value") {
		t.Fatalf("detail:\n%s", plain(dm))
	}
	for _, pan := range pans {
		if strings.Contains(v, pan) {
			t.Fatalf("the report shows card %s unmasked:\n%s", pan, v)
		}
		if det := plain(dm); strings.Contains(det[:strings.Index(det, "── value")], pan) {
			t.Fatalf("the detail's detected section shows card %s unmasked:\n%s", pan, det)
		}
	}

	m = scanOf(demo.TopicShipments)
	if r := m.scan.report; len(r.Fields) != 0 || !strings.Contains(plain(m), "no regulated data found") {
		t.Fatalf("erp.supply.shipments: fields %+v\n%s", r.Fields, plain(m))
	}
}
