package filter

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/kpeek/kpeek/decode"
)

// IOCKind is the kind of an indicator of compromise.
type IOCKind string

// The indicator kinds an IOC file may hold.
const (
	IOCIP     IOCKind = "ip"     // an IPv4 or IPv6 address; matches the same address however written
	IOCCIDR   IOCKind = "cidr"   // a network; matches any address inside it
	IOCDomain IOCKind = "domain" // matches the domain and its subdomains, in host names, URLs and e-mails
	IOCEmail  IOCKind = "email"
	IOCHash   IOCKind = "hash" // MD5, SHA-1, SHA-256 or SHA-512 in hex
	IOCUser   IOCKind = "user" // a whole word, case-insensitive ("user:" prefix in the file)
	IOCString IOCKind = "string"
)

// IOC is one indicator as given in the file.
type IOC struct {
	Text string
	Kind IOCKind
}

// IOCHit is one indicator found in one place of a record.
type IOCHit struct {
	Indicator string  `json:"indicator"`
	Kind      IOCKind `json:"kind"`
	Path      string  `json:"path"` // key, headers.NAME, value, value.a.b[2].c
}

// IOCSet matches a list of indicators against records. It is safe for concurrent use.
type IOCSet struct {
	list    []IOC
	addrs   map[netip.Addr]*IOC
	nets    []iocNet
	words   map[string]*IOC // domains, e-mails, hashes and user names, lower case
	domains bool
	strings []iocString
}

type iocNet struct {
	prefix netip.Prefix
	ioc    *IOC
}

type iocString struct {
	lower string
	ioc   *IOC
}

// The shapes of indicators, compiled at first use rather than at start-up: only sweep reads
// indicator files.
var (
	hashRe   = lazyRegexp(`^(?i:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$`)
	emailRe  = lazyRegexp(`^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)+$`)
	domainRe = lazyRegexp(`^([a-z0-9_]([a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$`)
)

// lazyRegexp returns expr compiled on the first call.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// kindPrefixes lets a line say its kind ("user:slyon", "string:rm -rf"), needed for user
// names, which look like plain strings.
var kindPrefixes = map[string]IOCKind{"ip": IOCIP, "cidr": IOCCIDR, "domain": IOCDomain, "email": IOCEmail,
	"hash": IOCHash, "user": IOCUser, "string": IOCString}

// ParseIOCs reads an indicator file: one indicator per line, blank lines and lines
// starting with # ignored. The kind is recognised (address, CIDR, e-mail, hash, domain,
// else a plain string matched as a substring) or given as a prefix: "user:slyon".
func ParseIOCs(r io.Reader) (*IOCSet, error) {
	s := &IOCSet{addrs: map[netip.Addr]*IOC{}, words: map[string]*IOC{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ioc, err := parseIOC(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		s.list = append(s.list, ioc)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read indicators: %w", err)
	}
	if len(s.list) == 0 {
		return nil, errors.New("no indicators (one per line, # for comments)")
	}
	for i := range s.list {
		s.index(&s.list[i])
	}
	return s, nil
}

func parseIOC(line string) (IOC, error) {
	if k, v, ok := strings.Cut(line, ":"); ok {
		if kind, known := kindPrefixes[strings.ToLower(k)]; known && !(kind == IOCIP && strings.Contains(v, ":")) {
			v = strings.TrimSpace(v)
			if v == "" {
				return IOC{}, fmt.Errorf("%q: empty %s", decode.Sanitize(line), kind)
			}
			return checkIOC(IOC{Text: v, Kind: kind})
		}
	}
	lower := strings.ToLower(line)
	switch {
	case isAddr(line):
		return IOC{Text: line, Kind: IOCIP}, nil
	case strings.Contains(line, "/") && isPrefix(line):
		return IOC{Text: line, Kind: IOCCIDR}, nil
	case hashRe().MatchString(line):
		return IOC{Text: lower, Kind: IOCHash}, nil
	case emailRe().MatchString(lower):
		return IOC{Text: lower, Kind: IOCEmail}, nil
	case domainRe().MatchString(lower):
		return IOC{Text: lower, Kind: IOCDomain}, nil
	}
	return IOC{Text: line, Kind: IOCString}, nil
}

// checkIOC validates an indicator whose kind the file named.
func checkIOC(ioc IOC) (IOC, error) {
	bad := func() (IOC, error) {
		return IOC{}, fmt.Errorf("%q is not a valid %s", decode.Sanitize(ioc.Text), ioc.Kind)
	}
	switch ioc.Kind {
	case IOCIP:
		if !isAddr(ioc.Text) {
			return bad()
		}
	case IOCCIDR:
		if !isPrefix(ioc.Text) {
			return bad()
		}
	case IOCHash, IOCEmail, IOCDomain, IOCUser:
		ioc.Text = strings.ToLower(ioc.Text)
		if ioc.Kind == IOCHash && !hashRe().MatchString(ioc.Text) || ioc.Kind == IOCEmail && !emailRe().MatchString(ioc.Text) ||
			ioc.Kind == IOCDomain && !domainRe().MatchString(ioc.Text) || ioc.Kind == IOCUser && strings.ContainsAny(ioc.Text, " \t") {
			return bad()
		}
	}
	return ioc, nil
}

func isAddr(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

func isPrefix(s string) bool {
	_, err := netip.ParsePrefix(s)
	return err == nil
}

func (s *IOCSet) index(ioc *IOC) {
	switch ioc.Kind {
	case IOCIP:
		a, _ := netip.ParseAddr(ioc.Text)
		s.addrs[a.Unmap()] = ioc
	case IOCCIDR:
		p, _ := netip.ParsePrefix(ioc.Text)
		s.nets = append(s.nets, iocNet{p.Masked(), ioc})
	case IOCString:
		s.strings = append(s.strings, iocString{strings.ToLower(ioc.Text), ioc})
	default:
		s.words[ioc.Text] = ioc
		s.domains = s.domains || ioc.Kind == IOCDomain
	}
}

// Indicators lists the indicators as read, in file order.
func (s *IOCSet) Indicators() []IOC { return append([]IOC(nil), s.list...) }

// Match returns every indicator found in the record's key, header values and decoded
// string fields, each with the path where it was found; nil when none.
func (s *IOCSet) Match(e *decode.Envelope) []IOCHit {
	m := iocMatch{set: s}
	m.walk("key", e.Key.JSON, 0)
	for i := range e.Headers {
		m.walk("headers."+e.Headers[i].Key, e.Headers[i].Value.JSON, 0)
	}
	m.walk("value", e.Value.JSON, 0)
	return m.hits
}

// maxWalkDepth bounds how deep Match follows nested values; deeper text is matched whole.
const maxWalkDepth = 64

type iocMatch struct {
	set  *IOCSet
	hits []IOCHit
}

// walk visits every string in the JSON value raw, at path.
func (m *iocMatch) walk(path string, raw []byte, depth int) {
	i := decode.SkipJSONSpace(raw, 0)
	if i >= len(raw) {
		return
	}
	switch raw[i] {
	case '"':
		if end, ok := decode.SkipJSONString(raw, i); ok {
			if s, ok := decode.UnquoteJSON(raw[i:end]); ok {
				m.text(path, s)
			}
		}
	case '{':
		if depth >= maxWalkDepth {
			m.text(path, string(raw))
			return
		}
		it := decode.NewMembers(raw[i:])
		for {
			k, _, v, ok := it.Next()
			if !ok {
				return
			}
			name, _ := decode.UnquoteJSON(k)
			m.walk(path+"."+name, v, depth+1)
		}
	case '[':
		if depth >= maxWalkDepth {
			m.text(path, string(raw))
			return
		}
		j := decode.SkipJSONSpace(raw, i+1)
		for n := 0; j < len(raw) && raw[j] != ']'; n++ {
			end, ok := decode.SkipJSONValue(raw, j)
			if !ok {
				return
			}
			m.walk(path+"["+strconv.Itoa(n)+"]", raw[j:end], depth+1)
			j = decode.SkipJSONSpace(raw, end)
			if j < len(raw) && raw[j] == ',' {
				j = decode.SkipJSONSpace(raw, j+1)
			}
		}
	}
}

// text matches one string at path against every indicator kind.
func (m *iocMatch) text(path, s string) {
	set := m.set
	if len(set.addrs) > 0 || len(set.nets) > 0 {
		for _, a := range addrTokens(s) {
			if ioc := set.addrs[a]; ioc != nil {
				m.hit(ioc, path)
			}
			for _, n := range set.nets {
				if n.prefix.Contains(a) {
					m.hit(n.ioc, path)
				}
			}
		}
	}
	var lower string
	if len(set.words) > 0 || len(set.strings) > 0 {
		lower = strings.ToLower(s)
	}
	if len(set.words) > 0 {
		for _, w := range strings.FieldsFunc(lower, notWordRune) {
			m.word(path, strings.Trim(w, ".-"))
		}
	}
	for _, str := range set.strings {
		if strings.Contains(lower, str.lower) {
			m.hit(str.ioc, path)
		}
	}
}

// word looks one word up: whole, its e-mail domain, and each parent domain.
func (m *iocMatch) word(path, w string) {
	if w == "" {
		return
	}
	if ioc := m.set.words[w]; ioc != nil {
		m.hit(ioc, path)
	}
	if !m.set.domains {
		return
	}
	if _, host, ok := strings.Cut(w, "@"); ok {
		w = host
		if ioc := m.set.words[w]; ioc != nil && ioc.Kind == IOCDomain {
			m.hit(ioc, path)
		}
	}
	for i := strings.IndexByte(w, '.'); i >= 0; i = strings.IndexByte(w, '.') {
		w = w[i+1:]
		if ioc := m.set.words[w]; ioc != nil && ioc.Kind == IOCDomain {
			m.hit(ioc, path)
		}
	}
}

func (m *iocMatch) hit(ioc *IOC, path string) {
	for _, h := range m.hits {
		if h.Indicator == ioc.Text && h.Path == path {
			return
		}
	}
	m.hits = append(m.hits, IOCHit{Indicator: ioc.Text, Kind: ioc.Kind, Path: path})
}

// notWordRune splits text into the words indicators are looked up as: host names,
// e-mail addresses, hashes, user names.
func notWordRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' || r == '@' ||
		r == '+' || r == '%' || r > 0x7f)
}

// addrTokens finds the IP addresses written in s: runs of hex digits, dots and colons
// that parse as an address, or an address and port.
func addrTokens(s string) []netip.Addr {
	var out []netip.Addr
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isAddrByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if a, ok := parseAddrToken(s[start:i]); ok {
				out = append(out, a)
			}
			start = -1
		}
	}
	return out
}

func isAddrByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':'
}

func parseAddrToken(t string) (netip.Addr, bool) {
	t = strings.TrimRight(t, ".:")
	if !strings.ContainsAny(t, ".:") {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(t); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(t); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}
