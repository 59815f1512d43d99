package deploy_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

const dashboardPath = "grafana/oktadetect.json"

// dashboard is the part of Grafana's dashboard JSON model the tests read.
type dashboard struct {
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	SchemaVersion int     `json:"schemaVersion"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []variable `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int            `json:"id"`
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Datasource *datasourceRef `json:"datasource"`
	GridPos    struct {
		X, Y, W, H int
	} `json:"gridPos"`
	Targets []struct {
		RefID      string         `json:"refId"`
		Expr       string         `json:"expr"`
		Datasource *datasourceRef `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // collapsed rows keep their panels here
}

type datasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type variable struct {
	Type       string          `json:"type"`
	Name       string          `json:"name"`
	Query      json.RawMessage `json:"query"` // a string, or {"query": "..."}
	Datasource *datasourceRef  `json:"datasource"`
}

// queryText returns a query variable's query, whichever form it is stored in.
func (v variable) queryText() (string, error) {
	var s string
	if err := json.Unmarshal(v.Query, &s); err == nil {
		return s, nil
	}
	var obj struct {
		Query string `json:"query"`
	}
	if err := json.Unmarshal(v.Query, &obj); err != nil {
		return "", err
	}
	return obj.Query, nil
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	var d dashboard
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", dashboardPath, err)
	}
	if dec.More() {
		t.Fatalf("%s: trailing data after the dashboard object", dashboardPath)
	}
	return d
}

// allPanels flattens rows, so that panels inside collapsed rows are checked too.
func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

// dashboardQuery is one PromQL expression of the dashboard and where it is.
type dashboardQuery struct {
	where string
	expr  string
}

func dashboardQueries(t *testing.T, d dashboard) []dashboardQuery {
	t.Helper()
	var qs []dashboardQuery
	for _, p := range allPanels(d.Panels) {
		for _, tg := range p.Targets {
			qs = append(qs, dashboardQuery{where: "panel " + p.Title + " target " + tg.RefID, expr: tg.Expr})
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		q, err := v.queryText()
		if err != nil {
			t.Fatalf("variable %s: query: %v", v.Name, err)
		}
		// label_values(selector, label) is Grafana's, not PromQL: only the
		// selector names metrics.
		if rest, ok := strings.CutPrefix(q, "label_values("); ok {
			rest = strings.TrimSuffix(strings.TrimSpace(rest), ")")
			if i := strings.LastIndexByte(rest, ','); i >= 0 {
				q = rest[:i]
			} else {
				q = rest
			}
		}
		qs = append(qs, dashboardQuery{where: "variable " + v.Name, expr: q})
	}
	return qs
}

func TestDashboardStructure(t *testing.T) {
	d := loadDashboard(t)
	if d.UID == "" || d.Title == "" {
		t.Errorf("uid %q, title %q: both must be set (uid keeps links stable across imports)", d.UID, d.Title)
	}
	if d.SchemaVersion < 39 {
		t.Errorf("schemaVersion = %d, want >= 39", d.SchemaVersion)
	}

	vars := map[string]variable{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v
	}
	if ds, ok := vars["datasource"]; !ok || ds.Type != "datasource" || string(ds.Query) != `"prometheus"` {
		t.Errorf(`want a variable "datasource" of type datasource over prometheus, got %+v`, ds)
	}
	for _, name := range []string{"job", "pod"} {
		v, ok := vars[name]
		if !ok || v.Type != "query" {
			t.Errorf("want a query variable %q", name)
			continue
		}
		if v.Datasource == nil || v.Datasource.UID != "${datasource}" {
			t.Errorf("variable %q: datasource %+v, want uid ${datasource}", name, v.Datasource)
		}
	}

	ids := map[int]string{}
	type cell struct{ x, y int }
	occupied := map[cell]string{}
	for _, p := range allPanels(d.Panels) {
		if prev, dup := ids[p.ID]; dup {
			t.Errorf("panels %q and %q share id %d", prev, p.Title, p.ID)
		}
		ids[p.ID] = p.Title
		g := p.GridPos
		if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 {
			t.Errorf("panel %q: gridPos %+v outside the 24-column grid", p.Title, g)
		}
	overlap:
		for x := g.X; x < g.X+g.W; x++ {
			for y := g.Y; y < g.Y+g.H; y++ {
				if other, taken := occupied[cell{x, y}]; taken {
					t.Errorf("panels %q and %q overlap at (%d,%d)", other, p.Title, x, y)
					break overlap
				}
				occupied[cell{x, y}] = p.Title
			}
		}
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q: datasource %+v, want uid ${datasource}", p.Title, p.Datasource)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			if tg.Datasource != nil && tg.Datasource.UID != "${datasource}" {
				t.Errorf("panel %q target %s: datasource %+v, want uid ${datasource}", p.Title, tg.RefID, tg.Datasource)
			}
		}
	}
}

// TestDashboardQueriesOnlyExportedMetrics is the guard against a dashboard
// that silently shows "No data" because a metric was renamed or never existed.
func TestDashboardQueriesOnlyExportedMetrics(t *testing.T) {
	exported := map[string]bool{}
	for _, name := range exportedMetricNames(t) {
		exported[name] = true
	}
	d := loadDashboard(t)
	queries := dashboardQueries(t, d)
	if len(queries) == 0 {
		t.Fatal("the dashboard has no queries")
	}
	for _, q := range queries {
		names, err := promqlMetricNames(q.expr)
		if err != nil {
			t.Errorf("%s: %q: %v", q.where, q.expr, err)
			continue
		}
		if len(names) == 0 {
			t.Errorf("%s: %q names no metric", q.where, q.expr)
		}
		for _, name := range names {
			if !isExportedSeries(name, exported) {
				t.Errorf("%s: %q is not a metric the binary exports", q.where, name)
			}
		}
	}
}

// isExportedSeries reports whether name is an exported family, or one of the
// series Prometheus derives from a histogram family (_bucket, _sum, _count).
func isExportedSeries(name string, exported map[string]bool) bool {
	if exported[name] {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if family, ok := strings.CutSuffix(name, suffix); ok && exported[family] {
			return true
		}
	}
	return false
}

// TestDashboardCoversDetectorMetrics checks the other direction: every
// detector metric an operator needs is on the dashboard.
func TestDashboardCoversDetectorMetrics(t *testing.T) {
	d := loadDashboard(t)
	used := map[string]bool{}
	for _, q := range dashboardQueries(t, d) {
		names, err := promqlMetricNames(q.expr)
		if err != nil {
			continue // reported by TestDashboardQueriesOnlyExportedMetrics
		}
		for _, name := range names {
			used[name] = true
		}
	}
	want := []string{
		"oktadetect_events_total",
		"oktadetect_alerts_total",
		"oktadetect_duplicates_total",
		"oktadetect_decode_errors_total",
		"oktadetect_alerts_capped_total",
		"oktadetect_dead_letter_total",
		"oktadetect_processing_seconds_bucket",
		"oktadetect_event_lag_seconds_bucket",
		"oktadetect_consumer_lag",
		"process_cpu_seconds_total",
		"process_resident_memory_bytes",
		"oktadetect_kafka_read_bytes_total",
	}
	for _, name := range want {
		if !used[name] {
			t.Errorf("no panel queries %s", name)
		}
	}
}

func TestDashboardHasPanelsOperatorsNeed(t *testing.T) {
	d := loadDashboard(t)
	var titles []string
	for _, p := range allPanels(d.Panels) {
		titles = append(titles, p.Title)
	}
	for _, want := range []string{
		"Throughput by topic",
		"Alerts by rule",
		"Duplicates dropped",
		"Capped alerts",
		"Decode errors by reason",
		"Dead letters",
		"Consumer lag by partition",
		"Total consumer lag",
		"Event latency",
		"Batch processing time",
		"CPU per pod",
		"Memory per pod",
	} {
		if !slices.Contains(titles, want) {
			t.Errorf("no panel titled %q (have %q)", want, titles)
		}
	}
}
