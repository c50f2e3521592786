package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestFailureReasonReadsTheFunctionsErrorRecords(t *testing.T) {
	tests := []struct {
		name, line, reason string
	}{
		{"slog JSON", `{"time":"2026-12-02T17:51:07Z","level":"ERROR","msg":"initialization failed","error":"environment variable TABLE_NAME is required"}`,
			"initialization failed: environment variable TABLE_NAME is required"},
		{"Lambda JSON (lambdacontext)", `{"timestamp":"2026-12-02T17:51:07Z","level":"ERROR","message":"initialization failed","error":"load AWS config: boom","requestId":"x"}`,
			"initialization failed: load AWS config: boom"},
		{"slog text", `time=2026-12-02T17:51:07Z level=ERROR msg="initialization failed" error="environment variable TABLE_NAME is required"`,
			"initialization failed: environment variable TABLE_NAME is required"},
		{"Lambda text (lambdacontext)", `timestamp=2026-12-02T17:51:07.410Z level=ERROR message="initialization failed" error="a \"quoted\" name"`,
			`initialization failed: a "quoted" name`},
		{"no error attribute", `{"level":"ERROR","msg":"cannot start"}`, "cannot start"},
		{"error level with offset", `level=ERROR+2 msg=bad err=worse`, "bad: worse"},
		{"Go panic", `panic: runtime error: invalid memory address or nil pointer dereference`,
			"panic: runtime error: invalid memory address or nil pointer dereference"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, ok := failureReason(tt.line)
			assert.True(t, ok)
			assert.Equal(t, tt.reason, reason)
		})
	}
	for _, line := range []string{
		`{"level":"INFO","msg":"shutting down"}`,
		`time=2026-12-02T17:51:07Z level=WARN msg="slow"`,
		`2026/12/02 17:51:07 {"errorMessage":"boom","errorType":"errorString"}`,
		`level=ERROR but this is prose`,
		`{not json`,
		``,
	} {
		_, ok := failureReason(line)
		assert.False(t, ok, line)
	}
}

func TestExitErrorSaysWhy(t *testing.T) {
	assert.Equal(t, "Runtime.ExitError: initialization failed: no table (exit status 1)", exitError("exit status 1", "initialization failed: no table").Error())
	assert.Equal(t, "Runtime.ExitError: Runtime exited with error: signal: killed", exitError("signal: killed", "").Error())
	assert.Equal(t, "Runtime.ExitError: Runtime exited without providing a reason", exitError("exit status 0", "").Error())
	assert.Equal(t, "Sandbox.Timedout: Task timed out after 30.00 seconds", timedOut(30*time.Second).Error())
	assert.Equal(t, "errorString: two lines", (&invocationError{Type: "errorString", Message: "two\nlines"}).Error(), "one line")
}

func TestAsFunctionErrorKnowsAnErrorFromAResponse(t *testing.T) {
	failed, ok := asFunctionError([]byte(`{"errorMessage":"boom","errorType":"errorString","stackTrace":[]}`))
	assert.True(t, ok)
	assert.Equal(t, &invocationError{Type: "errorString", Message: "boom"}, failed)

	for _, payload := range []string{
		`{"statusCode":500,"body":"{\"error\":\"internal server error\"}"}`,
		`{"errorType":"mine","errorMessage":"a response that looks like one","id":"1"}`,
		`"errorType"`,
		`[]`,
	} {
		_, ok := asFunctionError([]byte(payload))
		assert.False(t, ok, payload)
	}
}

func TestLambdaReportRewritesTheEmulatorsLine(t *testing.T) {
	rie := "REPORT RequestId: 235e6882\tInit Duration: 0.51 ms\tDuration: 18.02 ms\tBilled Duration: 19 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t"
	assert.Equal(t, "REPORT RequestId: 235e6882\tDuration: 18.02 ms\tBilled Duration: 19 ms\tMemory Size: 3008 MB\tInit Duration: 0.51 ms", lambdaReport(rie))
}

func TestReportFormatsLikeLambda(t *testing.T) {
	r := report{requestID: "id", duration: 12345 * time.Microsecond, init: 20 * time.Millisecond, memorySize: 1024, maxMemory: 30}
	assert.Equal(t, "REPORT RequestId: id\tDuration: 12.35 ms\tBilled Duration: 33 ms\tMemory Size: 1024 MB\tMax Memory Used: 30 MB\tInit Duration: 20.00 ms", r.String())
	r = report{requestID: "id", duration: time.Second, memorySize: 128, status: "error", errorType: "Runtime.ExitError"}
	assert.Equal(t, "REPORT RequestId: id\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\tMemory Size: 128 MB\tStatus: error\tError Type: Runtime.ExitError", r.String())
}

func TestLineWriterSortsTheEmulatorsLinesOut(t *testing.T) {
	var logs, reports syncBuffer
	w := &lineWriter{out: &output{logs: &logs, reports: &reports}, emulator: true}
	_, _ = w.Write([]byte("02 Dec 2026 17:51:07,383 [INFO] (rapid) exec 'bootstrap'\nSTART RequestId: 1 Version: $LATEST\n"))
	_, _ = w.Write([]byte(`time=x level=ERROR msg="initialization failed" error="no table"` + "\n02 Dec 2026 17:51:07,412 [ERROR] (rapid) Init failed error=Runtime exited with error: exit status 1 InvokeID=\n"))
	_, _ = w.Write([]byte("REPORT RequestId: 1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t\npartial"))
	w.flush()

	assert.Equal(t, "time=x level=ERROR msg=\"initialization failed\" error=\"no table\"\npartial\n", logs.String())
	assert.Equal(t, "REPORT RequestId: 1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\n", reports.String())
	reason, exit := w.failure()
	assert.Equal(t, "initialization failed: no table", reason)
	assert.Equal(t, "exit status 1", exit)
}
