package eventgen

import (
	"bytes"
	"time"
)

// ECS layout options, as a bit set indexing Generator.ratio.
const (
	optOriginal  = 1 << iota // event.original kept
	optFlattened             // debugData's flattened copy kept
)

// initialRatio is a first guess of record size over raw size.
func initialRatio(s Shape, original, flattened bool) float64 {
	r := 1.0
	switch s {
	case ShapeEnvelope:
		return 1.35
	case ShapeECS, ShapeECSMixed:
		r = 1.25
	case ShapeECSDotted:
		r = 1.55
	default:
		return 1
	}
	if flattened {
		r += 0.2
	}
	if original {
		r += 1.05
	}
	return r
}

// render builds one event of type s and encodes it in shape, sized to a
// target drawn from [SizeMin, SizeMax]. The template's value is the
// caller's; its uniques alias the builder's scratch.
func (g *Generator) render(s *spec, shape Shape) template {
	r, b, ev := g.r, &g.b, &g.ev
	cfg := &g.cfg
	// A triangular target: sizes cluster mid-range, as real ones do,
	// rather than spreading flat to the bounds.
	span := float64(cfg.SizeMax - cfg.SizeMin)
	target := float64(cfg.SizeMin) + span*(r.Float64()+r.Float64())/2

	b.build(s, g.now, newUUID(r))
	// ECS options vary the way deployments do: some streams preserve the
	// original event, most integration installs keep the flattened debug
	// data (Filebeat's module never had it). Both give way when the event
	// would not fit its target.
	opts := 0
	switch shape {
	case ShapeECS, ShapeECSMixed:
		if r.IntN(10) < 6 {
			opts |= optFlattened
		}
		fallthrough
	case ShapeECSDotted:
		if r.IntN(10) < 3 {
			opts |= optOriginal
		}
	}
	collected := g.now.Add(time.Duration(1000+r.IntN(59000)) * time.Millisecond)
	ingested := collected.Add(time.Duration(50+r.IntN(2500)) * time.Millisecond)
	env := envelopeMeta{agent: &g.w.agents[pickSkewed(r, len(g.w.agents))], timestamp: collected,
		input: "httpjson", dataset: r.IntN(10) < 7, original: r.IntN(10) < 3}
	if r.IntN(7) == 0 {
		env.input = "cel"
	}

	g.raw = ev.appendJSON(g.raw[:0])
	rawLen := float64(len(g.raw))
	base := 4 * shapeIndex(shape)
	// shrink drops the costliest ECS option still on; it reports whether
	// there was one.
	shrink := func() bool {
		switch {
		case opts&optOriginal != 0:
			opts &^= optOriginal
		case opts&optFlattened != 0:
			opts &^= optFlattened
		default:
			return false
		}
		return true
	}
	for g.ratio[base+opts]*rawLen > target && shrink() {
	}
	limit := float64(cfg.SizeMax) * 0.98
	if g.ratio[base+opts]*rawLen > limit {
		rawLen -= float64(b.trimGeo())
	}

	// Add extras while the estimate is short of the target, skipping any
	// that would overshoot SizeMax.
	extras := b.extras
	grow := func(goal float64) {
		for len(extras) > 0 && g.ratio[base+opts]*rawLen < goal {
			x := extras[0]
			extras = extras[1:]
			m := b.mark()
			d := float64(b.apply(x))
			if g.ratio[base+opts]*(rawLen+d) > limit {
				b.restore(m)
				continue
			}
			rawLen += d
		}
	}
	grow(target)

	var value []byte
	encoded := shape
	for pass := 0; ; pass++ {
		g.raw = ev.appendJSON(g.raw[:0])
		value, encoded = g.encode(shape, ecsExtras{ingested: ingested, original: opts&optOriginal != 0, flattened: opts&optFlattened != 0}, env)
		size := len(value)
		g.ratio[base+opts] += (float64(size)/float64(len(g.raw)) - g.ratio[base+opts]) / 8
		rawLen = float64(len(g.raw))
		if pass == 2 {
			break
		}
		if size > cfg.SizeMax && (shrink() || b.trimGeo() > 0) {
			continue
		}
		if size < cfg.SizeMin && len(extras) > 0 {
			grow(float64(cfg.SizeMin) + span/4)
			continue
		}
		break
	}
	return template{value: value, uuid: ev.uuid, typ: ev.eventType, shape: encoded,
		published: ev.published, collected: collected, ingested: ingested, expires: b.expires, uniques: b.uniques}
}

// encode writes the current raw event in shape and returns it in a new
// slice, with the shape it really has.
func (g *Generator) encode(shape Shape, x ecsExtras, env envelopeMeta) ([]byte, Shape) {
	switch shape {
	case ShapeOkta:
		return bytes.Clone(g.raw), shape
	case ShapeEnvelope:
		g.out = appendEnvelope(g.out[:0], g.raw, env)
		return bytes.Clone(g.out), shape
	}
	v, err := encodeECS(ecsDocument(&g.ev, g.raw, x), shape, g.r)
	if err != nil {
		// Unreachable: ECS documents hold JSON values only. Degrade to
		// the raw shape rather than fail.
		return bytes.Clone(g.raw), ShapeOkta
	}
	return v, shape
}

// shapeIndex is s's position in AllShapes.
func shapeIndex(s Shape) int {
	switch s {
	case ShapeECS:
		return 1
	case ShapeECSDotted:
		return 2
	case ShapeECSMixed:
		return 3
	case ShapeEnvelope:
		return 4
	}
	return 0
}
