package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseReportReadsInitAndDuration(t *testing.T) {
	tests := []struct {
		name, text  string
		init, first time.Duration
		ok          bool
	}{
		{
			"builtin", "REPORT RequestId: id\tDuration: 1.25 ms\tBilled Duration: 14 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\tInit Duration: 12.50 ms\n",
			12500 * time.Microsecond, 1250 * time.Microsecond, true,
		},
		{
			"the first of two", "REPORT RequestId: a\tDuration: 2.00 ms\tInit Duration: 3.00 ms\nREPORT RequestId: b\tDuration: 9.00 ms\n",
			3 * time.Millisecond, 2 * time.Millisecond, true,
		},
		{"a warm invocation", "REPORT RequestId: id\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\n", 0, time.Millisecond, false},
		{"none", "a log line\n", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			init, first, ok := parseReport(tt.text)

			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Equal(t, tt.init, init)
				assert.Equal(t, tt.first, first)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	assert.Equal(t, time.Duration(0), median(nil))
	assert.Equal(t, time.Duration(5), median([]time.Duration{9, 5, 1}))
	assert.Equal(t, time.Duration(4), median([]time.Duration{9, 5, 3, 1}))
}

func TestOfflineEnvKeepsNoAWSAccessButTheRegion(t *testing.T) {
	saved := stackPlaceholders
	stackPlaceholders = []string{"TABLE_NAME=measure-table"}
	t.Cleanup(func() { stackPlaceholders = saved })

	env := offlineEnv([]string{
		"PATH=/bin", "AWS_PROFILE=prod", "AWS_SESSION_TOKEN=secret", "AWS_ENDPOINT_URL_DYNAMODB=https://real",
		"AWS_REGION=eu-west-1", "TABLE_NAME=real-table",
	}, "http://127.0.0.1:9")

	for _, key := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_DYNAMODB"} {
		assert.Empty(t, lookupEnv(env, key), key)
	}
	assert.Equal(t, "/bin", lookupEnv(env, "PATH"))
	assert.Equal(t, "eu-west-1", lookupEnv(env, "AWS_REGION"))
	assert.Equal(t, "http://127.0.0.1:9", lookupEnv(env, "AWS_ENDPOINT_URL"))
	assert.Equal(t, "1", lookupEnv(env, "AWS_MAX_ATTEMPTS"))
	assert.Equal(t, "measure-table", lookupEnv(env, "TABLE_NAME"), "the placeholder wins")
}

// measureProject lays out a project of one function, "echo", whose deployed bootstrap is a
// small file and whose local one is this test binary (see testBootstrap), with a sample event.
func measureProject(t *testing.T, mode string) measureArgs {
	t.Helper()
	useEchoFunction(t, mode)
	dir := t.TempDir()
	args := measureArgs{
		buildDir:     filepath.Join(dir, "build"),
		bootstrapDir: filepath.Join(dir, "build", "local"),
		eventsDir:    filepath.Join(dir, "events"),
		budgetFile:   filepath.Join(dir, "performance-budget.json"),
		runs:         1,
	}
	for _, d := range []string{filepath.Join(args.buildDir, "echo"), filepath.Join(args.bootstrapDir, "echo"), filepath.Join(args.eventsDir, "echo")} {
		require.NoError(t, os.MkdirAll(d, 0o750))
	}
	require.NoError(t, os.WriteFile(filepath.Join(args.buildDir, "echo", "bootstrap"), bytes.Repeat([]byte("x"), 100_000), 0o600))
	require.NoError(t, os.Symlink(testBinary(t), filepath.Join(args.bootstrapDir, "echo", "bootstrap")))
	require.NoError(t, os.WriteFile(filepath.Join(args.eventsDir, "echo", "hello.json"), []byte(`{"say":"hi"}`), 0o600))
	return args
}

func TestMeasureWithoutABudgetPrintsTheFiguresAndSaysHowToWriteOne(t *testing.T) {
	args := measureProject(t, "echo")
	var stdout, stderr bytes.Buffer

	err := measure(t.Context(), options{}, args, &stdout, &stderr)

	require.NoError(t, err, stderr.String())
	assert.Regexp(t, `(?m)^echo +100,000 +\d[\d,]* +\d+\.\d +\d+\.\d +-$`, stdout.String())
	assert.Contains(t, stdout.String(), "make measure BUDGET=write writes one")
	assert.NoFileExists(t, args.budgetFile)
}

func TestMeasureFailsPastTheBudgetAndWritesIt(t *testing.T) {
	args := measureProject(t, "echo")
	args.writeBudget = true
	require.NoError(t, measure(t.Context(), options{}, args, &bytes.Buffer{}, &bytes.Buffer{}))
	written, found, err := readBudget(args.budgetFile)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, int64(100_000), written.Functions["echo"].BootstrapBytes)
	// This run's INIT is a few milliseconds of a test binary on a machine that may be busy (the
	// race detector, other packages' tests): only the sizes have to repeat exactly.
	echo := written.Functions["echo"]
	echo.InitMS = 60_000
	written.Functions["echo"] = echo
	data, err := json.Marshal(written)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(args.budgetFile, data, 0o600))

	args.writeBudget = false
	args.summary = filepath.Join(t.TempDir(), "summary.md")
	require.NoError(t, measure(t.Context(), options{}, args, &bytes.Buffer{}, &bytes.Buffer{}), "within the budget it just wrote")

	written.Functions["echo"] = figures{BootstrapBytes: 50_000, ZippedBytes: echo.ZippedBytes}
	data, err = json.Marshal(written)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(args.budgetFile, data, 0o600))
	var stdout, stderr bytes.Buffer
	err = measure(t.Context(), options{}, args, &stdout, &stderr)

	require.ErrorIs(t, err, errReported)
	assert.Equal(t, "echo: bootstrap_bytes is 100,000 B, 100.0% over its budget of 50,000 B (the margin is 10%)\n", stderr.String())
	assert.Regexp(t, `(?m)^echo .* OVER: bootstrap_bytes$`, stdout.String())
	summary, err := os.ReadFile(args.summary)
	require.NoError(t, err)
	assert.Contains(t, string(summary), "| echo | 100,000 | ")
	assert.Contains(t, string(summary), "- echo: bootstrap_bytes is 100,000 B")
}

func TestMeasureFailsWhenAFunctionCannotStart(t *testing.T) {
	args := measureProject(t, "init-failure")
	var stdout, stderr bytes.Buffer

	err := measure(t.Context(), options{}, args, &stdout, &stderr)

	require.ErrorIs(t, err, errReported)
	first, _, _ := strings.Cut(stderr.String(), "\n")
	assert.Equal(t, "echo: Runtime.ExitError: initialization failed: environment variable TABLE_NAME is required (exit status 1)", first)
}
