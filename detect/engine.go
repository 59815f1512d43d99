package detect

import (
	"errors"
	"fmt"
	"math/bits"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bytedance/sonic/decoder"
	sutf8 "github.com/bytedance/sonic/utf8"

	"github.com/oktadetect/oktadetect/detect/kql"
	"github.com/oktadetect/oktadetect/detect/oktaecs"
	"github.com/oktadetect/oktadetect/detect/rules"
)

// Engine is a compiled rule set: every field any rule reads, one decode
// plan for all input shapes, the rules' query programs, an index of rules by
// the exact values they require, and a literal prefilter. An Engine is
// immutable and safe for concurrent use; each goroutine matches through its
// own Matcher.
type Engine struct {
	rules  []*rules.Rule
	progs  []*op
	fields *fieldTable
	routes *routePlan
	extras rawExtras

	// Rules indexed by required values: for index field i, values[i] maps
	// a value to the rules it may trigger.
	indexFields []fieldID
	indexValues []map[string][]int32
	unindexed   []int32 // rules without required values: always checked

	pre  *prefilter
	opts options
}

// Option configures an Engine.
type Option func(*options)

type options struct {
	defaultDataset map[string]string // topic → dataset; "" key: every topic
	maxEventBytes  int
	maxDepth       int
	strictJSON     bool
	prefilter      bool
}

// DefaultDataset gives records that carry neither event.dataset nor
// data_stream.dataset the given dataset. Elastic's Okta indices hold the
// dataset as a constant mapping, so documents copied out of them (and the
// integration's own pipeline output) lack the field. An empty topic applies
// to every topic; a topic-specific default wins over it.
func DefaultDataset(topic, dataset string) Option {
	return func(o *options) { o.defaultDataset[topic] = dataset }
}

// MaxEventBytes rejects records larger than n bytes with ReasonTooLarge.
// Okta events are 1–3 KB; the default, 512 KiB, keeps a stray blob from
// producing an alert larger than the alerts topic accepts.
func MaxEventBytes(n int) Option { return func(o *options) { o.maxEventBytes = n } }

// MaxDepth rejects records nested deeper than n objects and arrays with
// ReasonTooDeep. Default 64; Okta events nest about 6 deep.
func MaxDepth(n int) Option { return func(o *options) { o.maxDepth = n } }

// StrictJSON validates every record fully. By default, every record gets
// cheap framing checks (size, UTF-8, a JSON object, depth) and only records
// that could match a rule are validated in full: a malformed record is
// reported whenever it could have produced an alert, and records that
// cannot match cost no more than a scan. Strict mode costs about 1 µs per
// 2.5 KB record.
func StrictJSON(on bool) Option { return func(o *options) { o.strictJSON = on } }

// Prefilter turns the literal prefilter on or off (default on). Off, every
// record is decoded; this exists for benchmarks and for diagnosing a
// suspected prefilter miss.
func Prefilter(on bool) Option { return func(o *options) { o.prefilter = on } }

const (
	defaultMaxEventBytes = 512 << 10
	defaultMaxDepth      = 64
)

// rawListPrefixes and ecsListPrefixes name paths that hold arrays of
// objects in Okta data.
var (
	ecsListPrefixes = map[string]bool{"okta.target": true, "okta.request.ip_chain": true}
	rawListPrefixes = map[string]bool{"target": true, "request.ipChain": true}
)

// Compile builds an Engine for the given rules. Every rule must be a query
// rule in KQL; a rule that cannot run is a *CompileError naming its file
// and, for query errors, the line and column in that file.
func Compile(rs []*rules.Rule, opts ...Option) (*Engine, error) {
	o := options{defaultDataset: map[string]string{}, maxEventBytes: defaultMaxEventBytes, maxDepth: defaultMaxDepth, prefilter: true}
	for _, opt := range opts {
		opt(&o)
	}
	e := &Engine{rules: rs, fields: newFieldTable(), opts: o}
	qc := newQueryCompiler(e.fields)
	for _, r := range rs {
		prog, err := compileRule(qc, r)
		if err != nil {
			return nil, err
		}
		e.progs = append(e.progs, prog)
	}
	root, facts, err := e.buildRoutes(qc.groups)
	if err != nil {
		return nil, err
	}
	e.routes, err = compileRoutes(root)
	if err != nil {
		return nil, fmt.Errorf("building the decode plan: %w", err)
	}
	// sonic compiles a decoder for each type on first use, which takes
	// far longer than a decode: do it now rather than on the first event.
	for _, t := range append([]reflect.Type{e.routes.rootType}, e.routes.subTypes...) {
		if t != nil {
			if err := decoder.Pretouch(t); err != nil {
				return nil, fmt.Errorf("compiling the decoder: %w", err)
			}
		}
	}
	e.buildIndex(qc)
	if o.prefilter {
		e.buildPrefilter(facts)
	}
	return e, nil
}

func compileRule(qc *queryCompiler, r *rules.Rule) (*op, error) {
	cerr := func(pos kql.Pos, msg string, err error) *CompileError {
		ce := &CompileError{RuleID: r.ID, Source: r.Source, Msg: msg, Err: err}
		if pos.Line > 0 {
			ce.Line, ce.Col = r.QueryPosition(pos.Line, pos.Col)
		}
		return ce
	}
	if r.Type != "query" {
		return nil, cerr(kql.Pos{}, fmt.Sprintf("rule %q is of type %q: only query rules run in the stream", r.Name, r.Type), nil)
	}
	if r.Language != "kuery" {
		return nil, cerr(kql.Pos{}, fmt.Sprintf("rule %q uses language %q: only kuery (KQL) is supported", r.Name, r.Language), nil)
	}
	n, err := kql.Parse(r.Query)
	if err != nil {
		var se *kql.SyntaxError
		if errors.As(err, &se) {
			return nil, cerr(se.Pos, "query: "+se.Msg, err)
		}
		return nil, cerr(kql.Pos{}, "query: "+err.Error(), err)
	}
	prog, err := qc.compile(n, "")
	if err != nil {
		var ue *unsupportedError
		if errors.As(err, &ue) {
			return nil, cerr(ue.pos, "query: "+ue.msg, err)
		}
		return nil, cerr(kql.Pos{}, "query: "+err.Error(), err)
	}
	return prog, nil
}

// buildRoutes adds, for every field, its ECS routes and its raw Okta
// routes, and works out what the prefilter may assume about each field.
func (e *Engine) buildRoutes(groups map[string]int32) (*routeNode, []fieldFacts, error) {
	root := newRouteNode("")
	facts := make([]fieldFacts, e.fields.len())
	for id, name := range e.fields.names {
		f := fieldID(id)
		segs := strings.Split(name, ".")
		root.addDotted(name, target{field: f, view: viewECS}, ecsListPrefixes, groups)
		ff := fieldFacts{verbatim: true, keys: []string{segs[len(segs)-1]}}
		keyless := false // some raw value exists without any key in the record

		for _, src := range oktaecs.Sources(name) {
			if !verbatimConv(src.Conv) || src.Key != "" {
				ff.verbatim = false
			}
			if len(src.Path) == 0 {
				e.extras.defaults = append(e.extras.defaults, rawDefault{field: f, values: src.Apply(nil, ""), onlyIfEmpty: src.Else})
				keyless = true
				continue
			}
			ff.keys = append(ff.keys, src.Path[len(src.Path)-1])
			if src.Pick.Key != "" {
				e.extras.picks = append(e.extras.picks, pickSource{field: f, src: src})
				continue
			}
			t := target{field: f, view: viewRaw, fallback: src.Else}
			if src.Conv != oktaecs.Identity || src.Key != "" {
				s := src
				t.conv = func(dst []string, v string) []string { return s.Apply(dst, v) }
			}
			n := root
			prefix := ""
			for _, k := range src.Path {
				n = n.child(k)
				if prefix == "" {
					prefix = k
				} else {
					prefix += "." + k
				}
				if rawListPrefixes[prefix] {
					n.list = true
				}
			}
			n.addTarget(t)
		}
		if vals, ok := oktaecs.Constant(name); ok {
			e.extras.consts = append(e.extras.consts, constant{field: f, values: vals})
			ff = fieldFacts{} // values without bytes: no literal, no key
		}
		switch f {
		case fieldEventDataset, fieldDataStreamDataset:
			// Defaults and the dataset alias produce values that are not in
			// the record.
			ff = fieldFacts{}
		}
		if keyless {
			ff = fieldFacts{}
		}
		ff.keys = dedupeStrings(ff.keys)
		facts[f] = ff
	}
	// The envelope's message is read as a value, not routed through raw.
	return root, facts, nil
}

// verbatimConv reports whether a conversion's output is a substring of
// its input, so the value can still be found in the record's bytes.
func verbatimConv(c oktaecs.Conv) bool {
	switch c {
	case oktaecs.Identity, oktaecs.UserName, oktaecs.IP:
		return true
	}
	return false
}

func (e *Engine) buildIndex(qc *queryCompiler) {
	byField := map[fieldID]int{}
	for i, prog := range e.progs {
		terms := qc.requiredTerms(prog)
		if terms == nil {
			e.unindexed = append(e.unindexed, int32(i))
			continue
		}
		for _, t := range terms {
			fi, ok := byField[t.field]
			if !ok {
				fi = len(e.indexFields)
				byField[t.field] = fi
				e.indexFields = append(e.indexFields, t.field)
				e.indexValues = append(e.indexValues, map[string][]int32{})
			}
			m := e.indexValues[fi]
			if l := m[t.value]; len(l) == 0 || l[len(l)-1] != int32(i) {
				m[t.value] = append(l, int32(i))
			}
		}
	}
}

func (e *Engine) buildPrefilter(facts []fieldFacts) {
	get := func(f fieldID) fieldFacts { return facts[f] }
	var all []string
	for _, prog := range e.progs {
		l := requiredLiterals(prog, get)
		if l == nil {
			return // one rule without literals: every record may match
		}
		all = append(all, l...)
	}
	e.pre = newPrefilter(all)
}

// Rules returns the engine's rules, in the order results refer to them.
func (e *Engine) Rules() []*rules.Rule { return e.rules }

// Fields returns every field the engine extracts, sorted.
func (e *Engine) Fields() []string {
	out := append([]string(nil), e.fields.names...)
	sort.Strings(out)
	return out
}

// PrefilterLiterals returns the literals the prefilter scans for, or nil
// when the prefilter is off for this rule set.
func (e *Engine) PrefilterLiterals() []string {
	if e.pre == nil {
		return nil
	}
	return e.pre.literals
}

// Matcher matches records against an Engine's rules. It holds reusable
// state, which is what makes matching allocation-free; it is not safe for
// concurrent use.
type Matcher struct {
	e     *Engine
	x     *extractor
	cand  []uint64
	hits  []*rules.Rule
	clock func() time.Time

	// The prefilter pays for itself only when it rejects most records. A
	// rule set whose literals are common in the stream (a key every event
	// has, say) would have it scan and then decode anyway, so the Matcher
	// measures how many records pass, and stops scanning for a while when
	// most do.
	scanned, passed int
	skipScans       int
}

// Adaptive prefilter parameters: after probeWindow scans, if more than
// passLimit of them passed, skip the scan for the next pauseScans records,
// then probe again.
const (
	probeWindow = 4096
	passLimit   = probeWindow / 4
	pauseScans  = 64 * probeWindow
)

// NewMatcher returns a Matcher for use by one goroutine.
func (e *Engine) NewMatcher() *Matcher {
	return &Matcher{
		e:     e,
		x:     newExtractor(e.routes, e.fields.len()),
		cand:  make([]uint64, (len(e.rules)+63)/64),
		clock: time.Now,
	}
}

// Result is the outcome of matching one record. Its slices and strings
// point into the Matcher and the record, and stay valid until the next
// call to Match.
type Result struct {
	Shape Shape
	// Inner is the shape of the document inside an envelope.
	Inner Shape
	// Rules are the rules that matched, in engine order.
	Rules []*rules.Rule
	// EventID is the event's identity (event.id, okta.uuid or uuid); empty
	// when the record has none or was not decoded.
	EventID string
	// Time is the event's own time (@timestamp or published), when read.
	Time time.Time
}

// Match evaluates every rule against rec. A record that is not a readable
// event returns a *DecodeError. The record must not change until the next
// call: results point into it.
func (m *Matcher) Match(rec []byte, topic string) (Result, error) {
	e := m.e
	m.hits = m.hits[:0]
	if err := e.frame(rec); err != nil {
		return Result{}, err
	}
	if e.opts.strictJSON {
		if err := validateJSON(rec); err != nil {
			return Result{}, err
		}
	}
	if e.pre != nil && m.prefilter(rec) {
		return Result{}, nil
	}
	def := e.opts.defaultDataset[topic]
	if def == "" {
		def = e.opts.defaultDataset[""]
	}
	r, err := m.x.extractRecord(rec, &e.extras, def)
	if err != nil {
		return Result{}, err
	}
	ev := event{x: m.x, mask: r.mask, clock: m.clock}
	res := Result{Shape: r.shape, Inner: r.inner}
	m.candidates(&ev)
	for w, word := range m.cand {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			i := w*64 + b
			if ev.eval(e.progs[i], anyGroup) {
				m.hits = append(m.hits, e.rules[i])
			}
		}
	}
	res.Rules = m.hits
	res.EventID = m.firstString(&ev, fieldEventID)
	if res.EventID == "" {
		res.EventID = m.firstString(&ev, fieldOktaUUID)
	}
	if ts := m.firstString(&ev, fieldTimestamp); ts != "" {
		res.Time, _ = parseDate(ts)
	}
	if len(m.hits) > 0 && !e.opts.strictJSON {
		// Only records that produce alerts pay for full validation: a
		// malformed one must not alert (Elasticsearch would have refused
		// to index it), and it is reported instead.
		if err := validateJSON(rec); err != nil {
			m.hits = m.hits[:0]
			return Result{}, err
		}
	}
	return res, nil
}

// prefilter reports whether the literal scan rules rec out.
func (m *Matcher) prefilter(rec []byte) (miss bool) {
	if m.skipScans > 0 {
		m.skipScans--
		return false
	}
	pass := m.e.pre.mayMatch(rec)
	m.scanned++
	if pass {
		m.passed++
	}
	if m.scanned == probeWindow {
		if m.passed > passLimit {
			m.skipScans = pauseScans
		}
		m.scanned, m.passed = 0, 0
	}
	return !pass
}

// candidates marks the rules that could match: those indexed under one
// of the event's values of an index field, and the unindexed ones.
func (m *Matcher) candidates(ev *event) {
	clear(m.cand)
	for _, i := range m.e.unindexed {
		m.cand[i/64] |= 1 << (i % 64)
	}
	x := ev.x
	for fi, f := range m.e.indexFields {
		vals := m.e.indexValues[fi]
		for s := valueSet(0); s < numSets; s++ {
			if ev.mask&(1<<s) == 0 {
				continue
			}
			for i := x.heads[s][f]; i >= 0; i = x.vals[i].next {
				for _, r := range vals[x.vals[i].s] {
					m.cand[r/64] |= 1 << (r % 64)
				}
			}
		}
	}
}

func (m *Matcher) firstString(ev *event, f fieldID) string {
	x := ev.x
	for s := valueSet(0); s < numSets; s++ {
		if ev.mask&(1<<s) == 0 {
			continue
		}
		for i := x.heads[s][f]; i >= 0; i = x.vals[i].next {
			if v := &x.vals[i]; v.kind == kindString && v.s != "" {
				return v.s
			}
		}
	}
	return ""
}

// frame runs the checks every record gets, whatever the rules: size,
// encoding, that it is a JSON object, and nesting depth. They are cheap
// (vectorised scans) and catch the usual poison: binary data, truncation,
// text lines, and pathological nesting.
func (e *Engine) frame(rec []byte) error {
	if len(rec) > e.opts.maxEventBytes {
		return &DecodeError{Reason: ReasonTooLarge, Err: fmt.Errorf("record is %d bytes, over the %d-byte limit", len(rec), e.opts.maxEventBytes)}
	}
	b := trimSpace(rec)
	if len(b) == 0 {
		return &DecodeError{Reason: ReasonEmpty, Err: errors.New("record has no content")}
	}
	if !sutf8.Validate(b) {
		return &DecodeError{Reason: ReasonInvalidUTF8, Err: fmt.Errorf("invalid UTF-8 at byte %d", invalidUTF8At(b))}
	}
	if b[0] != '{' {
		return &DecodeError{Reason: ReasonNotObject, Err: fmt.Errorf("record starts with %q, not a JSON object", firstRune(b))}
	}
	if b[len(b)-1] != '}' {
		return &DecodeError{Reason: ReasonInvalidJSON, Err: errors.New("record does not end with '}' (truncated?)")}
	}
	if d := e.opts.maxDepth; countOpeners(b) > d {
		if depth := nestingDepth(b); depth > d {
			return &DecodeError{Reason: ReasonTooDeep, Err: fmt.Errorf("nested %d levels deep, over the limit of %d", depth, d)}
		}
	}
	return nil
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func firstRune(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}
