package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// emulatorRunner runs this test binary as a function in mode under aws-lambda-rie, when
// LOCALRUN_TEST_RIE names it (e.g. LOCALRUN_TEST_RIE=$PWD/.tools/aws-lambda-rie); the tests
// need no emulator otherwise.
func emulatorRunner(t *testing.T, mode string, timeout time.Duration) (*emulator, *syncBuffer, *syncBuffer) {
	t.Helper()
	rie := os.Getenv("LOCALRUN_TEST_RIE")
	if rie == "" {
		t.Skip("set LOCALRUN_TEST_RIE to the aws-lambda-rie binary to test the emulator runner")
	}
	b, logs, reports := builtinRunner(t, mode, timeout)
	e := &emulator{rie: rie, cfg: b.cfg, out: b.out}
	t.Cleanup(e.stop)
	return e, logs, reports
}

func TestEmulatorRunsTheFunctionAsTheBuiltinRunnerDoes(t *testing.T) {
	t.Parallel()
	e, logs, reports := emulatorRunner(t, "echo", 5*time.Second)

	payload, err := invokeJSON(t, e, testEvent{Say: "hello"})
	require.NoError(t, err)
	first := decodeResponse(t, payload)
	assert.Equal(t, "256", first.Memory)
	assert.Equal(t, "echo", first.Name)
	assert.InDelta(t, 5000, first.DeadlineIn, 1000, "the emulator got the timeout")

	_, err = invokeJSON(t, e, testEvent{Fail: "user 42 not found"})
	assert.Equal(t, &invocationError{Type: "errorString", Message: "user 42 not found"}, asInvocationError(t, err))

	payload, err = invokeJSON(t, e, testEvent{})
	require.NoError(t, err)
	assert.Equal(t, first.PID, decodeResponse(t, payload).PID, "warm")

	e.stop()
	assert.NotContains(t, logs.String(), "(rapid)", "the emulator's own lines only with -verbose")
	lines := reportLines(t, reports)
	assert.Len(t, lines, 3)
	assert.NotContains(t, reports.String(), "Max Memory Used")
}

func TestEmulatorInitFailureSaysWhatTheFunctionLogged(t *testing.T) {
	t.Parallel()
	e, _, _ := emulatorRunner(t, "init-failure", 5*time.Second)
	_, err := invokeJSON(t, e, testEvent{})
	assert.Equal(t, &invocationError{
		Type:    "Runtime.ExitError",
		Message: "initialization failed: environment variable TABLE_NAME is required (exit status 1)",
	}, asInvocationError(t, err))
}

func TestEmulatorTimeoutAndCrashColdStartTheNextInvocation(t *testing.T) {
	t.Parallel()
	e, _, _ := emulatorRunner(t, "echo", time.Second)
	_, err := invokeJSON(t, e, testEvent{Sleep: 10_000})
	assert.Equal(t, &invocationError{Type: "Sandbox.Timedout", Message: "Task timed out after 1.00 seconds"}, asInvocationError(t, err))
	_, err = invokeJSON(t, e, testEvent{})
	require.NoError(t, err)

	_, err = invokeJSON(t, e, testEvent{Exit: 3})
	failed := asInvocationError(t, err)
	assert.Equal(t, "Runtime.ExitError", failed.Type)
	assert.True(t, strings.HasPrefix(failed.Message, "giving up: exit 3 (exit status 3)"), failed.Message)
	_, err = invokeJSON(t, e, testEvent{})
	require.NoError(t, err)
}
