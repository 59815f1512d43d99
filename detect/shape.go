package detect

import (
	"encoding/json"
	"errors"

	"github.com/bytedance/sonic/decoder"
)

// Shape is the input shape of a record as the engine detected it.
type Shape uint8

const (
	// ShapeUnknown is the zero Shape: the record was not decoded (it could
	// not match any rule, or it was malformed).
	ShapeUnknown Shape = iota
	// ShapeECS is an ECS document: nested objects (the Okta integration's
	// output), dotted keys (Filebeat's output) or any mix of the two.
	ShapeECS
	// ShapeOkta is a raw Okta System Log LogEvent. Its fields are read
	// through the mapping of Elastic's Okta integration, and its dataset is
	// okta.system by definition.
	ShapeOkta
	// ShapeEnvelope is an Elastic Agent document that carries the raw Okta
	// event as a JSON string in "message" (the agent's Kafka output skips
	// the ingest pipeline). Its own fields (data_stream.*, tags, ...) count
	// together with those of the event inside.
	ShapeEnvelope
)

func (s Shape) String() string {
	switch s {
	case ShapeECS:
		return "ecs"
	case ShapeOkta:
		return "okta"
	case ShapeEnvelope:
		return "envelope"
	}
	return "unknown"
}

// resolved is the outcome of extracting one record: which value sets count
// and what the record is.
type resolved struct {
	shape Shape
	inner Shape // the shape of an envelope's inner document
	mask  uint8 // bit per valueSet that counts
}

// constants lists, per field, values a raw Okta event carries by
// definition (event.kind, the dataset, ...).
type constant struct {
	field  fieldID
	values []string
}

// extractRecord decodes rec and decides its shape. The values stay valid
// until the next call.
func (x *extractor) extractRecord(rec []byte, extras *rawExtras, defaultDataset string) (resolved, error) {
	x.reset(len(rec))
	var r resolved
	doc := bytesToString(rec)
	if err := x.decodeLevel(doc); err != nil {
		return r, err
	}
	r.shape = x.shapeAt(0)
	switch r.shape {
	case ShapeECS:
		r.mask = 1 << setOuterECS
	case ShapeOkta:
		r.mask = 1 << setOuterRaw
	case ShapeEnvelope:
		msg := x.vals[x.heads[setOuterECS][fieldMessage]].s
		x.level = 1
		if err := x.decodeLevel(msg); err != nil {
			var de *DecodeError
			if errors.As(err, &de) {
				de.Reason = ReasonInvalidMessage
			}
			return r, err
		}
		r.inner = x.shapeAt(1)
		r.mask = 1 << setOuterECS
		if r.inner == ShapeOkta {
			r.mask |= 1 << setInnerRaw
		} else {
			r.mask |= 1 << setInnerECS
		}
	}
	r.mask |= 1 << setSynthetic
	x.level = 0
	switch {
	case r.shape == ShapeOkta:
		x.completeRaw(0, doc, r.mask, extras)
	case r.inner == ShapeOkta:
		x.completeRaw(1, x.vals[x.heads[setOuterECS][fieldMessage]].s, r.mask, extras)
	}
	x.aliasDataset(r.mask, defaultDataset)
	return r, nil
}

// decodeLevel decodes doc at the current level, falling back to the
// generic walker when the document's structure does not fit the decode
// types.
func (x *extractor) decodeLevel(doc string) error {
	var err error
	if !x.plan.generic && sonicNative {
		err = x.decode(doc, x.root)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errMismatch) {
			return err
		}
		x.clearLevel(x.level)
		x.err = nil
	}
	return x.walkGenericDoc(doc)
}

// clearLevel drops the values of the current level (a failed fast decode
// may have delivered some).
func (x *extractor) clearLevel(level int) {
	for _, s := range [...]valueSet{setFor(level, viewECS), setFor(level, viewRaw), elseSetFor(level)} {
		for _, f := range x.touched[s] {
			x.heads[s][f] = -1
		}
		x.touched[s] = x.touched[s][:0]
	}
}

// shapeAt decides the shape of the document decoded at level.
func (x *extractor) shapeAt(level int) Shape {
	ecs, raw := setFor(level, viewECS), setFor(level, viewRaw)
	hasECSAction := x.heads[ecs][fieldEventAction] >= 0
	if !hasECSAction && x.heads[raw][fieldEventAction] >= 0 {
		return ShapeOkta
	}
	if level == 0 && !hasECSAction {
		if i := x.heads[ecs][fieldMessage]; i >= 0 {
			v := &x.vals[i]
			if v.kind == kindString && looksLikeObject(v.s) {
				return ShapeEnvelope
			}
		}
	}
	return ShapeECS
}

func looksLikeObject(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			return s[i] == '{'
		}
	}
	return false
}

func (x *extractor) hasAny(mask uint8, f fieldID) bool {
	for s := valueSet(0); s < numSets; s++ {
		if mask&(1<<s) != 0 && x.heads[s][f] >= 0 {
			return true
		}
	}
	return false
}

// aliasDataset makes event.dataset and data_stream.dataset one field: in
// Elastic's Okta indices both are the constant okta.system, and Elastic's
// rules use either. A record with neither takes the configured default.
func (x *extractor) aliasDataset(mask uint8, def string) {
	hasEvent := x.hasAny(mask, fieldEventDataset)
	hasStream := x.hasAny(mask, fieldDataStreamDataset)
	switch {
	case hasEvent && hasStream:
	case hasEvent:
		x.copyValues(mask, fieldEventDataset, fieldDataStreamDataset)
	case hasStream:
		x.copyValues(mask, fieldDataStreamDataset, fieldEventDataset)
	case def != "":
		x.push(setSynthetic, fieldEventDataset, kindString, def)
		x.push(setSynthetic, fieldDataStreamDataset, kindString, def)
	}
}

func (x *extractor) copyValues(mask uint8, from, to fieldID) {
	for s := valueSet(0); s < setSynthetic; s++ {
		if mask&(1<<s) == 0 {
			continue
		}
		for i := x.heads[s][from]; i >= 0; i = x.vals[i].next {
			v := x.vals[i]
			x.push(setSynthetic, to, v.kind, v.s)
		}
	}
}

// walkGenericDoc decodes doc into Go values and walks it along the route
// trie. It accepts any structure and serves documents the decode types do
// not fit; it allocates, which is fine for such rare documents.
func (x *extractor) walkGenericDoc(doc string) error {
	var v any
	d := decoder.NewDecoder(doc)
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return &DecodeError{Reason: ReasonInvalidJSON, Err: jsonError(err)}
	}
	x.walkGeneric(x.plan.root, v)
	return nil
}

func (x *extractor) walkGeneric(n *routeNode, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			if child := n.children[k]; child != nil {
				x.walkNode(child, c)
			}
		}
	case []any:
		for _, e := range v {
			x.walkGeneric(n, e)
		}
	}
}

func (x *extractor) walkNode(n *routeNode, v any) {
	if arr, ok := v.([]any); ok {
		for _, e := range arr {
			x.walkNode(n, e)
		}
		return
	}
	if len(n.targets) > 0 {
		x.deliverAny(n.targets, v)
	}
	if len(n.children) > 0 {
		saved := x.curGroup
		if _, isObj := v.(map[string]any); isObj && n.group != 0 {
			x.groupCtr++
			x.curGroup = x.groupCtr
		}
		x.walkGeneric(n, v)
		x.curGroup = saved
	}
}

func (x *extractor) deliverAny(targets []target, v any) {
	switch v := v.(type) {
	case string:
		x.pushTargets(targets, kindString, v)
	case json.Number:
		x.pushTargets(targets, kindNumber, string(v))
	case bool:
		if v {
			x.pushTargets(targets, kindBool, "true")
		} else {
			x.pushTargets(targets, kindBool, "false")
		}
	case []any:
		for _, e := range v {
			x.deliverAny(targets, e)
		}
	case map[string]any:
		if len(v) > 0 {
			x.pushTargets(targets, kindObject, "")
		}
	}
}
