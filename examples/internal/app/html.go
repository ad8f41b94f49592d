package app

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/dcrc-go/dcrc/retention"
)

// bar is one bar of a chart.
type bar struct {
	Label string
	Value float64 // in 0..1 of the chart's scale
	Text  string  // printed at the end of the bar
	Color string
}

// hbars draws a horizontal bar chart as inline SVG.
func hbars(id, title string, bars []bar) template.HTML {
	const rowH, labelW, barW, textW = 22, 170, 420, 110
	h := 36 + rowH*max(len(bars), 1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" role="img" aria-label="%s" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg">`,
		id, template.HTMLEscapeString(title), labelW+barW+textW, h)
	fmt.Fprintf(&b, `<text x="0" y="18" class="title">%s</text>`, template.HTMLEscapeString(title))
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="0" y="48" class="label">no data yet</text>`)
	}
	for i, br := range bars {
		y := 30 + i*rowH
		w := int(br.Value*barW + 0.5)
		color := br.Color
		if color == "" {
			color = "#2b6cb0"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="label" text-anchor="end">%s</text>`, labelW-8, y+15, template.HTMLEscapeString(br.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="3" fill="%s"><title>%s: %s</title></rect>`,
			labelW, y+3, max(w, 1), rowH-6, color, template.HTMLEscapeString(br.Label), template.HTMLEscapeString(br.Text))
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="value">%s</text>`, labelW+w+6, y+15, template.HTMLEscapeString(br.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// vbars draws a vertical bar chart (a time series) as inline SVG, on the
// same 700-unit width as hbars so that text keeps its size.
func vbars(id, title string, bars []bar) template.HTML {
	const width, chartH, top, left = 700, 170, 44, 40
	colW := 38
	if len(bars) > 0 {
		colW = min(colW, (width-left-10)/len(bars))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" role="img" aria-label="%s" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg">`,
		id, template.HTMLEscapeString(title), width, top+chartH+56)
	fmt.Fprintf(&b, `<text x="0" y="18" class="title">%s</text>`, template.HTMLEscapeString(title))
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="0" y="48" class="label">no data yet</text>`)
	}
	for i, br := range bars {
		h := int(br.Value*chartH + 0.5)
		x := left + i*colW
		mid := x + (colW-6)/2
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="3" fill="#c05621"><title>%s: %s</title></rect>`,
			x, top+chartH-h, colW-6, max(h, 1), template.HTMLEscapeString(br.Label), template.HTMLEscapeString(br.Text))
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="value" text-anchor="middle">%s</text>`, mid, top+chartH-h-4, template.HTMLEscapeString(br.Text))
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="label" text-anchor="end" transform="rotate(-45 %d %d)">%s</text>`,
			mid, top+chartH+14, mid, top+chartH+14, template.HTMLEscapeString(br.Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func rate(r retention.Ratio) float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

var statusColors = map[retention.Status]string{
	retention.StatusNew: "#38a169", retention.StatusActive: "#2f855a", retention.StatusRegular: "#3182ce",
	retention.StatusSwing: "#d69e2e", retention.StatusLost: "#c53030", retention.StatusDormant: "#718096",
	retention.StatusScrapped: "#a0aec0",
}

type tile struct{ Label, Value, Note string }

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dcrc — {{.Scope}} as of {{.AsOf}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f7fafc;color:#1a202c}
header{background:#1a365d;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;opacity:.8}
main{padding:20px 28px;max-width:1200px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px;margin-bottom:20px}
.tile{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.tile .v{font-size:26px;font-weight:600} .tile .l{font-size:13px;color:#4a5568} .tile .n{font-size:11px;color:#718096}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px;align-items:start}
.card{background:#fff;border-radius:8px;padding:14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
svg .title{font-size:15px;font-weight:600;fill:#1a202c} svg .label{font-size:12px;fill:#4a5568} svg .value{font-size:12px;fill:#1a202c}
footer{padding:10px 28px 30px;color:#718096;font-size:12px}
</style></head>
<body>
<header><h1>After-sales retention — {{.Scope}}</h1><p>as of {{.AsOf}} · {{.Vehicles}} vehicles · {{.Tasks}} tasks today</p></header>
<main>
<section class="tiles">{{range .Tiles}}<div class="tile"><div class="v">{{.Value}}</div><div class="l">{{.Label}}</div><div class="n">{{.Note}}</div></div>{{end}}</section>
<section class="grid">{{range .Charts}}<div class="card">{{.}}</div>{{end}}</section>
</main>
<footer>Generated by dcrc. Rules and thresholds: POLICY.md. Rates are exact counts; n/a where there are no cases.</footer>
</body></html>
`))

// WriteHTML writes the KPIs as a self-contained page with inline SVG charts
// (no scripts, no network): status distribution, loss by month and by
// advisor, FFV by advisor and the reminder return rate by touch.
func (k *KPIs) WriteHTML(w io.Writer) error {
	s := &k.Status
	var total int64
	for _, sc := range s.VehicleStatus {
		total += sc.Count
	}
	var status []bar
	for _, sc := range s.VehicleStatus {
		v := 0.0
		if total > 0 {
			v = float64(sc.Count) / float64(total)
		}
		status = append(status, bar{Label: sc.Status.String(), Value: v,
			Text: fmt.Sprintf("%d (%s%%)", sc.Count, sc.Share.Shift(2).StringFixed(1)), Color: statusColors[sc.Status]})
	}
	months := s.LostByMonth
	if len(months) > 18 {
		months = months[len(months)-18:]
	}
	var most int64 = 1
	for _, g := range months {
		most = max(most, g.Lost.Num)
	}
	var byMonth []bar
	for _, g := range months {
		byMonth = append(byMonth, bar{Label: g.Key, Value: float64(g.Lost.Num) / float64(most), Text: fmt.Sprint(g.Lost.Num)})
	}
	ratioBars := func(rows []struct {
		key string
		r   retention.Ratio
	}, color string, worstFirst bool) []bar {
		slices.SortStableFunc(rows, func(a, b struct {
			key string
			r   retention.Ratio
		}) int {
			if worstFirst {
				return cmp.Compare(rate(b.r), rate(a.r))
			}
			return cmp.Compare(rate(a.r), rate(b.r))
		})
		var out []bar
		for i, row := range rows {
			if i == 15 {
				break
			}
			out = append(out, bar{Label: row.key, Value: rate(row.r), Text: fmt.Sprintf("%s (%s)", pct(row.r), row.r), Color: color})
		}
		return out
	}
	type kr = struct {
		key string
		r   retention.Ratio
	}
	var lostAdv, ffvAdv, returns []kr
	for _, g := range s.LostByAdvisor {
		if g.Key != "" {
			lostAdv = append(lostAdv, kr{g.Key, g.Lost})
		}
	}
	for _, r := range k.FFV.ByAdvisor {
		if r.Key != "" {
			ffvAdv = append(ffvAdv, kr{r.Key, r.FFV})
		}
	}
	for _, g := range k.Returns.ByTouch {
		returns = append(returns, kr{g.Key, g.Returned})
	}
	csi := "n/a"
	if k.CSI.Index != nil {
		csi = k.CSI.Index.StringFixed(0)
	}
	mean := "n/a"
	if m, ok := k.Surveys.All.Mean.Decimal(2); ok {
		mean = m.StringFixed(2)
	}
	scope := "whole network"
	if k.Dealer != "" {
		scope = "dealer " + k.Dealer
	}
	data := struct {
		Scope, AsOf     string
		Vehicles, Tasks int
		Tiles           []tile
		Charts          []template.HTML
	}{Scope: scope, AsOf: k.AsOf, Vehicles: int(s.Vehicles), Tasks: k.TaskCount,
		Tiles: []tile{
			{"Effective customers", fmt.Sprint(s.EffectiveCustomers), fmt.Sprintf("of %d retained", s.RetainedCustomers)},
			{"Hold rate", pct(s.HoldRate), s.HoldRate.String() + " came back within a year"},
			{"Win-back rate", pct(s.WinBackRate), s.WinBackRate.String() + " lost a year ago, back since"},
			{"First-time fix", pct(k.FFV.All.FFV), k.FFV.All.FFV.String() + " repairs, last 12 months"},
			{"Satisfaction S", mean, "1–5 scale, last 12 months"},
			{"CSI", csi, "0–1000"},
			{"Complaints within SLA", pct(k.Complaints.WithinSLA), fmt.Sprintf("%d open and overdue", len(k.Complaints.Overdue))},
			{"Reminder return rate", pct(k.Returns.All), k.Returns.All.String() + " visited within 30 days"},
		},
		Charts: []template.HTML{
			hbars("status", "Vehicles by status", status),
			vbars("loss-by-month", "Lost vehicles by month of their last visit", byMonth),
			hbars("loss-by-advisor", "Loss rate by service advisor of the last visit", ratioBars(lostAdv, "#c53030", true)),
			hbars("ffv-by-advisor", "First-time fix rate by service advisor", ratioBars(ffvAdv, "#2f855a", false)),
			hbars("return-rate", "Reminder return rate by touch", ratioBars(returns, "#6b46c1", true)),
		}}
	return page.Execute(w, data)
}
