package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
)

// budget is the performance budget file (performance-budget.json): each function's figures as
// last accepted, and how far past them each figure may go, in percent. The project owns it:
// make measure BUDGET=write writes it from the current figures, and you commit it.
type budget struct {
	Margins   margins            `json:"margin_percent"`
	Functions map[string]figures `json:"functions"`
}

// figures are the budgeted figures of one function. A zero figure is not checked.
type figures struct {
	BootstrapBytes int64   `json:"bootstrap_bytes"`
	ZippedBytes    int64   `json:"zipped_bytes"`
	InitMS         float64 `json:"init_ms"`
}

// margins say how many percent over its budget each figure may be; a null one is reported and
// never checked. Sizes are the same on every machine for the same Go and modules; INIT is a
// duration on whatever machine measures it, so its margin is a generous one.
type margins struct {
	BootstrapBytes *float64 `json:"bootstrap_bytes"`
	ZippedBytes    *float64 `json:"zipped_bytes"`
	InitMS         *float64 `json:"init_ms"`
}

func percent(p float64) *float64 { return &p }

// defaultMargins: 10% for the sizes, and INIT may double before it fails.
func defaultMargins() margins {
	return margins{BootstrapBytes: percent(10), ZippedBytes: percent(10), InitMS: percent(100)}
}

// readBudget reads the budget file; found is false when there is none.
func readBudget(path string) (b budget, found bool, err error) {
	data, err := os.ReadFile(path) //nolint:gosec // G304: the path comes from the Makefile.
	if errors.Is(err, fs.ErrNotExist) {
		return budget{}, false, nil
	}
	if err != nil {
		return budget{}, false, err
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return budget{}, false, fmt.Errorf("%s: %w", path, err)
	}
	return b, true, nil
}

// writeBudget writes the measured figures as the budget, keeping the margins of the file it
// replaces (the defaults for a new one). Functions that are no longer measured leave it.
func writeBudget(path string, old budget, found bool, measured []measurement) error {
	b := budget{Margins: defaultMargins(), Functions: map[string]figures{}}
	if found {
		b.Margins = old.Margins
	}
	for _, m := range measured {
		b.Functions[m.name] = figures{
			BootstrapBytes: m.size,
			ZippedBytes:    m.zipped,
			InitMS:         math.Round(ms(m.init)*10) / 10,
		}
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644) //nolint:gosec // G306: a file the project commits.
}

// overrun is one figure of one function past its budget by more than its margin.
type overrun struct {
	function string
	figure   string // the figure's key in the budget file
	measured float64
	budget   float64
	margin   float64 // percent
	unit     string
}

func (o overrun) String() string {
	return fmt.Sprintf("%s: %s is %s %s, %.1f%% over its budget of %s %s (the margin is %g%%)",
		o.function, o.figure, formatFigure(o.measured, o.unit), o.unit,
		(o.measured/o.budget-1)*100, formatFigure(o.budget, o.unit), o.unit, o.margin)
}

// compare returns the figures past their budget by more than their margin, in the order of
// the measurements, and the functions the budget has no figures for.
func compare(b budget, measured []measurement) (over []overrun, unbudgeted []string) {
	for _, m := range measured {
		limit, ok := b.Functions[m.name]
		if !ok {
			unbudgeted = append(unbudgeted, m.name)
			continue
		}
		checks := []struct {
			figure           string
			measured, budget float64
			margin           *float64
			unit             string
		}{
			{"bootstrap_bytes", float64(m.size), float64(limit.BootstrapBytes), b.Margins.BootstrapBytes, "B"},
			{"zipped_bytes", float64(m.zipped), float64(limit.ZippedBytes), b.Margins.ZippedBytes, "B"},
			{"init_ms", ms(m.init), limit.InitMS, b.Margins.InitMS, "ms"},
		}
		for _, c := range checks {
			if c.margin == nil || c.budget <= 0 || c.measured <= 0 {
				continue
			}
			if c.measured > c.budget*(1+*c.margin/100) {
				over = append(over, overrun{m.name, c.figure, c.measured, c.budget, *c.margin, c.unit})
			}
		}
	}
	return over, unbudgeted
}
