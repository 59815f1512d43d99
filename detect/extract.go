package detect

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/bytedance/sonic/decoder"
	"github.com/bytedance/sonic/unquote"
)

// valueKind is the JSON type a value had in the document.
type valueKind uint8

const (
	kindString valueKind = iota
	kindNumber
	kindBool
	// kindObject marks a non-empty object found where a scalar was
	// expected. Only the exists check counts it: Elasticsearch's exists
	// query on an object path matches when the object has content.
	kindObject
)

// value is one value of one field in the current event. Values of a field
// form a linked list through next so that the store is a single slice that
// is reused from event to event.
type value struct {
	s     string // text: unescaped string, number literal, "true"/"false"
	next  int32
	group int32 // array element of the enclosing nested-query root, 0 if none
	kind  valueKind
}

// A valueSet is one provenance of values. Documents are decoded through
// both ECS and raw-Okta routes at once; the set that counts is chosen after
// the decode, from the shape. An Elastic Agent envelope adds a second level:
// the raw event inside its message field.
type valueSet uint8

const (
	setOuterECS valueSet = iota
	setOuterRaw
	setInnerECS
	setInnerRaw
	// Values of raw sources that are the integration's fallbacks: they
	// count only for fields the other raw sources left empty.
	setOuterRawElse
	setInnerRawElse
	setSynthetic // constants, defaults and aliases added by shape resolution
	numSets
)

func setFor(level int, v view) valueSet {
	return valueSet(level*int(numViews) + int(v))
}

func elseSetFor(level int) valueSet { return setOuterRawElse + valueSet(level) }

// errMismatch signals that a document's structure did not fit the decode
// types (an array of objects where a single object was expected, a string
// where an object was expected). The extractor then re-reads the document
// with the generic walker, which accepts any structure.
var errMismatch = errors.New("document structure does not fit the decode plan")

// extractor holds the per-goroutine state that makes extraction
// allocation-free: the decode target (a struct generated from the rules'
// fields), sonic decoders, the value store and a byte arena for unescaped
// strings. It is not safe for concurrent use.
type extractor struct {
	plan    *routePlan
	nfields int

	root any   // pointer to the root decode struct
	subs []any // per route node: pointer to the struct of a list/mixed node
	decs []*decoder.Decoder

	vals    []value
	heads   [numSets][]int32
	tails   [numSets][]int32
	touched [numSets][]fieldID

	arena []byte
	conv  []string

	decDepth int   // decodes in progress (list nodes nest them)
	level    int   // 0: the document, 1: the raw event inside an envelope
	groupCtr int32 // per-event counter of nested-root elements
	curGroup int32
	err      error // first error raised inside a custom decoder
}

const decodeOptions = decoder.OptionNoValidateJSON | decoder.OptionCaseSensitive

func newExtractor(p *routePlan, nfields int) *extractor {
	x := &extractor{plan: p, nfields: nfields, subs: make([]any, len(p.nodes))}
	for s := range x.heads {
		x.heads[s] = make([]int32, nfields)
		x.tails[s] = make([]int32, nfields)
		for i := range x.heads[s] {
			x.heads[s][i] = -1
		}
	}
	rv := reflect.New(p.rootType)
	if p.rootType.Kind() == reflect.Struct && p.rootType.NumField() > 0 {
		p.bindNodes(rv.Elem(), p.root, x)
	}
	x.root = rv.Interface()
	return x
}

// reset forgets the previous event's values. It touches only the fields
// that had values, so its cost does not grow with the number of fields.
func (x *extractor) reset(recordLen int) {
	for s := range x.touched {
		for _, f := range x.touched[s] {
			x.heads[s][f] = -1
		}
		x.touched[s] = x.touched[s][:0]
	}
	x.vals = x.vals[:0]
	x.level = 0
	x.decDepth = 0
	x.groupCtr = 0
	x.curGroup = 0
	x.err = nil
	// Unescaped text is never longer than its escaped form; the document
	// and an envelope's inner event together need at most twice the
	// record. Reserving that up front means the arena never moves while
	// values point into it.
	if need := 2*recordLen + 64; cap(x.arena) < need {
		x.arena = make([]byte, 0, need)
	}
	x.arena = x.arena[:0]
}

// decode runs one sonic decode of doc into a decode struct. List nodes
// decode their objects while an outer decode is still running, so each
// nesting level has its own decoder.
func (x *extractor) decode(doc string, into any) error {
	depth := x.decDepth
	for len(x.decs) <= depth {
		d := decoder.NewDecoder("")
		d.SetOptions(decodeOptions)
		x.decs = append(x.decs, d)
	}
	d := x.decs[depth]
	d.Reset(doc)
	x.decDepth++
	err := d.Decode(into)
	x.decDepth--
	if x.err != nil {
		return x.err
	}
	if err != nil {
		var mt *decoder.MismatchTypeError
		if errors.As(err, &mt) {
			return errMismatch
		}
		return &DecodeError{Reason: ReasonInvalidJSON, Err: jsonError(err)}
	}
	return nil
}

func (x *extractor) push(set valueSet, f fieldID, kind valueKind, s string) {
	i := int32(len(x.vals))
	x.vals = append(x.vals, value{s: s, next: -1, group: x.curGroup, kind: kind})
	if x.heads[set][f] < 0 {
		x.heads[set][f] = i
		x.touched[set] = append(x.touched[set], f)
	} else {
		x.vals[x.tails[set][f]].next = i
	}
	x.tails[set][f] = i
}

// deliver parses one JSON value and hands it to the node's targets.
func (x *extractor) deliver(targets []target, b []byte) error {
	b = trimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		s, err := x.unquote(b)
		if err != nil {
			return err
		}
		x.pushTargets(targets, kindString, s)
	case 'n':
		// null is no value.
	case 't':
		x.pushTargets(targets, kindBool, "true")
	case 'f':
		x.pushTargets(targets, kindBool, "false")
	case '[':
		// Arrays are transparent: every element is a value of the field,
		// and nested arrays flatten, as in Elasticsearch.
		it := elements{b: b, i: 1}
		for it.next() {
			if err := x.deliver(targets, it.elem); err != nil {
				return err
			}
		}
		return it.failure()
	case '{':
		if !isEmptyObject(b) {
			x.pushTargets(targets, kindObject, bytesToString(b))
		}
	default:
		x.pushTargets(targets, kindNumber, bytesToString(b))
	}
	return nil
}

func (x *extractor) pushTargets(targets []target, kind valueKind, s string) {
	for _, t := range targets {
		set := setFor(x.level, t.view)
		if t.view == viewRaw {
			// The integration deletes empty strings before mapping.
			if kind == kindString && s == "" {
				continue
			}
			if t.fallback {
				set = elseSetFor(x.level)
			}
		}
		if t.conv == nil || kind == kindObject {
			x.push(set, t.field, kind, s)
			continue
		}
		x.conv = t.conv(x.conv[:0], s)
		for _, c := range x.conv {
			x.push(set, t.field, kindString, c)
		}
	}
}

// unquote returns the text of the JSON string b (quotes included). Strings
// without escapes are returned in place; others are unescaped into the
// arena. Both stay valid until the next reset.
func (x *extractor) unquote(b []byte) (string, error) {
	if len(b) < 2 || b[len(b)-1] != '"' {
		return "", &DecodeError{Reason: ReasonInvalidJSON, Err: errors.New("unterminated string")}
	}
	body := b[1 : len(b)-1]
	if indexByte(body, '\\') < 0 {
		return bytesToString(body), nil
	}
	off := len(x.arena)
	dst := x.arena[off:off:cap(x.arena)]
	if cap(dst) < len(body) {
		// Cannot happen given reset's sizing; stay correct if it does.
		dst = make([]byte, 0, len(body))
		off = -1
	}
	if e := unquote.IntoBytes(bytesToString(body), &dst); e != 0 {
		return "", &DecodeError{Reason: ReasonInvalidJSON, Err: fmt.Errorf("bad escape in string (sonic error %d)", e)}
	}
	if off < 0 {
		return string(dst), nil
	}
	x.arena = x.arena[:off+len(dst)]
	if len(dst) == 0 {
		return "", nil
	}
	return unsafe.String(&x.arena[off], len(dst)), nil
}

// leafNode is the decode type of a route node that delivers values. It
// implements json.Unmarshaler so that sonic hands it the raw value, whatever
// its JSON type, instead of failing on a type mismatch.
type leafNode struct {
	x  *extractor
	id int32
}

func (l *leafNode) UnmarshalJSON(b []byte) error {
	if l.x == nil {
		return nil
	}
	if err := l.x.deliver(l.x.plan.nodes[l.id].targets, b); err != nil {
		l.x.err = err
		return err
	}
	return nil
}

// listNode is the decode type of a route node that may hold an array of
// objects (and of a node that both delivers a value and has children). It
// decodes each object with a nested sonic decoder into the node's own
// struct.
type listNode struct {
	x  *extractor
	id int32
}

func (l *listNode) UnmarshalJSON(b []byte) error {
	x := l.x
	if x == nil {
		return nil
	}
	n := x.plan.nodes[l.id]
	if err := x.descend(n, b); err != nil {
		x.err = err
		return err
	}
	return nil
}

// descend delivers b to n's targets (if any) and decodes its objects into
// n's struct; arrays are walked element by element.
func (x *extractor) descend(n *routeNode, b []byte) error {
	b = trimSpace(b)
	if len(b) == 0 {
		return nil
	}
	if len(n.targets) > 0 && b[0] != '[' {
		if err := x.deliver(n.targets, b); err != nil {
			return err
		}
	}
	switch b[0] {
	case '{':
		saved := x.curGroup
		if n.group != 0 {
			x.groupCtr++
			x.curGroup = x.groupCtr
		}
		err := x.decode(bytesToString(b), x.subs[n.id])
		x.curGroup = saved
		return err
	case '[':
		it := elements{b: b, i: 1}
		for it.next() {
			if err := x.descend(n, it.elem); err != nil {
				return err
			}
		}
		return it.failure()
	}
	return nil
}

// bytesToString views b as a string without copying. The caller guarantees
// b is not modified while the string is in use.
func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
