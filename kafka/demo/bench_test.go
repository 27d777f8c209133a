package demo

import "testing"

// BenchmarkStart measures a whole demo start: broker, registry, seeding (about 4 300
// records, one of them 2 MB), offsets, ACLs and the live member joining; and Close.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		c, err := Start(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkScenarioRecords measures building the records alone, without a broker.
func BenchmarkScenarioRecords(b *testing.B) {
	for b.Loop() {
		if _, err := scenarioRecords(b.Context(), newSeeder(testNow, SchemaIDs{1, 2, 3, 4, 5})); err != nil {
			b.Fatal(err)
		}
	}
}
