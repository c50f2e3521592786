package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// useEchoFunction makes this test binary the project's only function, "echo", run in mode
// (see testBootstrap), for the duration of the test.
func useEchoFunction(t *testing.T, mode string) {
	t.Helper()
	saved := functions
	functions = []function{
		{name: "echo", kind: "direct", memory: 128, timeout: 5, cdkID: "EchoFunction"},
	}
	t.Cleanup(func() { functions = saved })
	t.Setenv("LOCALRUN_TEST_BOOTSTRAP", mode)
	t.Setenv("GORACE", "atexit_sleep_ms=0")
}

// invokeTestFunction runs make invoke's command on this test binary as function "echo" with
// event, under the builtin runner.
func invokeTestFunction(t *testing.T, mode, event string) (stdout, stderr string, err error) {
	t.Helper()
	useEchoFunction(t, mode)
	eventFile := filepath.Join(t.TempDir(), "event.json")
	require.NoError(t, os.WriteFile(eventFile, []byte(event), 0o600))

	var out, errs bytes.Buffer
	err = invoke(t.Context(), options{runtime: "builtin"}, invokeArgs{name: "echo", bootstrap: testBinary(t), eventFile: eventFile}, &out, &errs)
	return out.String(), errs.String(), err
}

func TestInvokePrintsOnlyTheResponseOnStdout(t *testing.T) {
	stdout, stderr, err := invokeTestFunction(t, "echo", `{"say":"hi"}`)

	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(stdout, "{\n  \"say\": \"hi\",\n"), stdout)
	assert.Regexp(t, `(?m)^REPORT RequestId: \S+\tDuration: .*\tMemory Size: 128 MB`, stderr)
}

func TestInvokeSaysWhatFailedFirst(t *testing.T) {
	stdout, stderr, err := invokeTestFunction(t, "echo", `{"fail":"user 42 not found"}`)

	require.ErrorIs(t, err, errReported)
	assert.Empty(t, stdout)
	lines := strings.Split(stderr, "\n")
	assert.Equal(t, "echo: errorString: user 42 not found", lines[0])
	assert.Contains(t, stderr, "\nREPORT RequestId: ", "then the logs and the REPORT line")
}

func TestInvokeExplainsAnInitFailure(t *testing.T) {
	stdout, stderr, err := invokeTestFunction(t, "init-failure", `{}`)

	require.ErrorIs(t, err, errReported)
	assert.Empty(t, stdout)
	first, rest, _ := strings.Cut(stderr, "\n")
	assert.Equal(t, "echo: Runtime.ExitError: initialization failed: environment variable TABLE_NAME is required (exit status 1)", first)
	assert.True(t, strings.HasPrefix(rest, `{"time":`), "the function's log comes next: %s", rest)
}

func TestInvokeNamesTheKnownFunctions(t *testing.T) {
	var out, errs bytes.Buffer
	event := filepath.Join(t.TempDir(), "e.json")
	require.NoError(t, os.WriteFile(event, []byte(`{}`), 0o600))
	err := invoke(t.Context(), options{runtime: "builtin"}, invokeArgs{name: "nope", bootstrap: "x", eventFile: event}, &out, &errs)
	assert.ErrorContains(t, err, `no function "nope" in tools/localrun/functions.go`)
}
