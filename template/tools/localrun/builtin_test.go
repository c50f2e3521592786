package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer that the runner's goroutines and the test may share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testBinary is this test binary, which TestMain turns into a bootstrap.
func testBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	return exe
}

// raceExitAtOnce keeps the race detector from waiting 1 s when a bootstrap (this test binary,
// built with -race) exits.
const raceExitAtOnce = "GORACE=atexit_sleep_ms=0"

// builtinRunner runs this test binary as a function in mode (see testBootstrap) under the
// builtin runner; logs and reports collect its output.
func builtinRunner(t *testing.T, mode string, timeout time.Duration) (b *builtin, logs, reports *syncBuffer) {
	t.Helper()
	logs, reports = &syncBuffer{}, &syncBuffer{}
	b = &builtin{
		cfg: functionConfig{
			name:      "echo",
			bootstrap: testBinary(t),
			memory:    256,
			timeout:   timeout,
			region:    "eu-central-1",
			env:       append(os.Environ(), "LOCALRUN_TEST_BOOTSTRAP="+mode, raceExitAtOnce),
		},
		out: &output{logs: logs, reports: reports},
	}
	t.Cleanup(b.stop)
	return b, logs, reports
}

func invokeJSON(t *testing.T, r runner, event any) ([]byte, error) {
	t.Helper()
	payload, err := json.Marshal(event)
	require.NoError(t, err)
	return r.invoke(context.Background(), payload)
}

func asInvocationError(t *testing.T, err error) *invocationError {
	t.Helper()
	var failed *invocationError
	require.ErrorAs(t, err, &failed)
	return failed
}

var reportLine = regexp.MustCompile(`^REPORT RequestId: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}` +
	`\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB(\tMax Memory Used: \d+ MB)?(\tInit Duration: \d+\.\d\d ms)?(\tStatus: .*)?$`)

func reportLines(t *testing.T, reports *syncBuffer) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(reports.String()), "\n")
	for _, line := range lines {
		assert.Regexp(t, reportLine, line)
	}
	return lines
}

func TestBuiltinRunsTheFunctionColdThenWarm(t *testing.T) {
	t.Parallel()
	b, _, reports := builtinRunner(t, "echo", 5*time.Second)

	payload, err := invokeJSON(t, b, testEvent{Say: "hello"})
	require.NoError(t, err)
	first := decodeResponse(t, payload)
	assert.Equal(t, "hello", first.Say)
	assert.Equal(t, "256", first.Memory, "the function sees its memory size")
	assert.Equal(t, "echo", first.Name)
	assert.Equal(t, "eu-central-1", first.Region)
	assert.Equal(t, filepath.Dir(testBinary(t)), first.TaskRoot)
	assert.InDelta(t, 5000, first.DeadlineIn, 1000, "the context deadline is the function's timeout")

	payload, err = invokeJSON(t, b, testEvent{Say: "again"})
	require.NoError(t, err)
	assert.Equal(t, first.PID, decodeResponse(t, payload).PID, "the process stays warm")

	lines := reportLines(t, reports)
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], "\tInit Duration: ", "a cold start reports its init")
	assert.NotContains(t, lines[1], "Init Duration")
}

func TestBuiltinPassesFunctionErrorsOnAndStaysWarm(t *testing.T) {
	t.Parallel()
	b, _, _ := builtinRunner(t, "echo", 5*time.Second)
	payload, err := invokeJSON(t, b, testEvent{})
	require.NoError(t, err)
	pid := decodeResponse(t, payload).PID

	_, err = invokeJSON(t, b, testEvent{Fail: "user 42 not found"})
	assert.Equal(t, &invocationError{Type: "errorString", Message: "user 42 not found"}, asInvocationError(t, err))
	require.EqualError(t, err, "errorString: user 42 not found")

	payload, err = invokeJSON(t, b, testEvent{})
	require.NoError(t, err)
	assert.Equal(t, pid, decodeResponse(t, payload).PID)
}

func TestBuiltinColdStartsAfterAPanic(t *testing.T) {
	t.Parallel()
	b, _, _ := builtinRunner(t, "echo", 5*time.Second)
	payload, err := invokeJSON(t, b, testEvent{})
	require.NoError(t, err)
	pid := decodeResponse(t, payload).PID

	_, err = invokeJSON(t, b, testEvent{Panic: "nil map"})
	failed := asInvocationError(t, err)
	assert.Equal(t, "nil map", failed.Message)

	payload, err = invokeJSON(t, b, testEvent{})
	require.NoError(t, err, "aws-lambda-go exits after a panic; the next invocation gets a new process")
	assert.NotEqual(t, pid, decodeResponse(t, payload).PID)
}

func TestBuiltinInitFailureSaysWhatTheFunctionLogged(t *testing.T) {
	t.Parallel()
	b, logs, reports := builtinRunner(t, "init-failure", 5*time.Second)

	_, err := invokeJSON(t, b, testEvent{})

	assert.Equal(t, &invocationError{
		Type:    "Runtime.ExitError",
		Message: "initialization failed: environment variable TABLE_NAME is required (exit status 1)",
	}, asInvocationError(t, err))
	assert.Contains(t, logs.String(), `"msg":"initialization failed"`, "the function's own log line is passed on")
	assert.Contains(t, reportLines(t, reports)[0], "\tStatus: error\tError Type: Runtime.ExitError")
}

func TestBuiltinCrashIsAnExitError(t *testing.T) {
	t.Parallel()
	b, _, _ := builtinRunner(t, "echo", 5*time.Second)
	_, err := invokeJSON(t, b, testEvent{Exit: 3})
	assert.Equal(t, &invocationError{Type: "Runtime.ExitError", Message: "giving up: exit 3 (exit status 3)"}, asInvocationError(t, err))

	_, err = invokeJSON(t, b, testEvent{})
	require.NoError(t, err, "the next invocation cold-starts")
}

func TestBuiltinTimeoutKillsTheFunctionAndTheNextInvocationColdStarts(t *testing.T) {
	t.Parallel()
	b, _, reports := builtinRunner(t, "echo", 500*time.Millisecond)
	payload, err := invokeJSON(t, b, testEvent{})
	require.NoError(t, err)
	pid := decodeResponse(t, payload).PID

	started := time.Now()
	_, err = invokeJSON(t, b, testEvent{Sleep: 10_000})
	assert.Less(t, time.Since(started), 2*time.Second)
	assert.Equal(t, &invocationError{Type: "Sandbox.Timedout", Message: "Task timed out after 0.50 seconds"}, asInvocationError(t, err))

	payload, err = invokeJSON(t, b, testEvent{})
	require.NoError(t, err)
	assert.NotEqual(t, pid, decodeResponse(t, payload).PID)

	lines := reportLines(t, reports)
	require.Len(t, lines, 3)
	assert.Contains(t, lines[1], "\tStatus: timeout")
	assert.Contains(t, lines[2], "\tInit Duration: ", "a cold start again")
}

func TestBuiltinStopsWithSIGTERMWhenTheFunctionRegisteredForIt(t *testing.T) {
	t.Parallel()
	b, logs, _ := builtinRunner(t, "sigterm", 5*time.Second)
	_, err := invokeJSON(t, b, testEvent{})
	require.NoError(t, err)

	started := time.Now()
	b.stop()
	assert.Less(t, time.Since(started), 500*time.Millisecond, "the callback exits: no need to wait for the grace period")
	assert.Contains(t, logs.String(), `"msg":"shutting down"`)
}

func TestBuiltinKillsAFunctionWithoutSIGTERMAtOnce(t *testing.T) {
	t.Parallel()
	b, _, _ := builtinRunner(t, "echo", 5*time.Second)
	_, err := invokeJSON(t, b, testEvent{})
	require.NoError(t, err)

	started := time.Now()
	b.stop()
	assert.Less(t, time.Since(started), 300*time.Millisecond)
}

func TestBuiltinRunsOneInvocationAtATime(t *testing.T) {
	t.Parallel()
	b, _, _ := builtinRunner(t, "echo", 5*time.Second)
	responses := make([]testResponse, 3)
	var wg sync.WaitGroup
	for i := range responses {
		wg.Go(func() {
			payload, err := invokeJSON(t, b, testEvent{Sleep: 100})
			if assert.NoError(t, err) {
				responses[i] = decodeResponse(t, payload)
			}
		})
	}
	wg.Wait()

	sort.Slice(responses, func(i, j int) bool { return responses[i].Start < responses[j].Start })
	for i := 1; i < len(responses); i++ {
		assert.GreaterOrEqual(t, responses[i].Start, responses[i-1].End, "invocations overlap")
		assert.Equal(t, responses[0].PID, responses[i].PID, "one process serves them all")
	}
}

func TestBuiltinStopAbortsNothingWhenCold(t *testing.T) {
	t.Parallel()
	b, _, _ := builtinRunner(t, "echo", time.Second)
	b.stop() // nothing started
	_, err := invokeJSON(t, b, testEvent{})
	require.NoError(t, err)
}

func TestBuiltinGivesUpWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	b, _, _ := builtinRunner(t, "echo", 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := b.invoke(ctx, []byte(`{"sleep":10000}`))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorAs(t, err, new(*invocationError))
}
