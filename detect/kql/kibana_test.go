package kql

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// This file checks the parser against Kibana's own: testdata/kibana.txt
// holds queries with the tree Kibana's generated parser built for each
// (or "error"), written in the s-expression form that kibanaForm prints.
//
// With KQL_KIBANA_ORACLE naming testdata/kibana-oracle/oracle.js (whose
// header says how to build Kibana's parser beside it), the fixture can be
// refreshed with -update-kibana, and TestKibanaOracle and FuzzKibanaOracle
// compare random and fuzzed queries live.

// kibanaForm prints n the way the oracle prints Kibana's tree: value lists
// distributed over the field (f:(a or b) is (or (is f"f" u"a") (is f"f" u"b"))),
// field names as f"name" or w[parts], free text as field null, and values
// as q"quoted", u"unquoted", w[parts], or true/false/null, which Kibana
// makes of those unquoted words.
func kibanaForm(n Node) string {
	var b strings.Builder
	writeKibana(&b, n)
	return b.String()
}

func writeKibana(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case And:
		writeKibanaList(b, "and", len(n.Children), func(i int) { writeKibana(b, n.Children[i]) })
	case Or:
		writeKibanaList(b, "or", len(n.Children), func(i int) { writeKibana(b, n.Children[i]) })
	case Not:
		b.WriteString("(not ")
		writeKibana(b, n.Child)
		b.WriteString(")")
	case Match:
		writeKibanaValue(b, kibanaField(n.Field, n.FieldParts), n.Value)
	case Range:
		ops := map[RangeOp]string{LT: "lt", LTE: "lte", GT: "gt", GTE: "gte"}
		fmt.Fprintf(b, "(range %s %s %s)", kibanaField(n.Field, n.FieldParts), ops[n.Op], kibanaLiteral(n.Value))
	case Nested:
		fmt.Fprintf(b, "(nested %s ", kibanaField(n.Field, n.FieldParts))
		writeKibana(b, n.Query)
		b.WriteString(")")
	default:
		fmt.Fprintf(b, "<%T>", n)
	}
}

func writeKibanaList(b *strings.Builder, op string, n int, child func(int)) {
	b.WriteString("(" + op)
	for i := 0; i < n; i++ {
		b.WriteString(" ")
		child(i)
	}
	b.WriteString(")")
}

func writeKibanaValue(b *strings.Builder, field string, v Value) {
	switch v := v.(type) {
	case ValueAnd:
		writeKibanaList(b, "and", len(v.Children), func(i int) { writeKibanaValue(b, field, v.Children[i]) })
	case ValueOr:
		writeKibanaList(b, "or", len(v.Children), func(i int) { writeKibanaValue(b, field, v.Children[i]) })
	case ValueNot:
		b.WriteString("(not ")
		writeKibanaValue(b, field, v.Child)
		b.WriteString(")")
	case Exists:
		fmt.Fprintf(b, `(is %s w["",""])`, field)
	case Literal:
		fmt.Fprintf(b, "(is %s %s)", field, kibanaLiteral(v))
	default:
		fmt.Fprintf(b, "<%T>", v)
	}
}

func kibanaField(name string, parts []string) string {
	switch {
	case parts != nil:
		return kibanaParts(parts)
	case name == "":
		return "null"
	}
	return "f" + jsQuote(name)
}

func kibanaLiteral(l Literal) string {
	switch {
	case l.Quoted:
		return "q" + jsQuote(l.Text)
	case l.Parts != nil:
		return kibanaParts(l.Parts)
	case l.Text == "true" || l.Text == "false" || l.Text == "null":
		return l.Text
	}
	return "u" + jsQuote(l.Text)
}

func kibanaParts(parts []string) string {
	q := make([]string, len(parts))
	for i, p := range parts {
		q[i] = jsQuote(p)
	}
	return "w[" + strings.Join(q, ",") + "]"
}

// jsQuote quotes s as the oracle does: printable ASCII as is, everything
// else as \uXXXX UTF-16 code units.
func jsQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// kibanaCase is one line of testdata/kibana.txt: a Go-quoted query, a tab,
// and Kibana's tree or "error".
type kibanaCase struct {
	line   int
	query  string
	kibana string
}

func loadKibanaCases(t testing.TB) []kibanaCase {
	t.Helper()
	f, err := os.Open("testdata/kibana.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []kibanaCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		quoted, want, ok := strings.Cut(text, "\t")
		if !ok {
			t.Fatalf("testdata/kibana.txt:%d: no tab", line)
		}
		q, err := strconv.Unquote(quoted)
		if err != nil {
			t.Fatalf("testdata/kibana.txt:%d: %v", line, err)
		}
		cases = append(cases, kibanaCase{line, q, want})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// deliberateDifference reports whether query is one where this parser
// departs from Kibana on purpose (see the package documentation), so that
// Kibana's answer does not apply.
func deliberateDifference(query string, err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "null cannot be a field name") ||
		strings.Contains(msg, "empty field name") ||
		strings.Contains(msg, "surrogate pair") ||
		strings.Contains(msg, "nested too deeply")
}

// checkKibana compares Parse with Kibana's answer for one query and
// reports whether they agree.
func checkKibana(t *testing.T, where, query, kibana string) bool {
	t.Helper()
	n, err := Parse(query)
	if deliberateDifference(query, err) {
		return true
	}
	switch {
	case kibana == "error" && err == nil:
		t.Errorf("%s: Parse(%q) = %s, Kibana rejects it", where, query, kibanaForm(n))
	case kibana != "error" && err != nil:
		t.Errorf("%s: Parse(%q) failed: %v\nKibana: %s", where, query, err, kibana)
	case err == nil && kibanaForm(n) != kibana:
		t.Errorf("%s: Parse(%q)\n got: %s\nwant: %s", where, query, kibanaForm(n), kibana)
	default:
		return true
	}
	return false
}

var updateGolden = flag.Bool("update", false, "rewrite the .golden files in testdata/queries")

var updateKibana = flag.Bool("update-kibana", false, "rewrite the answers in testdata/kibana.txt by asking the KQL_KIBANA_ORACLE script")

func TestKibanaConformance(t *testing.T) {
	if *updateKibana {
		rewriteKibanaCases(t)
	}
	for _, c := range loadKibanaCases(t) {
		checkKibana(t, fmt.Sprintf("testdata/kibana.txt:%d", c.line), c.query, c.kibana)
	}
}

// rewriteKibanaCases replaces the answer on every line of
// testdata/kibana.txt with the oracle's, keeping comments and order.
func rewriteKibanaCases(t *testing.T) {
	t.Helper()
	o := startOracle(t)
	data, err := os.ReadFile("testdata/kibana.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i, text := range lines {
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		quoted, _, _ := strings.Cut(text, "\t")
		q, err := strconv.Unquote(quoted)
		if err != nil {
			t.Fatalf("testdata/kibana.txt:%d: %v", i+1, err)
		}
		lines[i] = strconv.Quote(q) + "\t" + o.ask(t, q)
	}
	if err := os.WriteFile("testdata/kibana.txt", []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// oracle runs the node script named by KQL_KIBANA_ORACLE.
type oracle struct {
	cmd *exec.Cmd
	in  *bufio.Writer
	out *bufio.Scanner
}

func startOracle(t *testing.T) *oracle {
	t.Helper()
	if os.Getenv("KQL_KIBANA_ORACLE") == "" {
		t.Skip("KQL_KIBANA_ORACLE is not set: no live comparison with Kibana's parser")
	}
	return startOracleFor(t)
}

// startOracleFor starts the oracle process, which lives until t's cleanup.
func startOracleFor(t testing.TB) *oracle {
	t.Helper()
	cmd := exec.Command("node", os.Getenv("KQL_KIBANA_ORACLE"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	out := bufio.NewScanner(stdout)
	out.Buffer(nil, 1<<24)
	return &oracle{cmd: cmd, in: bufio.NewWriter(stdin), out: out}
}

// ask returns Kibana's tree for query, or "error".
func (o *oracle) ask(t testing.TB, query string) string {
	t.Helper()
	q, _ := json.Marshal(query)
	o.in.Write(q)
	o.in.WriteByte('\n')
	if err := o.in.Flush(); err != nil {
		t.Fatal(err)
	}
	if !o.out.Scan() {
		t.Fatalf("oracle ended: %v", o.out.Err())
	}
	answer := o.out.Text()
	if tree, ok := strings.CutPrefix(answer, "OK "); ok {
		return tree
	}
	return "error"
}

// TestKibanaOracle compares Parse with Kibana's parser on random queries:
// token soup, which is mostly invalid, and random well-formed queries with
// random spacing and keyword case.
func TestKibanaOracle(t *testing.T) {
	o := startOracle(t)
	n := 20000
	if s := os.Getenv("KQL_KIBANA_ORACLE_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed, _ := strconv.ParseUint(os.Getenv("KQL_KIBANA_ORACLE_SEED"), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 0x6b716c))
	failed, valid := 0, 0
	for i := 0; i < n && failed < 30; i++ {
		var q string
		if rng.IntN(2) == 0 {
			q = tokenSoup(rng)
		} else {
			q = randomQuery(rng, 0)
		}
		kibana := o.ask(t, q)
		if kibana != "error" {
			valid++
		}
		if !checkKibana(t, "random", q, kibana) {
			failed++
		}
	}
	t.Logf("%d random queries, %d valid in Kibana, %d disagreements", n, valid, failed)
}

var soupTokens = []string{
	"a", "b.c", "okta.*", "x y", "é", "1", "null", "true", "false",
	":", ": ", " :", "(", ")", "{", "}", "\"", "\"q r\"", `"a\"b"`, `"\u0041"`,
	"\\", `\*`, `\(`, `\:`, `\"`, `\\`, `\t`, `\n`, `\r`, `\u0041`, `\uD83D\uDE00`, `\x`, `\ `,
	`\not`, `\NOT`, `\Not`, `\or`, `\AND`, "*", "**", "?",
	"<", "<=", ">", ">=", "=", "'",
	" ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\ufeff",
	"and", "AND", "And", "or", "OR", "not", "NOT", "nOt",
	" and ", " or ", "not ", " AND ", " Or ", "NOT ",
	"cannot", "orange", "andes", "notable",
}

func tokenSoup(rng *rand.Rand) string {
	var b strings.Builder
	for n := 1 + rng.IntN(10); n > 0; n-- {
		b.WriteString(soupTokens[rng.IntN(len(soupTokens))])
	}
	return b.String()
}

var (
	randomSpaces   = []string{" ", " ", " ", "  ", "\n    ", "\t", "\u00a0", " \n"}
	randomOptSpace = []string{"", "", "", " ", "  ", "\n"}
	randomFields   = []string{"a", "event.action", "okta.target.alternate_id", `"quoted field"`, "okta.*", "*", "f\\:x", "true", "x y"}
	randomValues   = []string{
		"b", "user.session.start", "okta*", "*admin*", "*", `"Okta"`, `"a b"`, "a b", `"or"`, "\\or",
		"true", "null", "42", "-1.5", `"2024-01-01"`, `\*lit`, `a\ b`, `C:\\x`, `"C:\x"`, "é", "\\u00e9",
		"cannot", "a not", "b or", "x and", "\\NOT x", "NOT", `"a\"b"`, `\t`, "?",
	}
)

func pick(rng *rand.Rand, s []string) string { return s[rng.IntN(len(s))] }

func randomKeyword(rng *rand.Rand, kw string) string {
	b := []byte(kw)
	for i := range b {
		if rng.IntN(3) == 0 {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

func randomQuery(rng *rand.Rand, depth int) string {
	choice := rng.IntN(10)
	if depth > 3 {
		choice = 9
	}
	sp, opt := pick(rng, randomSpaces), pick(rng, randomOptSpace)
	switch choice {
	case 0, 1:
		kw := randomKeyword(rng, []string{"and", "or"}[rng.IntN(2)])
		return randomQuery(rng, depth+1) + sp + kw + pick(rng, randomSpaces) + randomQuery(rng, depth+1)
	case 2:
		return randomKeyword(rng, "not") + sp + randomQuery(rng, depth+1)
	case 3:
		return "(" + opt + randomQuery(rng, depth+1) + pick(rng, randomOptSpace) + ")"
	case 4:
		return pick(rng, randomFields) + opt + ":" + pick(rng, randomOptSpace) + "{" + opt + randomQuery(rng, depth+1) + opt + "}"
	case 5:
		return pick(rng, randomFields) + opt + pick(rng, []string{"<", "<=", ">", ">="}) + pick(rng, randomOptSpace) + pick(rng, randomValues)
	case 6, 7:
		return pick(rng, randomFields) + opt + ":" + pick(rng, randomOptSpace) + "(" + opt + randomValueList(rng, depth+1) + pick(rng, randomOptSpace) + ")"
	case 8:
		return pick(rng, randomValues)
	}
	return pick(rng, randomFields) + opt + ":" + pick(rng, randomOptSpace) + pick(rng, randomValues)
}

func randomValueList(rng *rand.Rand, depth int) string {
	choice := rng.IntN(6)
	if depth > 4 {
		choice = 5
	}
	sp := pick(rng, randomSpaces)
	switch choice {
	case 0, 1:
		kw := randomKeyword(rng, []string{"and", "or"}[rng.IntN(2)])
		return randomValueList(rng, depth+1) + sp + kw + pick(rng, randomSpaces) + randomValueList(rng, depth+1)
	case 2:
		return randomKeyword(rng, "not") + sp + randomValueList(rng, depth+1)
	case 3:
		return "(" + pick(rng, randomOptSpace) + randomValueList(rng, depth+1) + pick(rng, randomOptSpace) + ")"
	}
	return pick(rng, randomValues)
}

// FuzzKibanaOracle is TestKibanaOracle driven by the fuzzer: every input
// must get the same answer from Parse as from Kibana's parser. It is
// skipped unless KQL_KIBANA_ORACLE is set.
func FuzzKibanaOracle(f *testing.F) {
	if os.Getenv("KQL_KIBANA_ORACLE") == "" {
		f.Skip("KQL_KIBANA_ORACLE is not set: no live comparison with Kibana's parser")
	}
	for _, q := range seedQueries(f) {
		f.Add(q)
	}
	o := startOracleFor(f)
	f.Fuzz(func(t *testing.T, query string) {
		if !utf8.ValidString(query) {
			return // Kibana only ever sees decoded text
		}
		checkKibana(t, "fuzz", query, o.ask(t, query))
	})
}
