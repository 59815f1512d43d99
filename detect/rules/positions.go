package rules

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// positions records where each value and table header of a TOML document
// is written. go-toml's decoder gives positions for syntax errors only; the
// schema checks run on decoded values afterwards, so to point them at the
// source this walks the document once more with go-toml's unstable parser,
// which keeps byte ranges. The walk relies on the document having decoded
// successfully first: it does not re-check TOML's table rules.
//
// Keys are paths built by pathKey: table keys, and "[i]" for the i-th
// element of an array or array of tables.
type positions struct {
	data       []byte
	lineStarts []int           // offset of the first byte of each line
	values     map[string]span // where each value is written
	headers    map[string]int  // offset of the '[' opening each table header
}

// span is a byte range [start, end) in the document. For arrays and inline
// tables only start is known, and end == start.
type span struct{ start, end int }

// pathKey joins path segments with a byte that cannot appear unescaped in
// a key, so that a quoted key containing dots stays one segment.
func pathKey(path []string) string { return strings.Join(path, "\x00") }

// indexSegment is the path segment for the i-th element of an array.
func indexSegment(i int) string { return "[" + strconv.Itoa(i) + "]" }

// displayPath renders a path as people write it: rule.threat[0].tactic.id.
func displayPath(path []string) string {
	var b strings.Builder
	for i, seg := range path {
		if i > 0 && !strings.HasPrefix(seg, "[") {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

func indexPositions(data []byte) *positions {
	ps := &positions{
		data:    data,
		values:  make(map[string]span),
		headers: make(map[string]int),
	}
	ps.lineStarts = append(ps.lineStarts, 0)
	for i, c := range data {
		if c == '\n' {
			ps.lineStarts = append(ps.lineStarts, i+1)
		}
	}

	var p unstable.Parser
	p.Reset(data)
	var current []string             // path of the table key/values belong to
	arrayLen := make(map[string]int) // [[x]] elements seen so far, by path of x
	for p.NextExpression() {
		expr := p.Expression()
		switch expr.Kind {
		case unstable.Table, unstable.ArrayTable:
			keys := keyParts(expr.Key())
			path := resolveHeader(keys.names, arrayLen)
			if expr.Kind == unstable.ArrayTable {
				k := pathKey(path)
				if _, ok := ps.headers[k]; !ok {
					ps.headers[k] = ps.headerStart(keys.first)
				}
				path = append(path, indexSegment(arrayLen[k]))
				arrayLen[k]++
			}
			ps.headers[pathKey(path)] = ps.headerStart(keys.first)
			current = path
		case unstable.KeyValue:
			ps.keyValue(current, expr)
		}
	}
	// A parse error here would contradict the successful decode that
	// preceded the walk; positions found so far are still correct, and
	// lookups for the rest fall back to an enclosing table.
	return ps
}

type keyInfo struct {
	names []string
	first int // offset of the first key part in the document
	last  int // offset just past the last key part
}

func keyParts(it unstable.Iterator) keyInfo {
	k := keyInfo{first: -1}
	for it.Next() {
		n := it.Node()
		k.names = append(k.names, string(n.Data))
		if k.first < 0 {
			k.first = int(n.Raw.Offset)
		}
		k.last = int(n.Raw.Offset + n.Raw.Length)
	}
	return k
}

// resolveHeader turns the keys of a [table] or [[table]] header into a
// path. A key that names an array of tables refers to its latest element,
// which is how TOML attaches [rule.threat.tactic] to the [[rule.threat]]
// above it.
func resolveHeader(keys []string, arrayLen map[string]int) []string {
	path := make([]string, 0, len(keys)+2)
	for i, k := range keys {
		path = append(path, k)
		if i == len(keys)-1 {
			break
		}
		if n := arrayLen[pathKey(path)]; n > 0 {
			path = append(path, indexSegment(n-1))
		}
	}
	return path
}

// headerStart finds the first '[' of the header whose first key starts at
// keyOff, so that errors about a table point at the start of its line.
func (ps *positions) headerStart(keyOff int) int {
	i := keyOff
	for i > 0 {
		c := ps.data[i-1]
		if c != '[' && c != ' ' && c != '\t' {
			break
		}
		i--
	}
	for i < keyOff && ps.data[i] != '[' {
		i++
	}
	return i
}

func (ps *positions) keyValue(table []string, kv *unstable.Node) {
	keys := keyParts(kv.Key())
	path := append(append([]string(nil), table...), keys.names...)
	// The value starts after the '=' that follows the last key part; the
	// parser leaves ranges of arrays and inline tables empty, so find it
	// in the text.
	start := keys.last
	for start < len(ps.data) && ps.data[start] != '=' {
		start++
	}
	start++
	for start < len(ps.data) && (ps.data[start] == ' ' || ps.data[start] == '\t') {
		start++
	}
	ps.value(path, kv.Value(), start)
}

func (ps *positions) value(path []string, n *unstable.Node, start int) {
	s := span{start: start, end: start}
	if n.Raw.Length > 0 {
		s = span{start: int(n.Raw.Offset), end: int(n.Raw.Offset + n.Raw.Length)}
	}
	ps.values[pathKey(path)] = s
	switch n.Kind {
	case unstable.Array:
		i := 0
		for it := n.Children(); it.Next(); i++ {
			ps.value(append(path, indexSegment(i)), it.Node(), s.start)
		}
	case unstable.InlineTable:
		for it := n.Children(); it.Next(); {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				ps.keyValue(path, c)
			}
		}
	}
}

// position converts a byte offset into a 1-based line and byte column.
func (ps *positions) position(off int) (line, col int) {
	off = min(max(off, 0), len(ps.data))
	i := sort.Search(len(ps.lineStarts), func(i int) bool { return ps.lineStarts[i] > off }) - 1
	return i + 1, off - ps.lineStarts[i] + 1
}

// valueAt returns where the value at path is written, or, when the path is
// unknown, where its nearest known ancestor is.
func (ps *positions) valueAt(path []string) (line, col int) {
	for n := len(path); n > 0; n-- {
		k := pathKey(path[:n])
		if s, ok := ps.values[k]; ok {
			return ps.position(s.start)
		}
		if off, ok := ps.headers[k]; ok {
			return ps.position(off)
		}
	}
	return 1, 1
}

// tableAt returns where the table at path is declared: its [header], or,
// for an inline table or one made implicitly by dotted keys, the nearest
// place known. Errors about keys missing from a table point here.
func (ps *positions) tableAt(path []string) (line, col int) {
	for n := len(path); n > 0; n-- {
		k := pathKey(path[:n])
		if off, ok := ps.headers[k]; ok {
			return ps.position(off)
		}
		if s, ok := ps.values[k]; ok {
			return ps.position(s.start)
		}
	}
	return 1, 1
}
