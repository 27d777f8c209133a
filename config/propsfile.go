package config

import (
	"bytes"
	"fmt"
	"os"
	"unicode/utf8"

	"github.com/magiconair/properties"
)

// ReadPropertiesFile reads a Java client.properties file for ParseProperties exactly as
// java.util.Properties.load does (magiconair/properties implements that grammar): the
// separators '=', ':' and whitespace ("key value"), '#' and '!' comments, backslash line
// continuations with the next line's leading whitespace dropped (LF or CRLF files), and the
// escapes \\, \=, \:, \t, \n and \uXXXX. "${...}" is left as written, as Java does.
// Files are read as UTF-8, or as ISO-8859-1 (Java's own default) when they are not
// valid UTF-8.
func ReadPropertiesFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read properties file: %w", err)
	}
	// Java ends a line at LF, CR or CRLF; the library knows only LF, and a backslash
	// before CRLF must continue the line (Windows-edited JAAS lines).
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	b = bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
	enc := properties.UTF8
	if !utf8.Valid(b) {
		enc = properties.ISO_8859_1
	}
	l := properties.Loader{Encoding: enc, DisableExpansion: true}
	p, err := l.LoadBytes(b)
	if err != nil {
		return nil, fmt.Errorf("properties file %s: %w", path, err)
	}
	return p.Map(), nil
}
