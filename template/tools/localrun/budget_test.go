package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompareFindsTheFiguresPastTheirMargin(t *testing.T) {
	limits := budget{
		Margins:   defaultMargins(),
		Functions: map[string]figures{"api": {BootstrapBytes: 1000, ZippedBytes: 400, InitMS: 20}},
	}
	measured := func(size, zipped int64, init time.Duration) []measurement {
		return []measurement{
			{name: "api", size: size, zipped: zipped, init: init},
		}
	}
	tests := []struct {
		name     string
		budget   budget
		measured []measurement
		want     []string // function: figure
	}{
		{"within", limits, measured(1000, 400, 20*time.Millisecond), nil},
		{"smaller", limits, measured(500, 200, 5*time.Millisecond), nil},
		{"exactly at the margin", limits, measured(1100, 440, 40*time.Millisecond), nil},
		{"bootstrap past", limits, measured(1101, 400, 20*time.Millisecond), []string{"api: bootstrap_bytes"}},
		{"zipped past", limits, measured(1000, 441, 20*time.Millisecond), []string{"api: zipped_bytes"}},
		{"init doubled and more", limits, measured(1000, 400, 41*time.Millisecond), []string{"api: init_ms"}},
		{
			"all past", limits, measured(2000, 800, 80*time.Millisecond),
			[]string{"api: bootstrap_bytes", "api: zipped_bytes", "api: init_ms"},
		},
		{"init not measured", limits, measured(1000, 400, 0), nil},
		{
			"a null margin is never checked",
			budget{Margins: margins{BootstrapBytes: percent(10)}, Functions: limits.Functions},
			measured(1000, 4000, time.Second), nil,
		},
		{
			"a zero figure is never checked",
			budget{Margins: defaultMargins(), Functions: map[string]figures{"api": {BootstrapBytes: 1000}}},
			measured(1000, 4000, time.Second), nil,
		},
		{
			"a margin of its own",
			budget{Margins: margins{ZippedBytes: percent(0)}, Functions: limits.Functions},
			measured(1000, 401, 0), []string{"api: zipped_bytes"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			over, unbudgeted := compare(tt.budget, tt.measured)

			var got []string
			for _, o := range over {
				got = append(got, o.function+": "+o.figure)
			}
			assert.Equal(t, tt.want, got)
			assert.Empty(t, unbudgeted)
		})
	}
}

func TestCompareListsTheFunctionsWithoutABudget(t *testing.T) {
	b := budget{Margins: defaultMargins(), Functions: map[string]figures{"api": {BootstrapBytes: 10}}}

	over, unbudgeted := compare(b, []measurement{
		{name: "api", size: 10},
		{name: "worker", size: 1 << 30},
	})

	assert.Empty(t, over)
	assert.Equal(t, []string{"worker"}, unbudgeted)
}

func TestAnOverrunNamesTheFunctionTheFigureAndTheBudget(t *testing.T) {
	o := overrun{function: "api", figure: "zipped_bytes", measured: 4_600_000, budget: 4_000_000, margin: 10, unit: "B"}

	assert.Equal(t, "api: zipped_bytes is 4,600,000 B, 15.0% over its budget of 4,000,000 B (the margin is 10%)", o.String())
}

func TestWriteBudgetKeepsTheMarginsAndDropsGoneFunctions(t *testing.T) {
	file := filepath.Join(t.TempDir(), "performance-budget.json")
	_, found, err := readBudget(file)
	require.NoError(t, err)
	require.False(t, found, "no file yet")

	require.NoError(t, writeBudget(file, budget{}, false, []measurement{
		{name: "api", size: 10_000, zipped: 4_000, init: 12_340 * time.Microsecond},
		{name: "old", size: 1},
	}))
	written, found, err := readBudget(file)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, defaultMargins(), written.Margins)
	assert.Equal(t, figures{BootstrapBytes: 10_000, ZippedBytes: 4_000, InitMS: 12.3}, written.Functions["api"])

	written.Margins.InitMS = nil // the user's choice: INIT reported only
	require.NoError(t, writeBudget(file, written, true, []measurement{
		{name: "api", size: 11_000, zipped: 4_100},
	}))
	rewritten, _, err := readBudget(file)
	require.NoError(t, err)
	assert.Nil(t, rewritten.Margins.InitMS)
	assert.Equal(t, map[string]figures{"api": {BootstrapBytes: 11_000, ZippedBytes: 4_100}}, rewritten.Functions)
}
