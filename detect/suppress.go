package detect

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/oktadetect/oktadetect/detect/rules"
)

// SuppressRule configures alert suppression for one rule: within Window,
// events with the same values of Fields update one alert instead of
// raising new ones (Elastic's alert suppression).
type SuppressRule struct {
	RuleID string
	Fields []string
	Window time.Duration
}

// ParseSuppress reads the --suppress syntax RULE_ID:field1,field2:DURATION,
// e.g. 4edd3e1a-3aa0-499b-8147-4d2ea43b1613:user.name,source.ip:5m.
func ParseSuppress(s string) (SuppressRule, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return SuppressRule{}, fmt.Errorf("suppression %q: want RULE_ID:FIELD[,FIELD...]:DURATION", s)
	}
	id, fieldList, dur := strings.TrimSpace(parts[0]), parts[1], strings.TrimSpace(parts[2])
	if id == "" {
		return SuppressRule{}, fmt.Errorf("suppression %q: empty rule id", s)
	}
	var fields []string
	for _, f := range strings.Split(fieldList, ",") {
		if f = strings.TrimSpace(f); f != "" {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return SuppressRule{}, fmt.Errorf("suppression %q: no fields to suppress on", s)
	}
	d, err := time.ParseDuration(dur)
	if err != nil || d <= 0 {
		return SuppressRule{}, fmt.Errorf("suppression %q: window %q is not a positive duration such as 5m", s, dur)
	}
	return SuppressRule{RuleID: id, Fields: fields, Window: d}, nil
}

// Suppressor keeps the open suppression windows. Each detector process
// suppresses on its own: two pods that see the same terms each raise one
// alert per window (with different ids). It is safe for concurrent use.
type Suppressor struct {
	rules map[string]SuppressRule

	mu    sync.Mutex
	state map[string]*suppressState // by instance key
}

type suppressState struct {
	start, end time.Time
	count      int
}

// SuppressUndo restores a suppression window changed by a batch that was
// not delivered.
type SuppressUndo struct {
	key  string
	prev *suppressState // nil: the window did not exist
}

// NewSuppressor returns a Suppressor for the given rules.
func NewSuppressor(rs []SuppressRule) *Suppressor {
	s := &Suppressor{rules: map[string]SuppressRule{}, state: map[string]*suppressState{}}
	for _, r := range rs {
		s.rules[r.RuleID] = r
	}
	return s
}

// Configured reports whether rule id has suppression.
func (s *Suppressor) Configured(ruleID string) bool {
	_, ok := s.rules[ruleID]
	return ok
}

// Observe records an alert of rule r on doc at now. It returns nil for a
// rule without suppression. Otherwise it returns the suppression the alert
// carries: the first event of a window opens it (DocsCount 0); later ones
// extend its end and count, and the caller re-emits the alert under the
// same id so that an index keyed on it holds one, updated, alert.
func (s *Suppressor) Observe(r *rules.Rule, doc map[string]any, now time.Time) (*Suppression, SuppressUndo) {
	cfg, ok := s.rules[r.ID]
	if !ok {
		return nil, SuppressUndo{}
	}
	terms := make([]SuppressionTerm, len(cfg.Fields))
	var key strings.Builder
	key.WriteString(r.ID)
	for i, f := range cfg.Fields {
		vals := lookup(doc, f)
		terms[i] = SuppressionTerm{Field: f, Value: vals}
		fmt.Fprintf(&key, "\x1f%s=%v", f, vals)
	}
	k := key.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state[k]
	undo := SuppressUndo{key: k}
	if st != nil {
		prev := *st
		undo.prev = &prev
	}
	if st == nil || !now.Before(st.start.Add(cfg.Window)) {
		st = &suppressState{start: now, end: now}
		s.state[k] = st
	} else {
		st.end = now
		st.count++
	}
	return &Suppression{Terms: terms, Start: st.start, End: st.end, DocsCount: st.count}, undo
}

// Undo reverts one Observe.
func (s *Suppressor) Undo(u SuppressUndo) {
	if u.key == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.prev == nil {
		delete(s.state, u.key)
		return
	}
	st := *u.prev
	s.state[u.key] = &st
}

// Expire forgets windows that ended before now, bounding memory.
func (s *Suppressor) Expire(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, st := range s.state {
		id, _, _ := strings.Cut(k, "\x1f")
		if cfg, ok := s.rules[id]; ok && !now.Before(st.start.Add(cfg.Window)) {
			delete(s.state, k)
		}
	}
}
