package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// measureHeader names the columns of make measure's table.
var measureHeader = []string{"function", "bootstrap (B)", "zipped (B)", "INIT (ms)", "first invoke (ms)", "budget"}

// tableRows are the measurements as the table shows them; budgeted says whether there is a
// budget file (written: one was just written from these figures).
func tableRows(measured []measurement, over []overrun, unbudgeted []string, budgeted, written bool) [][]string {
	rows := make([][]string, 0, len(measured))
	for _, m := range measured {
		status := "-"
		switch {
		case written:
			status = "written"
		case !budgeted:
		case contains(unbudgeted, m.name):
			status = "not in the budget"
		default:
			var past []string
			for _, o := range over {
				if o.function == m.name {
					past = append(past, o.figure)
				}
			}
			status = "ok"
			if len(past) > 0 {
				status = "OVER: " + strings.Join(past, ", ")
			}
		}
		init, first := formatDuration(m.init), formatDuration(m.first)
		if m.note != "" {
			first += " (" + m.note + ")"
		}
		rows = append(rows, []string{
			m.name, formatFigure(float64(m.size), "B"), formatFigure(float64(m.zipped), "B"), init, first, status,
		})
	}
	return rows
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// printTable writes the table in columns, the numbers aligned right.
func printTable(w io.Writer, rows [][]string) {
	widths := make([]int, len(measureHeader))
	for _, row := range append([][]string{measureHeader}, rows...) {
		for i, cell := range row {
			widths[i] = max(widths[i], len(cell))
		}
	}
	for _, row := range append([][]string{measureHeader}, rows...) {
		cells := make([]string, len(row))
		for i, cell := range row {
			switch i {
			case 0, len(row) - 1:
				cells[i] = fmt.Sprintf("%-*s", widths[i], cell)
			default:
				cells[i] = fmt.Sprintf("%*s", widths[i], cell)
			}
		}
		_, _ = fmt.Fprintln(w, strings.TrimRight(strings.Join(cells, "  "), " "))
	}
}

// appendSummary appends the table and the verdict in markdown to file, as GitHub's job
// summary ($GITHUB_STEP_SUMMARY) takes them.
func appendSummary(file string, rows [][]string, verdict string, over []overrun, runtime string) error {
	var b strings.Builder
	b.WriteString("## Performance budget\n\n")
	b.WriteString("| " + strings.Join(measureHeader, " | ") + " |\n")
	b.WriteString("|---|---:|---:|---:|---:|---|\n")
	for _, row := range rows {
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	b.WriteString("\n" + verdict + ".\n")
	for _, o := range over {
		b.WriteString("\n- " + o.String())
	}
	if len(over) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("\nSizes are those of the deployed bootstraps (`make build`); durations are medians of cold starts " +
		runtime + ", on this runner.\n")
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644) //nolint:gosec // G302,G304: the job summary file GitHub names.
	if err != nil {
		return err
	}
	_, err = f.WriteString(b.String())
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	return err
}

// formatFigure writes bytes with thousands separators and milliseconds to a tenth.
func formatFigure(v float64, unit string) string {
	if unit != "B" {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	digits := strconv.FormatInt(int64(v), 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

func formatDuration(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return formatFigure(ms(d), "ms")
}
