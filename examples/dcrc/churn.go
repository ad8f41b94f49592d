package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/dcrc-go/dcrc/classify/churn"
	"github.com/dcrc-go/dcrc/retention"
)

// churnOut is what `dcrc churn` prints.
type churnOut struct {
	Model         string                   `json:"model"`
	Unit          string                   `json:"unit"`
	Params        map[string]float64       `json:"params"`
	LogLikelihood float64                  `json:"logLikelihood"`
	Horizon       float64                  `json:"horizon"`
	Holdout       *churn.HoldoutComparison `json:"holdout,omitempty"`
	Customers     []churnCustomer          `json:"customers"`
}

type churnCustomer struct {
	ID        string  `json:"id"`
	Frequency int     `json:"frequency"`
	Recency   float64 `json:"recency"`
	T         float64 `json:"T"`
	PAlive    float64 `json:"pAlive"`
	Expected  float64 `json:"expected"`
}

func churnCmd(args []string, stdout io.Writer) error {
	c := newCommand("churn", "churn --events events.csv --calibration-end DATE --unit week|day [--model bg-nbd|pareto-nbd] [--horizon N]", stdout)
	fs := c.fs
	events := fs.String("events", "", "a CSV with a header and the columns customer and date (YYYY-MM-DD); other columns are ignored")
	end := fs.String("calibration-end", "", "the last day of the calibration period, YYYY-MM-DD")
	unitName := fs.String("unit", "week", "the time unit: week or day")
	modelName := fs.String("model", "bg-nbd", "bg-nbd or pareto-nbd")
	horizon := fs.Float64("horizon", 0, "expected events are for this many units after the calibration end (default: as long as the calibration)")
	if err := c.parse(args); err != nil {
		return err
	}
	calEnd, err := retention.ParseDate(*end)
	if err != nil {
		return bad("--calibration-end: %v", err)
	}
	unit, err := churn.ParseUnit(*unitName)
	if err != nil {
		return inputError{err}
	}
	model, err := churn.ParseModel(*modelName)
	if err != nil {
		return inputError{err}
	}
	if *horizon < 0 {
		return bad("--horizon: %v is negative", *horizon)
	}
	evs, err := readEvents(*events)
	if err != nil {
		return err
	}
	ss := churn.Summarize(evs, calEnd, unit)
	f, err := churn.FitModel(model, ss)
	if err != nil {
		return err
	}
	h := *horizon
	if h == 0 {
		for _, s := range ss {
			h = max(h, s.T)
		}
	}
	out := churnOut{Model: model.String(), Unit: unit.String(), Params: f.Named(), LogLikelihood: f.LogLikelihood,
		Horizon: h, Customers: make([]churnCustomer, 0, len(ss))}
	if slices.ContainsFunc(ss, func(s churn.Summary) bool { return s.Holdout > 0 }) {
		hc := f.Holdout(ss, h)
		out.Holdout = &hc
	}
	for _, s := range ss {
		out.Customers = append(out.Customers, churnCustomer{ID: s.Customer, Frequency: s.Frequency, Recency: s.Recency,
			T: s.T, PAlive: f.PAlive(s), Expected: f.Expected(s, h)})
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	return w.Flush()
}

// readEvents reads the CSV of `dcrc churn`; errors name the line and column.
func readEvents(path string) ([]churn.Event, error) {
	r, err := openInput(path, "events")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, bad("%s: no header: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	ci, ok1 := col["customer"]
	di, ok2 := col["date"]
	if !ok1 || !ok2 {
		return nil, bad("%s: the header needs the columns customer and date, got %q", path, header)
	}
	var out []churn.Event
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bad("%s: %v", path, err)
		}
		if ci >= len(rec) || di >= len(rec) || rec[ci] == "" {
			return nil, bad("%s:%d: customer: missing", path, line)
		}
		on, err := retention.ParseDate(rec[di])
		if err != nil {
			return nil, bad("%s:%d: date: %v", path, line, err)
		}
		out = append(out, churn.Event{Customer: rec[ci], On: on})
	}
	if len(out) == 0 {
		return nil, bad("%s: no events", path)
	}
	return out, nil
}
