package detect

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// A route tells the extractor where in a JSON document the values of a
// field are found. Routes form a trie keyed by JSON object keys: the root
// is the document, each edge is one object key, and a node may deliver the
// value found there to one or more targets.
//
// Elasticsearch treats {"event":{"action":x}}, {"event.action":x} and every
// mix of the two as the same field, so a field with n path segments is
// reachable through 2^(n-1) key paths ("a.b.c", "a"→"b.c", "a.b"→"c",
// "a"→"b"→"c"). All of them are routes to the same field. Arrays are
// transparent: a node reached through an array delivers every element.
type routeNode struct {
	key      string
	children map[string]*routeNode
	targets  []target
	// list marks nodes whose value is routinely an array of objects (Okta's
	// target list, the request IP chain). The generated decoder handles
	// those with a small custom type instead of a plain struct, because a
	// plain struct field cannot accept an array.
	list bool
	// group is non-zero on the root of a nested query (field:{...}): values
	// below it remember which array element they came from.
	group int32
	id    int32 // index into routePlan.nodes
}

// target is one delivery of a JSON value into an event field.
type target struct {
	field    fieldID
	view     view
	conv     convFunc // nil: the JSON value as is
	fallback bool     // raw source used only when the field has no other raw value
}

// view separates values read through ECS routes from those read through raw
// Okta LogEvent routes. Which view counts is decided after the decode, from
// the document's shape: an ECS document that happens to carry a top-level
// "transaction" object must not feed okta.transaction.* through the raw view.
type view uint8

const (
	viewECS view = iota
	viewRaw
	numViews
)

// convFunc turns a raw Okta value into the ECS value(s) Elastic's
// integration would index. It appends to dst and must not allocate when dst
// has room: it runs on the miss path.
type convFunc func(dst []string, v string) []string

func newRouteNode(key string) *routeNode {
	return &routeNode{key: key, children: map[string]*routeNode{}}
}

func (n *routeNode) child(key string) *routeNode {
	c, ok := n.children[key]
	if !ok {
		c = newRouteNode(key)
		n.children[key] = c
	}
	return c
}

// addDotted adds every key path that Elasticsearch resolves to the dotted
// field name (see routeNode) and attaches t to each. listPrefixes names
// field prefixes (e.g. "okta.target") whose node must be a list node.
func (n *routeNode) addDotted(field string, t target, listPrefixes map[string]bool, groups map[string]int32) {
	segs := strings.Split(field, ".")
	var walk func(at *routeNode, i int, prefix string)
	walk = func(at *routeNode, i int, prefix string) {
		if i == len(segs) {
			at.addTarget(t)
			return
		}
		// The next key consumes segments i..j-1 joined by dots.
		for j := i + 1; j <= len(segs); j++ {
			key := strings.Join(segs[i:j], ".")
			p := key
			if prefix != "" {
				p = prefix + "." + key
			}
			c := at.child(key)
			if listPrefixes[p] {
				c.list = true
			}
			if g := groups[p]; g != 0 {
				c.group = g
				c.list = true
			}
			walk(c, j, p)
		}
	}
	walk(n, 0, "")
}

// addTarget attaches t to n. A field is routed once per key path, so a
// node never receives the same target twice.
func (n *routeNode) addTarget(t target) { n.targets = append(n.targets, t) }

// sortedChildren returns the children in key order so that generated types
// are deterministic.
func (n *routeNode) sortedChildren() []*routeNode {
	out := make([]*routeNode, 0, len(n.children))
	for _, c := range n.children {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// nodeKind is how a route node is decoded.
type nodeKind uint8

const (
	kindStruct nodeKind = iota // plain struct: sonic descends natively
	kindLeaf                   // value delivered to targets by leafNode
	kindList                   // object or array of objects, via listNode
	kindMixed                  // both delivered and descended, via listNode
)

func (n *routeNode) kind() nodeKind {
	switch {
	case len(n.children) == 0:
		return kindLeaf
	case len(n.targets) > 0:
		return kindMixed
	case n.list || n.group != 0:
		return kindList
	default:
		return kindStruct
	}
}

// validTagKey reports whether key can be a JSON name in a struct tag. The
// encoding/json rules (which sonic follows) accept letters, digits and a
// set of punctuation; anything else (quotes, backslashes, commas) would be
// silently ignored, so such routes are served by the generic walker.
func validTagKey(key string) bool {
	if key == "" {
		return false
	}
	for _, c := range key {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c > 0x7f:
			// Non-ASCII letters are accepted by encoding/json's isValidTag
			// only when unicode.IsLetter/IsDigit; keep it simple and route
			// them through the generic walker.
			return false
		default:
			return false
		}
	}
	return true
}

// routePlan is the compiled form of a route trie: the Go struct type that
// sonic decodes documents into, and the node table the custom decoding
// types index into.
type routePlan struct {
	root     *routeNode
	nodes    []*routeNode
	rootType reflect.Type
	// subTypes[id] is the struct type a list/mixed node decodes objects
	// into (nil for other kinds).
	subTypes []reflect.Type
	// generic is set when some route cannot be expressed as a struct tag;
	// then every document takes the generic walker.
	generic bool
}

var (
	leafType = reflect.TypeOf(leafNode{})
	listType = reflect.TypeOf(listNode{})
)

// compileRoutes numbers the nodes and builds the decode types.
func compileRoutes(root *routeNode) (*routePlan, error) {
	p := &routePlan{root: root}
	var number func(n *routeNode)
	number = func(n *routeNode) {
		n.id = int32(len(p.nodes))
		p.nodes = append(p.nodes, n)
		for _, c := range n.sortedChildren() {
			number(c)
		}
	}
	number(root)
	p.subTypes = make([]reflect.Type, len(p.nodes))
	t, err := p.structFor(root)
	if err != nil {
		return nil, err
	}
	p.rootType = t
	return p, nil
}

// structFor builds the struct type whose fields are n's children.
func (p *routePlan) structFor(n *routeNode) (reflect.Type, error) {
	kids := n.sortedChildren()
	fields := make([]reflect.StructField, 0, len(kids))
	for i, c := range kids {
		if !validTagKey(c.key) {
			p.generic = true
			continue
		}
		var ft reflect.Type
		switch c.kind() {
		case kindLeaf:
			ft = leafType
		case kindStruct:
			st, err := p.structFor(c)
			if err != nil {
				return nil, err
			}
			ft = st
		case kindList, kindMixed:
			st, err := p.structFor(c)
			if err != nil {
				return nil, err
			}
			p.subTypes[c.id] = st
			ft = listType
		}
		fields = append(fields, reflect.StructField{
			Name: "F" + strconv.Itoa(i),
			Type: ft,
			Tag:  reflect.StructTag(`json:"` + c.key + `"`),
		})
	}
	if len(fields) == 0 {
		// An empty struct still skips the value natively.
		return reflect.TypeOf(struct{}{}), nil
	}
	t, err := structOf(fields)
	if err != nil {
		return nil, fmt.Errorf("building decoder type for %q: %w", n.key, err)
	}
	return t, nil
}

// structOf wraps reflect.StructOf, which panics on invalid input.
func structOf(fields []reflect.StructField) (t reflect.Type, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reflect.StructOf: %v", r)
		}
	}()
	return reflect.StructOf(fields), nil
}

// bindNodes sets the back-pointers of every leafNode/listNode inside the
// struct value v (of type built for node n) so that their UnmarshalJSON
// knows its extractor and route node. It runs once per extractor, never per
// event.
func (p *routePlan) bindNodes(v reflect.Value, n *routeNode, x *extractor) {
	kids := n.sortedChildren()
	fi := 0
	for _, c := range kids {
		if !validTagKey(c.key) {
			continue
		}
		f := v.Field(fi)
		fi++
		switch c.kind() {
		case kindLeaf:
			ln := f.Addr().Interface().(*leafNode)
			ln.x, ln.id = x, c.id
		case kindStruct:
			p.bindNodes(f, c, x)
		case kindList, kindMixed:
			ln := f.Addr().Interface().(*listNode)
			ln.x, ln.id = x, c.id
			sub := reflect.New(p.subTypes[c.id])
			p.bindNodes(sub.Elem(), c, x)
			x.subs[c.id] = sub.Interface()
		}
	}
}
