package eventgen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/bytedance/sonic"

	"github.com/oktadetect/oktadetect/detect/oktaecs"
)

// ecsExtras is what an indexed document carries besides the pipeline's
// mapping of the LogEvent.
type ecsExtras struct {
	ingested  time.Time
	original  bool // keep the raw JSON in event.original (preserve_original_event)
	flattened bool // keep debugData's copy under okta.debug_context.debug_data.flattened
}

// ecsDocument returns the ECS document for ev (whose encoding is raw),
// as Elastic's Okta integration indexes it: oktaecs's mapping plus the
// fields the agent, the index template and the final pipeline add.
func ecsDocument(ev *logEvent, raw []byte, x ecsExtras) map[string]any {
	doc := oktaecs.ToECS(ev.toMap(), oktaecs.FlattenedDebugData(x.flattened))
	if doc == nil {
		doc = map[string]any{}
	}
	event := object(doc, "event")
	event["dataset"] = "okta.system"
	event["module"] = "okta"
	event["ingested"] = x.ingested.UTC().Format(timeSeconds)
	tags := []any{"forwarded", "okta-system"}
	if x.original {
		event["original"] = string(raw)
		tags = append([]any{"preserve_original_event"}, tags...)
	}
	doc["data_stream"] = map[string]any{"dataset": "okta.system", "type": "logs", "namespace": "default"}
	if _, ok := doc["ecs"].(map[string]any); !ok {
		doc["ecs"] = map[string]any{"version": "8.11.0"}
	}
	if _, ok := doc["tags"]; !ok {
		doc["tags"] = tags
	}
	object(doc, "input")["type"] = "httpjson"
	return doc
}

// object returns doc[key] as an object, creating it (or replacing a
// non-object) as needed.
func object(doc map[string]any, key string) map[string]any {
	if m, ok := doc[key].(map[string]any); ok {
		return m
	}
	m := map[string]any{}
	doc[key] = m
	return m
}

// dotted returns doc with every nested object flattened into dotted
// top-level keys, as Filebeat writes documents. Arrays are kept as they
// are, objects inside them included; empty objects stay as values.
func dotted(doc map[string]any) map[string]any {
	out := make(map[string]any, 64)
	flattenInto(out, "", doc)
	return out
}

func flattenInto(out map[string]any, prefix string, m map[string]any) {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			flattenInto(out, key, sub)
			continue
		}
		out[key] = v
	}
}

// Layouts of one top-level group in the mixed shape.
const (
	groupNested = iota // "okta": {"actor": {"id": ...}}
	groupDotted        // "okta.actor.id": ...
	groupSplit         // "okta.actor": {"id": ...}
)

// mixed returns doc with each top-level object group laid out nested,
// dotted, or split after its first level, chosen at random; a document
// always has at least one nested and one dotted group, so the shape
// really is mixed. Groups are visited in sorted order so that the choices
// are reproducible.
func mixed(doc map[string]any, r *rand.Rand) map[string]any {
	groups := make([]string, 0, len(doc))
	for k, v := range doc {
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			groups = append(groups, k)
		}
	}
	slices.Sort(groups)
	layout := make(map[string]int, len(groups))
	var nested, flat bool
	for _, g := range groups {
		l := r.IntN(3)
		layout[g] = l
		nested = nested || l == groupNested
		flat = flat || l != groupNested
	}
	if len(groups) >= 2 {
		// Force the mix: "event" nested and "okta" dotted when chance
		// produced a uniform layout.
		if !nested {
			layout[firstOr(groups, "event")] = groupNested
		}
		if !flat {
			layout[firstOr(groups, "okta")] = groupDotted
		}
	}
	out := make(map[string]any, 64)
	for k, v := range doc {
		sub, ok := v.(map[string]any)
		if !ok || len(sub) == 0 {
			out[k] = v
			continue
		}
		switch layout[k] {
		case groupDotted:
			flattenInto(out, k, sub)
		case groupSplit:
			for k2, v2 := range sub {
				out[k+"."+k2] = v2
			}
		default:
			out[k] = v
		}
	}
	return out
}

// firstOr returns want if it is among groups, else the first group.
func firstOr(groups []string, want string) string {
	if slices.Contains(groups, want) {
		return want
	}
	return groups[0]
}

// encodeECS lays out doc for shape and encodes it. sonic.ConfigStd sorts
// map keys, which is what makes ECS records reproducible.
func encodeECS(doc map[string]any, shape Shape, r *rand.Rand) ([]byte, error) {
	switch shape {
	case ShapeECSDotted:
		doc = dotted(doc)
		doc["fileset.name"] = "system"
		doc["service.type"] = "okta"
	case ShapeECSMixed:
		doc = mixed(doc, r)
	}
	b, err := sonic.ConfigStd.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode %s document: %w", shape, err)
	}
	return b, nil
}
