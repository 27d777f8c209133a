package scan

import (
	"encoding/base64"
	"regexp"
	"strings"
	"sync"
)

// tokenRule finds one well-known token format. The rules are a subset of gitleaks'
// default rule set (github.com/gitleaks/gitleaks, config/gitleaks.toml at v8.30.1, MIT
// licence): the formats with a fixed, distinctive prefix, kept with gitleaks' rule ids
// and regular expressions. gitleaks itself is not linked in: as a library it brings
// some 65 modules (archive readers, viper, a process-wide zerolog logger that writes
// to stderr) into a package that must not print.
type tokenRule struct {
	id      string
	keyword string // a literal every match contains; the regexp only runs when it is present
	re      *regexp.Regexp
}

// tokenRules are tried in order; a rule's first submatch, when it has one, is the token.
// They are compiled at first use, not at start-up: most commands never scan.
var tokenRules = sync.OnceValue(func() []tokenRule {
	end := `(?:[\x60'"\s;,]|\\[nr]|$)`
	rules := []struct{ id, keyword, re string }{
		{"aws-access-token", "", `\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`},
		{"github-pat", "ghp_", `ghp_[0-9a-zA-Z]{36}`},
		{"github-fine-grained-pat", "github_pat_", `github_pat_\w{82}`},
		{"github-oauth", "gho_", `gho_[0-9a-zA-Z]{36}`},
		{"github-app-token", "_", `(?:ghu|ghs)_[0-9a-zA-Z]{36}`},
		{"gitlab-pat", "glpat-", `glpat-[\w-]{20}`},
		{"slack-bot-token", "xoxb-", `xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*`},
		{"slack-user-token", "xox", `xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}`},
		{"slack-webhook-url", "hooks.slack.com", `(?:https?://)?hooks.slack.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}`},
		{"stripe-access-token", "_", `\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})` + end},
		{"gcp-api-key", "AIza", `\b(AIza[\w-]{35})` + end},
		{"openai-api-key", "T3BlbkFJ", `\b(sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20})` + end},
		{"anthropic-api-key", "sk-ant-", `\b(sk-ant-api03-[a-zA-Z0-9_\-]{93}AA)` + end},
		{"npm-access-token", "npm_", `(?i)\b(npm_[a-z0-9]{36})` + end},
		{"sendgrid-api-token", "SG.", `\b(SG\.(?i)[a-z0-9=_\-\.]{66})` + end},
		{"twilio-api-key", "SK", `\bSK[0-9a-fA-F]{32}\b`},
		{"digitalocean-pat", "dop_v1_", `\b(dop_v1_[a-f0-9]{64})` + end},
		{"shopify-access-token", "shpat_", `shpat_[a-fA-F0-9]{32}`},
		{"databricks-api-token", "dapi", `\b(dapi[a-f0-9]{32}(?:-\d)?)` + end},
		{"huggingface-access-token", "hf_", `\b(hf_(?i:[a-z]{34}))` + end},
		{"pypi-upload-token", "pypi-AgEIcHlwaS5vcmc", `pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}`},
		{"age-secret-key", "AGE-SECRET-KEY-1", `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`},
		{"square-access-token", "", `\b((?:EAAA|sq0atp-)[\w-]{22,60})` + end},
		{"grafana-service-account-token", "glsa_", `(?i)\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})` + end},
		{"azure-ad-client-secret", "Q~", `(?:^|[\\'"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'"\x60\s<),])`},
	}
	out := make([]tokenRule, len(rules))
	for i, r := range rules {
		out[i] = tokenRule{id: r.id, keyword: r.keyword, re: regexp.MustCompile(r.re)}
	}
	return out
})

// awsPrefixes are the access key id prefixes the aws rule (which has no single
// keyword) needs one of.
var awsPrefixes = []string{"AKIA", "ASIA", "A3T", "ABIA", "ACCA"}

// findSecrets calls add for private keys, JWTs and the token formats in t.
func findSecrets(t string, st stats, add func(det string, class Class, start, end int)) {
	if st.dash {
		findPrivateKeys(t, func(start, end int) { add(PrivateKey, Secrets, start, end) })
	}
	if len(t) < 16 {
		return
	}
	findJWTs(t, func(start, end int) { add(JWT, Secrets, start, end) })
	for _, r := range tokenRules() {
		switch {
		case r.keyword != "" && !strings.Contains(t, r.keyword):
			continue
		case r.id == "aws-access-token" && !containsAny(t, awsPrefixes):
			continue
		case r.id == "square-access-token" && !containsAny(t, []string{"EAAA", "sq0atp-"}):
			continue
		}
		for _, m := range r.re.FindAllStringSubmatchIndex(t, -1) {
			start, end := m[0], m[1]
			if len(m) >= 4 && m[2] >= 0 {
				start, end = m[2], m[3]
			}
			add(r.id, Secrets, start, end)
		}
	}
}

func containsAny(t string, subs []string) bool {
	for _, s := range subs {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// findPrivateKeys calls fn for every PEM private key block in t, to its END line (or
// to the end of t when the block is cut off).
func findPrivateKeys(t string, fn func(start, end int)) {
	for i := 0; ; {
		k := strings.Index(t[i:], "-----BEGIN ")
		if k < 0 {
			return
		}
		start := i + k
		head := start + len("-----BEGIN ")
		closing := strings.Index(t[head:], "-----")
		if closing < 0 || closing > 100 || !strings.HasSuffix(t[head:head+closing], "PRIVATE KEY") && !strings.HasSuffix(t[head:head+closing], "PRIVATE KEY BLOCK") {
			i = head
			continue
		}
		end := len(t)
		if e := strings.Index(t[head:], "-----END "); e >= 0 {
			if c := strings.Index(t[head+e+9:], "-----"); c >= 0 {
				end = head + e + 9 + c + 5
			}
		}
		fn(start, end)
		i = end
		if i >= len(t) {
			return
		}
	}
}

// findJWTs calls fn for every JSON Web Token in t: three base64url parts whose first
// decodes to a JSON header naming an algorithm.
func findJWTs(t string, fn func(start, end int)) {
	for i := 0; ; {
		k := strings.Index(t[i:], "eyJ")
		if k < 0 {
			return
		}
		start := i + k
		if start > 0 && (isAlnum(t[start-1]) || t[start-1] == '-' || t[start-1] == '_') {
			i = start + 3
			continue
		}
		var parts [3]int // the end of each part
		j := start
		n := 0
		for n < 3 {
			for j < len(t) && b64urlChar(t[j]) {
				j++
			}
			parts[n] = j
			n++
			if n < 3 && (j >= len(t) || t[j] != '.') {
				break
			}
			if n < 3 {
				j++
			}
		}
		i = j
		if n < 3 || parts[0]-start < 10 || parts[1]-parts[0]-1 < 10 {
			continue
		}
		header, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(t[start:parts[0]], "="))
		if err != nil || !strings.Contains(string(header), `"alg"`) {
			continue
		}
		fn(start, parts[2])
	}
}

func b64urlChar(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '=' }
