package config

import "testing"

func TestSocketTimeoutProperty(t *testing.T) {
	var cfg Cluster
	if cfg.SocketTimeout() != defaultSocketTimeout {
		t.Errorf("default = %v", cfg.SocketTimeout())
	}
	if err := ParseProperties(&cfg, map[string]string{"socket.timeout.ms": "2500"}); err != nil || cfg.SocketTimeout().Milliseconds() != 2500 {
		t.Errorf("socket.timeout.ms=2500: %v, %v", cfg.SocketTimeout(), err)
	}
	for _, bad := range []string{"0", "-5", "10s"} {
		if err := ParseProperties(&cfg, map[string]string{"request.timeout.ms": bad}); err == nil {
			t.Errorf("request.timeout.ms=%s accepted", bad)
		}
	}
}
