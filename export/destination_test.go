package export

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpeek/kpeek/config"
	"github.com/kpeek/kpeek/kafka"
)

func TestResolveHEC(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "tok")
	os.WriteFile(tokenFile, []byte(" from-file \n"), 0o600)
	conf := &config.Splunk{URL: "https://splunk:8088/services/collector/event", Index: "ir", Sourcetype: "kafka",
		Source: "", CAFile: "/ca.pem", Token: "${KPEEK_TEST_CONF_TOKEN}"}
	t.Setenv("KPEEK_TEST_CONF_TOKEN", "from-config")
	for _, tc := range []struct {
		name    string
		target  HECTarget
		env     string
		want    HECOptions // only the fields checked
		wantErr error
		errText string
	}{
		{name: "default takes the config", target: HECTarget{Options: HECOptions{URL: "default", Sourcetype: "_json"}, Config: conf, Cluster: "prod", Topic: "t"},
			want: HECOptions{URL: conf.URL, Index: "ir", Sourcetype: "kafka", Source: "kafka:prod:t", CAFile: "/ca.pem", Token: "from-config"}},
		{name: "empty URL takes the config (explorer)", target: HECTarget{Config: conf, Cluster: "prod", Topic: "t"},
			want: HECOptions{URL: conf.URL, Index: "ir", Sourcetype: "kafka", Source: "kafka:prod:t", CAFile: "/ca.pem", Token: "from-config"}},
		{name: "given index wins", target: HECTarget{Options: HECOptions{URL: "default", Index: "other"}, Config: conf, Cluster: "c", Topic: "t"},
			want: HECOptions{URL: conf.URL, Index: "other", Sourcetype: "kafka", Source: "kafka:c:t", CAFile: "/ca.pem", Token: "from-config"}},
		{name: "another URL keeps its own settings", target: HECTarget{Options: HECOptions{URL: "https://x/services/collector/event"}, Config: conf, Cluster: "c", Topic: "t"},
			want: HECOptions{URL: "https://x/services/collector/event", Source: "kafka:c:t", Token: "from-config"}},
		{name: "token file first", target: HECTarget{Options: HECOptions{URL: "default"}, Config: conf, TokenFile: tokenFile, Typed: "typed"}, env: "from-env",
			want: HECOptions{URL: conf.URL, Index: "ir", Sourcetype: "kafka", Source: "kafka::", CAFile: "/ca.pem", Token: "from-file"}},
		{name: "typed before environment", target: HECTarget{Options: HECOptions{URL: "default"}, Config: conf, Typed: " typed "}, env: "from-env",
			want: HECOptions{URL: conf.URL, Index: "ir", Sourcetype: "kafka", Source: "kafka::", CAFile: "/ca.pem", Token: "typed"}},
		{name: "environment before config", target: HECTarget{Options: HECOptions{URL: "default"}, Config: conf}, env: "from-env",
			want: HECOptions{URL: conf.URL, Index: "ir", Sourcetype: "kafka", Source: "kafka::", CAFile: "/ca.pem", Token: "from-env"}},
		{name: "no URL anywhere", target: HECTarget{}, wantErr: ErrNoHECURL},
		{name: "default without config", target: HECTarget{Options: HECOptions{URL: "default"}, Cluster: "prod"}, errText: `--splunk default: cluster "prod"`},
		{name: "no token anywhere", target: HECTarget{Options: HECOptions{URL: "https://x"}}, wantErr: ErrNoHECToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(TokenEnv, tc.env)
			got, err := ResolveHEC(tc.target)
			switch {
			case tc.wantErr != nil || tc.errText != "":
				if err == nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("err = %v, want %v %q", err, tc.wantErr, tc.errText)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if !filepath.IsAbs(got.SpoolDir) {
				t.Errorf("spool folder %q is not absolute", got.SpoolDir)
			}
			got.SpoolDir = ""
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestSelectionTotal(t *testing.T) {
	r := []kafka.PartitionRange{{Start: 0, End: 10}, {Start: 5, End: 5}, {Start: 3, End: -1}, {Start: 2, End: 7}}
	if got := SelectionTotal(r, 0); got != 15 {
		t.Errorf("total = %d, want 15", got)
	}
	if got := SelectionTotal(r, 4); got != 4 {
		t.Errorf("total with max 4 = %d", got)
	}
}

func TestDefaultFileNameIsFresh(t *testing.T) {
	t.Chdir(t.TempDir())
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	first := DefaultFileName("auth/logins", "ndjson", now)
	if first != "auth_logins-20261126T020000Z.ndjson" {
		t.Fatalf("name = %q", first)
	}
	os.WriteFile(first, nil, 0o600)
	if second := DefaultFileName("auth/logins", "ndjson", now); second != "auth_logins-20261126T020000Z-2.ndjson" {
		t.Errorf("second name in the same second = %q", second)
	}
	if b := DefaultFileName("t", "bundle", now); b != "t-20261126T020000Z" {
		t.Errorf("bundle name = %q", b)
	}
}
