package oktaecs

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Okta renders some debugData entries (behaviors, risk) as Java map strings,
// "{New IP=POSITIVE, New Device=NEGATIVE}". The integration takes them apart
// with three processors, reproduced here exactly because rules match on the
// pieces:
//
//  1. dissect "{%{field}}": if the text starts with '{' and has a '}' after
//     it, keep what lies between the '{' and the first '}' (anything after
//     that '}' is lost); otherwise leave the text alone.
//  2. kv with field_split ", " and value_split "=": split the text on ", "
//     (Java semantics: trailing empty pieces vanish), then each piece at its
//     first '='. A piece without '=' fails the whole parse. A name seen twice
//     collects its values in a list.
//  3. for risk only, when kv failed: grok "level=%{NOTSPACE}" and
//     "reasons=%{DATA}, %{NOTSPACE}=" | "reasons=%{DATA}$".
//
// The functions here hand out substrings of their input and do not allocate;
// the one exception is noted on appendRiskLevel.

// dissectBraces is step 1.
func dissectBraces(v string) string {
	if len(v) > 1 && v[0] == '{' {
		if i := strings.IndexByte(v[1:], '}'); i >= 0 {
			return v[1 : 1+i]
		}
	}
	return v
}

// kvPieces iterates the ", "-separated pieces of s with Java's
// String.split(", ") semantics (limit 0): trailing empty pieces are dropped,
// and a string without separator is one piece, even when empty.
type kvPieces struct {
	rest string
	done bool
}

func newKVPieces(s string) kvPieces {
	if strings.Contains(s, ", ") {
		for strings.HasSuffix(s, ", ") {
			s = s[:len(s)-2]
		}
		if s == "" {
			return kvPieces{done: true}
		}
	}
	return kvPieces{rest: s}
}

func (p *kvPieces) next() (string, bool) {
	if p.done {
		return "", false
	}
	if i := strings.Index(p.rest, ", "); i >= 0 {
		piece := p.rest[:i]
		p.rest = p.rest[i+2:]
		return piece, true
	}
	p.done = true
	return p.rest, true
}

// splitPair splits one kv piece at its first '='. A piece without '=', or
// with an empty name, fails the parse (Elasticsearch either throws or, for an
// empty name, overwrites the target object with a string and fails on the
// next piece; neither leaves usable entries).
func splitPair(piece string) (name, value string, ok bool) {
	i := strings.IndexByte(piece, '=')
	if i <= 0 {
		return "", "", false
	}
	return piece[:i], piece[i+1:], true
}

// kvParses reports whether kv turns s into at least one entry. When it does
// not, the integration leaves the (dissected) text in place.
func kvParses(s string) bool {
	pieces := newKVPieces(s)
	n := 0
	for {
		piece, ok := pieces.next()
		if !ok {
			return n > 0
		}
		if _, _, ok := splitPair(piece); !ok {
			return false
		}
		n++
	}
}

// nameMatches compares a kv entry name or JSON key with a wanted ECS key. With
// fold, the name is compared as the non-flattened debug data stores it: the
// integration replaces every space and dash in those keys with '_'.
func nameMatches(name, want string, fold bool) bool {
	if !fold {
		return name == want
	}
	if len(name) != len(want) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if foldKeyByte(name[i]) != want[i] {
			return false
		}
	}
	return true
}

func foldKeyByte(c byte) byte {
	if c == ' ' || c == '-' {
		return '_'
	}
	return c
}

// appendKV appends the values of the entries named key.
func appendKV(dst []string, v, key string, fold bool) []string {
	dst, _ = appendKVValues(dst, dissectBraces(v), key, fold)
	return dst
}

// appendKVValues parses d and appends the values of the entries named key,
// in one pass. When d does not parse it returns dst unchanged and false.
func appendKVValues(dst []string, d, key string, fold bool) ([]string, bool) {
	start := len(dst)
	pieces := newKVPieces(d)
	n := 0
	for {
		piece, ok := pieces.next()
		if !ok {
			if n == 0 {
				return dst[:start], false
			}
			return dst, true
		}
		name, value, ok := splitPair(piece)
		if !ok {
			return dst[:start], false
		}
		if nameMatches(name, key, fold) {
			dst = append(dst, value)
		}
		n++
	}
}

// kvCount returns how many entries are named key, and the last value.
func kvCount(d, key string) (n int, last string) {
	pieces := newKVPieces(d)
	for {
		piece, ok := pieces.next()
		if !ok {
			return n, last
		}
		name, value, _ := splitPair(piece)
		if name == key {
			n++
			last = value
		}
	}
}

// appendRisk appends the values of risk entry key: from the kv parse, or
// from the grok fallback, which only knows "level" and "reasons".
func appendRisk(dst []string, v, key string, fold bool) []string {
	d := dissectBraces(v)
	if out, ok := appendKVValues(dst, d, key, fold); ok {
		return out
	}
	switch {
	case nameMatches("level", key, fold):
		if level, ok := grokLevel(d); ok {
			dst = append(dst, level)
		}
	case nameMatches("reasons", key, fold):
		if reasons, ok := grokReasons(d); ok {
			dst = append(dst, reasons)
		}
	}
	return dst
}

// riskEntry returns what the integration's templates and processors see as
// risk.<key>: a single value, or several when the name repeats (a list).
func riskEntry(v, key string) (n int, value string, d string) {
	d = dissectBraces(v)
	if kvParses(d) {
		n, value = kvCount(d, key)
		return n, value, d
	}
	var ok bool
	switch key {
	case "level":
		value, ok = grokLevel(d)
	case "reasons":
		value, ok = grokReasons(d)
	}
	if ok {
		return 1, value, d
	}
	return 0, "", d
}

// appendRiskLevel derives debug_data.risk_level from the risk text. The
// integration sets it from the template {{{...risk.level}}} when that is not
// empty; a repeated "level" entry is a list, which the template renders the
// Java way, "[a, b]" (the only case that allocates).
func appendRiskLevel(dst []string, v string) []string {
	n, value, d := riskEntry(v, "level")
	switch {
	case n == 1 && value != "":
		return append(dst, value)
	case n > 1:
		vals, _ := appendKVValues(nil, d, "level", false)
		return append(dst, "["+strings.Join(vals, ", ")+"]")
	}
	return dst
}

// appendRiskReasons derives debug_data.risk_reasons: the reasons text split
// on /,\s*/. A repeated "reasons" entry is a list, which the split processor
// rejects, so it gives nothing.
func appendRiskReasons(dst []string, v string) []string {
	n, value, _ := riskEntry(v, "reasons")
	if n == 1 && value != "" {
		return appendSplitReasons(dst, value)
	}
	return dst
}

// appendRiskBehaviors gives the names of behaviors entries whose value is
// exactly "POSITIVE" (case matters). A name that repeats holds a list, which
// never equals "POSITIVE". Names come in text order; Elasticsearch walks a
// HashMap, whose order matches Okta's own rendering (also a Java HashMap) for
// the behaviour names Okta uses.
func appendRiskBehaviors(dst []string, v string) []string {
	d := dissectBraces(v)
	if !kvParses(d) {
		return dst
	}
	pieces := newKVPieces(d)
	for {
		piece, ok := pieces.next()
		if !ok {
			return dst
		}
		name, value, _ := splitPair(piece)
		if value == "POSITIVE" {
			if n, _ := kvCount(d, name); n == 1 {
				dst = append(dst, name)
			}
		}
	}
}

// appendSplitReasons splits s like Java's s.split(",\\s*"): every comma and
// the ASCII whitespace after it separate pieces, trailing empty pieces are
// dropped, a leading empty piece is kept.
func appendSplitReasons(dst []string, s string) []string {
	start := len(dst)
	for {
		i := strings.IndexByte(s, ',')
		if i < 0 {
			dst = append(dst, s)
			break
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
		for len(s) > 0 && isJavaSpace(s[0]) {
			s = s[1:]
		}
	}
	for len(dst) > start && dst[len(dst)-1] == "" {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// isJavaSpace is java.util.regex's \s without UNICODE_CHARACTER_CLASS.
func isJavaSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\x0b' || c == '\f' || c == '\r'
}

// grokLevel is the grok pattern "level=%{NOTSPACE}": unanchored, so the
// first "level=" followed by a non-space character wins, and the capture is
// the run of non-space characters after it.
func grokLevel(s string) (string, bool) {
	for off := 0; ; {
		i := strings.Index(s[off:], "level=")
		if i < 0 {
			return "", false
		}
		start := off + i + len("level=")
		if end := notSpaceRun(s, start); end > start {
			return s[start:end], true
		}
		off = start
	}
}

// grokReasons is the grok alternation "reasons=%{DATA}, %{NOTSPACE}=" |
// "reasons=%{DATA}$", where DATA is the lazy ".*?". The second branch always
// matches at the first "reasons=" (DATA stops at the end of the line), so
// that occurrence decides: the first branch gives the shortest text that is
// followed by ", " and a non-space run containing '=' after its first
// character, the second the rest of the line.
func grokReasons(s string) (string, bool) {
	i := strings.Index(s, "reasons=")
	if i < 0 {
		return "", false
	}
	start := i + len("reasons=")
	for p := start; p < len(s) && s[p] != '\n'; p++ {
		if strings.HasPrefix(s[p:], ", ") && keyFollows(s, p+2) {
			return s[start:p], true
		}
	}
	end := strings.IndexByte(s[start:], '\n')
	if end < 0 {
		return s[start:], true
	}
	return s[start : start+end], true
}

// keyFollows reports whether %{NOTSPACE}= matches at i: one or more
// non-space characters, the last of them followed by '='.
func keyFollows(s string, i int) bool {
	end := notSpaceRun(s, i)
	if end == i {
		return false
	}
	return strings.IndexByte(s[i+1:end], '=') >= 0
}

// notSpaceRun returns the end of the run of non-space characters starting at
// i. Grok runs on Joni with UTF-8, where \s is Unicode white space.
func notSpaceRun(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return i
}
