package decode

// JSONKind says what a visited JSON value is.
type JSONKind byte

// The kinds WalkJSON reports.
const (
	JSONString JSONKind = '"'
	JSONNumber JSONKind = '0'
	JSONBool   JSONKind = 't'
	JSONNull   JSONKind = 'n'
	JSONObject JSONKind = '{'
	JSONArray  JSONKind = '['
)

// JSONVisit is called by WalkJSON for every value: path holds the member names from
// the root (array elements add nothing, so a path reads like a field path and names
// every element at once), b[start:end] is the value as written. Containers are visited
// after their contents. path is reused: copy it to keep it.
type JSONVisit func(path []string, kind JSONKind, start, end int)

// WalkJSON visits every value of b, one JSON value, with the same grammar the
// compactor checks. It reports whether b is valid; on false some values may already
// have been visited, and callers that must not act on a partial walk (redaction)
// treat the whole of b as unreadable.
func WalkJSON(b []byte, visit JSONVisit) bool {
	w := walker{c: compactor{b: b}, visit: visit}
	i, ok := w.value(w.c.space(0), 0)
	return ok && w.c.space(i) == len(b)
}

// AppendJSONString appends s as a JSON string that is safe to print raw, escaped as
// every envelope kpeek writes is.
func AppendJSONString(dst []byte, s string) []byte { return appendString(dst, s) }

// walker is one WalkJSON call.
type walker struct {
	c     compactor
	visit JSONVisit
	path  []string
}

// value walks the value starting at b[i] and returns the index after it.
func (w *walker) value(i, depth int) (int, bool) {
	b := w.c.b
	if i >= len(b) {
		return i, false
	}
	start := i
	var kind JSONKind
	var ok bool
	switch ch := b[i]; {
	case ch == '{' || ch == '[':
		if depth >= maxJSONDepth {
			return i, false
		}
		kind = JSONKind(ch)
		if i, ok = w.container(i, depth); !ok {
			return i, false
		}
	case ch == '"':
		kind = JSONString
		if i, ok = w.c.str(i); !ok {
			return i, false
		}
	case ch == '-' || ch >= '0' && ch <= '9':
		kind = JSONNumber
		if i, ok = scanJSONNumber(b, i); !ok {
			return i, false
		}
	case ch == 't' || ch == 'f':
		kind = JSONBool
		lit := "true"
		if ch == 'f' {
			lit = "false"
		}
		if i, ok = scanLiteral(b, i, lit); !ok {
			return i, false
		}
	case ch == 'n':
		kind = JSONNull
		if i, ok = scanLiteral(b, i, "null"); !ok {
			return i, false
		}
	default:
		return i, false
	}
	w.visit(w.path, kind, start, i)
	return i, true
}

// container walks the object or array starting at b[i].
func (w *walker) container(i, depth int) (int, bool) {
	b := w.c.b
	open := b[i]
	i = w.c.space(i + 1)
	if i < len(b) && b[i] == open+2 { // '}' and ']' are two past their openers
		return i + 1, true
	}
	for {
		var ok bool
		if open == '{' {
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			nameStart := i
			if i, ok = w.c.str(i); !ok {
				return i, false
			}
			name, ok := UnquoteJSON(b[nameStart:i])
			if i = w.c.space(i); !ok || i >= len(b) || b[i] != ':' {
				return i, false
			}
			i = w.c.space(i + 1)
			w.path = append(w.path, name)
			i, ok = w.value(i, depth+1)
			w.path = w.path[:len(w.path)-1]
			if !ok {
				return i, false
			}
		} else if i, ok = w.value(i, depth+1); !ok {
			return i, false
		}
		i = w.c.space(i)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case open + 2:
			return i + 1, true
		case ',':
			i = w.c.space(i + 1)
		default:
			return i, false
		}
	}
}
