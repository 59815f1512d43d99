package perf

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Chart geometry, in SVG user units. The two panels share one vertical
// scale layout: the bars on the left, the scaling line on the right.
const (
	chartWidth   = 920
	chartHeight  = 468
	plotTop      = 124
	plotBottom   = 388
	leftX0       = 78
	leftX1       = 430
	rightX0      = 540
	rightX1      = 890
	chartFont    = `system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif`
	colorText    = "#1f2933"
	colorMuted   = "#616e7c"
	colorGrid    = "#e4e7eb"
	colorAxis    = "#9aa5b1"
	colorCeiling = "#9aa5b1"
	colorALO     = "#2f6fb0"
	colorEOS     = "#d9822b"
)

// Chart renders throughput.svg: the consume-only ceiling against the
// detector (and the exactly-once detector when measured) as bars, and the
// aggregate throughput of 1..N detector processes as a line, with the
// ceiling and linear scaling as references. It is plain SVG 1.1 without
// scripts or external resources.
func (r *Report) Chart() []byte {
	c := &svg{}
	c.open()
	c.text(chartWidth/2, 30, "middle", 18, "600", colorText, "oktadetect bench: events per second")
	sub1, sub2 := r.chartSubtitle()
	c.text(chartWidth/2, 52, "middle", 12, "400", colorMuted, sub1)
	c.text(chartWidth/2, 68, "middle", 12, "400", colorMuted, sub2)
	r.barPanel(c)
	r.scalingPanel(c)
	c.close()
	return c.b.Bytes()
}

// chartSubtitle is two lines of conditions: where, and on what.
func (r *Report) chartSubtitle() (string, string) {
	broker := r.Broker.Version
	if r.Params.Embedded {
		broker = "embedded kfake (checks the harness, not a real figure)"
	} else if r.Broker.Loopback {
		broker += " on loopback"
	}
	line1 := strings.Join([]string{r.Date.UTC().Format("2006-01-02"), broker,
		fmt.Sprintf("%s, %d cores", r.Machine.CPUModel, r.Machine.Cores), r.Machine.GoVersion}, " · ")
	parts := []string{
		fmt.Sprintf("%s events of %s–%s bytes", count(r.Events), count(r.Params.EventSizeMin), count(r.Params.EventSizeMax)),
		fmt.Sprintf("%d partitions", r.Params.Partitions),
		fmt.Sprintf("match rate %s, dup rate %s", percent(r.Params.MatchRate), percent(r.Params.DupRate)),
	}
	if r.Machine.Busy {
		parts = append(parts, fmt.Sprintf("BUSY machine (load %.1f at start)", r.Machine.LoadAverageStart[0]))
	}
	return line1, strings.Join(parts, " · ")
}

// barPanel draws the ceiling and detector bars.
func (r *Report) barPanel(c *svg) {
	type bar struct {
		label, sub string
		v          float64
		runs       []Pass
		color      string
	}
	bars := []bar{
		{"consume-only", "ceiling", r.Ceiling.EventsPerSec, r.CeilingRuns, colorCeiling},
		{"detector", "at-least-once", r.Detector.EventsPerSec, r.DetectorRuns, colorALO},
	}
	if r.ExactlyOnce != nil {
		bars = append(bars, bar{"detector", "exactly-once", r.ExactlyOnce.Detector.EventsPerSec, r.ExactlyOnce.Runs, colorEOS})
	}
	top := 0.0
	for _, b := range bars {
		_, hi := minMaxRate(b.runs)
		top = max(top, finite(b.v), finite(hi))
	}
	yMax, step := niceScale(top)
	title := "One process"
	if n := len(r.DetectorRuns); n > 1 {
		title = fmt.Sprintf("One process: median and range of %d runs", n)
	}
	c.text((leftX0+leftX1)/2, plotTop-26, "middle", 13, "600", colorText, title)
	c.yAxis(leftX0, leftX1, yMax, step)

	slot := float64(leftX1-leftX0) / float64(len(bars))
	width := math.Min(slot*0.56, 90)
	for i, b := range bars {
		v := finite(b.v)
		cx := float64(leftX0) + slot*(float64(i)+0.5)
		y := yOf(v, yMax)
		c.rect(cx-width/2, y, width, float64(plotBottom)-y, b.color)
		labelY := y
		if len(b.runs) > 1 {
			// The range of the runs, as a whisker over the median.
			lo, hi := minMaxRate(b.runs)
			yLo, yHi := yOf(finite(lo), yMax), yOf(finite(hi), yMax)
			c.line(cx, yLo, cx, yHi, colorText, 1.5, "")
			c.line(cx-6, yHi, cx+6, yHi, colorText, 1.5, "")
			c.line(cx-6, yLo, cx+6, yLo, colorText, 1.5, "")
			labelY = min(labelY, yHi)
		}
		label := rate(v)
		if i > 0 {
			label += fmt.Sprintf(" (%.0f%%)", 100*ratio(v, r.Ceiling.EventsPerSec))
		}
		c.text(cx, labelY-6, "middle", 12, "600", colorText, label)
		c.text(cx, plotBottom+18, "middle", 12, "400", colorText, b.label)
		c.text(cx, plotBottom+33, "middle", 11, "400", colorMuted, b.sub)
	}
}

// scalingPanel draws aggregate throughput against process count.
func (r *Report) scalingPanel(c *svg) {
	c.text((rightX0+rightX1)/2, plotTop-26, "middle", 13, "600", colorText, "Detector processes in one group")
	pts := r.Scaling
	if len(pts) == 0 {
		c.text((rightX0+rightX1)/2, (plotTop+plotBottom)/2, "middle", 12, "400", colorMuted, "no scaling pass")
		return
	}
	kMin, kMax := pts[0].Consumers, pts[len(pts)-1].Consumers
	base := 0.0 // one process's rate, the start of the linear reference
	top := finite(r.Ceiling.EventsPerSec)
	for _, p := range pts {
		top = max(top, finite(p.EventsPerSec))
		if p.Consumers == 1 {
			base = finite(p.EventsPerSec)
		}
	}
	if base > 0 {
		top = max(top, base*float64(kMax))
	}
	yMax, step := niceScale(top)
	c.yAxis(rightX0, rightX1, yMax, step)

	xOf := func(k int) float64 {
		if kMax == kMin {
			return float64(rightX0+rightX1) / 2
		}
		pad := 30.0
		return float64(rightX0) + pad + (float64(rightX1-rightX0)-2*pad)*float64(k-kMin)/float64(kMax-kMin)
	}
	for _, p := range pts {
		x := xOf(p.Consumers)
		c.line(x, plotBottom, x, plotBottom+4, colorAxis, 1, "")
		c.text(x, plotBottom+18, "middle", 12, "400", colorText, strconv.Itoa(p.Consumers))
	}
	c.text((rightX0+rightX1)/2, plotBottom+36, "middle", 11, "400", colorMuted, "processes (events/s summed over them)")

	// References first, so the measured line is drawn over them.
	if ceil := finite(r.Ceiling.EventsPerSec); ceil > 0 {
		y := yOf(ceil, yMax)
		c.line(rightX0, y, rightX1, y, colorCeiling, 1.5, "6 4")
		c.text(rightX1-4, y-5, "end", 11, "400", colorMuted, "consume-only ceiling, 1 process")
	}
	if base > 0 && kMax > 1 {
		c.line(xOf(1), yOf(base, yMax), xOf(kMax), yOf(base*float64(kMax), yMax), colorAxis, 1, "2 4")
		c.text(xOf(kMax)-6, yOf(base*float64(kMax), yMax)+14, "end", 11, "400", colorMuted, "linear")
	}
	var path []string
	for _, p := range pts {
		path = append(path, fmt.Sprintf("%.1f,%.1f", xOf(p.Consumers), yOf(finite(p.EventsPerSec), yMax)))
	}
	c.polyline(strings.Join(path, " "), colorALO, 2.5)
	for _, p := range pts {
		x, y := xOf(p.Consumers), yOf(finite(p.EventsPerSec), yMax)
		c.circle(x, y, 4.5, colorALO)
		c.text(x, y-10, "middle", 12, "600", colorText, rate(p.EventsPerSec))
	}
}

// yOf maps a value to the plot's vertical coordinate.
func yOf(v, yMax float64) float64 {
	return plotBottom - (plotBottom-plotTop)*math.Min(v/yMax, 1)
}

// niceScale returns an axis maximum at or above v and a tick step from the
// 1-2-2.5-5 series, giving four to six ticks.
func niceScale(v float64) (yMax, step float64) {
	if !(v > 0) || math.IsInf(v, 0) {
		return 1, 0.25
	}
	raw := v / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * mag; step >= raw {
			break
		}
	}
	return math.Ceil(v/step-1e-9) * step, step
}

// short formats an axis value: 0, 750, 12.5k, 1.2M.
func short(v float64) string {
	trim := func(s string) string { return strings.TrimSuffix(strings.TrimRight(s, "0"), ".") }
	switch a := math.Abs(v); {
	case a >= 1e6:
		return trim(strconv.FormatFloat(v/1e6, 'f', 2, 64)) + "M"
	case a >= 1e3:
		return trim(strconv.FormatFloat(v/1e3, 'f', 1, 64)) + "k"
	}
	return trim(strconv.FormatFloat(v, 'f', 2, 64))
}

// finite maps NaN, infinities and negatives to 0, so that a failed figure
// draws as nothing rather than breaking the document.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// svg accumulates an SVG document.
type svg struct{ b bytes.Buffer }

func (s *svg) open() {
	fmt.Fprintf(&s.b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		chartWidth, chartHeight, chartWidth, chartHeight, escape(chartFont))
	fmt.Fprintf(&s.b, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", chartWidth, chartHeight)
}

func (s *svg) close() { s.b.WriteString("</svg>\n") }

// yAxis draws horizontal grid lines with their labels, and the baseline.
func (s *svg) yAxis(x0, x1 int, yMax, step float64) {
	for v := 0.0; v <= yMax+step/2; v += step {
		y := yOf(v, yMax)
		s.line(float64(x0), y, float64(x1), y, colorGrid, 1, "")
		s.text(float64(x0)-8, y+4, "end", 11, "400", colorMuted, short(v))
	}
	s.line(float64(x0), plotBottom, float64(x1), plotBottom, colorAxis, 1, "")
}

func (s *svg) text(x, y float64, anchor string, size int, weight, color, text string) {
	fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-size="%d" font-weight="%s" fill="%s">%s</text>`+"\n",
		x, y, anchor, size, weight, color, escape(text))
}

func (s *svg) rect(x, y, w, h float64, fill string) {
	fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3" fill="%s"/>`+"\n", x, y, w, math.Max(h, 0), fill)
}

func (s *svg) line(x0, y0, x1, y1 float64, stroke string, width float64, dash string) {
	extra := ""
	if dash != "" {
		extra = fmt.Sprintf(` stroke-dasharray="%s"`, dash)
	}
	fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"%s/>`+"\n",
		x0, y0, x1, y1, stroke, width, extra)
}

func (s *svg) polyline(points, stroke string, width float64) {
	fmt.Fprintf(&s.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%.1f" stroke-linejoin="round"/>`+"\n",
		points, stroke, width)
}

func (s *svg) circle(x, y, r float64, fill string) {
	fmt.Fprintf(&s.b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="#ffffff" stroke-width="1.5"/>`+"\n", x, y, r, fill)
}

func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
