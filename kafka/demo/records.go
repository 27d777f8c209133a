package demo

import (
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Record counts of the plainer topics.
const (
	customersCount = 240
	loginsCount    = 1200
	burstFailures  = 40
	auditCount     = 900
	telemetryCount = 400
)

// BigCustomerNumber is the customer_number that does not fit in an int64; decoders must
// keep its digits.
const BigCustomerNumber = "12345678901234567890"

type customer struct {
	CustomerID     string      `json:"customer_id"`
	CustomerNumber json.Number `json:"customer_number"`
	Name           string      `json:"name"`
	Email          string      `json:"email"`
	Phone          string      `json:"phone,omitempty"`
	Card           *card       `json:"card,omitempty"`
	Country        string      `json:"country"`
	VIP            bool        `json:"vip"`
	UpdatedAt      string      `json:"updated_at"`
}

type card struct {
	PAN    string `json:"pan"`
	Expiry string `json:"expiry"`
	Holder string `json:"holder"`
}

// customers returns the JSON Schema customers: the regulated data.
func (s *seeder) customers() ([]*kgo.Record, error) {
	first := []string{"Anna", "Luca", "Sophie", "Jonas", "Emma", "Noah", "Mia", "Liam", "Chloé", "Mateo", "Sara", "Oskar"}
	last := []string{"Keller", "Rossi", "Martin", "Müller", "Dubois", "Jansen", "García", "Virtanen", "Smith", "Novak"}
	pans := []string{"4111111111111111", "5555555555554444", "378282246310005", "4012888888881881", "6011111111111117", "5105105105105100"}
	countries := []string{"DE", "FR", "IT", "NL", "CH", "GB", "FI", "ES"}
	base, _ := new(big.Int).SetString(BigCustomerNumber, 10)
	times := s.times(customersCount)
	out := make([]*kgo.Record, 0, len(times))
	for i, ts := range times {
		name := pick(s, first) + " " + pick(s, last)
		c := customer{
			CustomerID:     fmt.Sprintf("C-%06d", 100000+i),
			CustomerNumber: json.Number(new(big.Int).Add(base, big.NewInt(int64(i))).String()),
			Name:           name,
			Email:          fmt.Sprintf("%s.%d@example.com", asciiLower(name), i),
			Phone:          fmt.Sprintf("+49 30 %07d", s.rng.IntN(1e7)),
			Country:        pick(s, countries),
			VIP:            s.rng.IntN(10) == 0,
			UpdatedAt:      ts.UTC().Format(time.RFC3339Nano),
		}
		if s.rng.IntN(5) != 0 {
			c.Card = &card{PAN: pick(s, pans), Expiry: fmt.Sprintf("%02d/%02d", 1+s.rng.IntN(12), 27+s.rng.IntN(5)), Holder: name}
		}
		body, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("encode customer %s: %w", c.CustomerID, err)
		}
		out = append(out, &kgo.Record{
			Topic:     TopicCustomers,
			Key:       []byte(c.CustomerID),
			Value:     confluentFrame(s.ids.Customers, body),
			Timestamp: ts,
			Headers:   s.headers("crm-core", "application/vnd.confluent.jsonschema"),
		})
	}
	assignPartitions(out, 2)
	return out, nil
}

// asciiLower keeps the ASCII letters of name, lower-cased, with dots for spaces.
func asciiLower(name string) string {
	b := make([]byte, 0, len(name))
	for _, r := range name {
		switch {
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r-'A'+'a'))
		case r >= 'a' && r <= 'z':
			b = append(b, byte(r))
		case r == ' ':
			b = append(b, '.')
		}
	}
	return string(b)
}

type login struct {
	User      string `json:"user"`
	IP        string `json:"ip"`
	Result    string `json:"result"`
	Method    string `json:"method"`
	Reason    string `json:"reason,omitempty"`
	UserAgent string `json:"user_agent"`
	Session   string `json:"session_id,omitempty"`
}

// logins returns a day of ordinary logins plus the incident: a burst of failures for
// IncidentUser from IncidentIP about six hours ago, then a success from the same address.
func (s *seeder) logins() ([]*kgo.Record, error) {
	users := []string{"mkeller", "jdupont", IncidentUser, "aruiz", "tnguyen", "svc-erp", "svc-backup", "ebrown", "pnovak"}
	agents := []string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)", "kafka-client/3.7", "curl/8.5.0"}
	out := make([]*kgo.Record, 0, loginsCount+burstFailures+1)
	add := func(ts time.Time, l login) error {
		body, err := json.Marshal(l)
		if err != nil {
			return fmt.Errorf("encode login of %s: %w", l.User, err)
		}
		out = append(out, &kgo.Record{
			Topic: TopicLogins, Key: []byte(l.User), Value: body, Timestamp: ts,
			Headers: s.headers("idp", "application/json"),
		})
		return nil
	}
	for _, ts := range s.times(loginsCount) {
		l := login{User: pick(s, users), IP: fmt.Sprintf("10.20.%d.%d", s.rng.IntN(8), 2+s.rng.IntN(250)),
			Result: "success", Method: pick(s, []string{"password", "sso", "mfa"}), UserAgent: pick(s, agents)}
		if s.rng.IntN(15) == 0 {
			l.Result, l.Reason = "failure", pick(s, []string{"bad_password", "mfa_timeout", "locked"})
		} else {
			l.Session = s.uuid()
		}
		if err := add(ts, l); err != nil {
			return nil, err
		}
	}
	// The incident: a password spray against one account, four minutes long, then a hit.
	start := s.now.Add(-incidentAgo).Truncate(time.Second)
	for i := range burstFailures {
		ts := start.Add(time.Duration(i)*6*time.Second + time.Duration(s.rng.IntN(900))*time.Millisecond)
		if err := add(ts, login{User: IncidentUser, IP: IncidentIP, Result: "failure", Reason: "bad_password",
			Method: "password", UserAgent: "python-requests/2.31"}); err != nil {
			return nil, err
		}
	}
	ok := login{User: IncidentUser, IP: IncidentIP, Result: "success", Method: "password",
		UserAgent: "python-requests/2.31", Session: s.uuid()}
	if err := add(start.Add(burstFailures*6*time.Second+11*time.Second), ok); err != nil {
		return nil, err
	}
	assignPartitions(out, 2)
	return out, nil
}

// audit returns ERP audit log lines, with the intruder's reads among them.
func (s *seeder) audit() []*kgo.Record {
	users := []string{"mkeller", "jdupont", "aruiz", "svc-erp", "svc-erp", "svc-backup"}
	actions := []string{"VIEW", "VIEW", "UPDATE", "APPROVE", "EXPORT", "LOGIN"}
	objects := []string{"purchasing.order", "supply.shipment", "crm.customer", "finance.invoice", "masterdata.supplier"}
	out := make([]*kgo.Record, 0, auditCount+3)
	line := func(ts time.Time, level, user, action, object, src string, rows int) {
		text := fmt.Sprintf("%s %-5s erp-audit: user=%s action=%s object=%s rows=%d src=%s",
			ts.UTC().Format(time.RFC3339), level, user, action, object, rows, src)
		out = append(out, &kgo.Record{Topic: TopicAudit, Value: []byte(text), Timestamp: ts,
			Headers: s.headers("erp-audit", "text/plain; charset=utf-8")})
	}
	for _, ts := range s.times(auditCount) {
		line(ts, "INFO", pick(s, users), pick(s, actions), pick(s, objects),
			fmt.Sprintf("10.20.%d.%d", s.rng.IntN(8), 2+s.rng.IntN(250)), s.rng.IntN(50))
	}
	in := s.now.Add(-incidentAgo + 5*time.Minute)
	line(in, "WARN", IncidentUser, "LOGIN", "session", IncidentIP, 0)
	line(in.Add(2*time.Minute), "INFO", IncidentUser, "EXPORT", "purchasing.order", IncidentIP, 900)
	line(in.Add(3*time.Minute), "INFO", IncidentUser, "EXPORT", "supply.shipment", IncidentIP, 480)
	assignPartitions(out, 1)
	return out
}

// telemetry returns opaque binary sensor frames.
func (s *seeder) telemetry() []*kgo.Record {
	out := make([]*kgo.Record, 0, telemetryCount)
	for _, ts := range s.times(telemetryCount) {
		v := make([]byte, 16+s.rng.IntN(240))
		for i := range v {
			v[i] = byte(s.rng.UintN(256))
		}
		v[0], v[1] = 0xCA, 0xFE // the vendor's frame magic; the rest is opaque
		out = append(out, &kgo.Record{
			Topic: TopicTelemetry, Key: fmt.Appendf(nil, "sensor-%03d", s.rng.IntN(40)), Value: v, Timestamp: ts,
			Headers: s.headers("plc-gateway", "application/octet-stream"),
		})
	}
	assignPartitions(out, 2)
	return out
}
