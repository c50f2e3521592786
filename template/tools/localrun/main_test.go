package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// The test binary doubles as the processes localrun starts: with LOCALRUN_TEST_BOOTSTRAP it is a
// Lambda function (aws-lambda-go, the real client of the Runtime API), with
// LOCALRUN_TEST_LOCALAWS a -local-aws command.
func TestMain(m *testing.M) {
	if mode := os.Getenv("LOCALRUN_TEST_BOOTSTRAP"); mode != "" {
		testBootstrap(mode)
		return
	}
	if mode := os.Getenv("LOCALRUN_TEST_LOCALAWS"); mode != "" {
		fakeLocalAWS(mode)
		return
	}
	os.Exit(m.Run())
}

// testEvent tells the test function what to do.
type testEvent struct {
	Say   string `json:"say,omitempty"`
	Fail  string `json:"fail,omitempty"`  // return this error
	Panic string `json:"panic,omitempty"` // panic with this
	Sleep int    `json:"sleep,omitempty"` // milliseconds, before answering
	Exit  int    `json:"exit,omitempty"`  // exit with this status, without answering
}

// testResponse tells the test what the function saw.
type testResponse struct {
	Say        string `json:"say"`
	PID        int    `json:"pid"`
	Memory     string `json:"memory"`
	Name       string `json:"name"`
	Region     string `json:"region"`
	TaskRoot   string `json:"taskRoot"`
	DeadlineIn int64  `json:"deadlineIn"` // ms
	Start, End int64  // UnixNano
}

func testBootstrap(mode string) {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stdout, nil)))
	if mode == "init-failure" {
		slog.Error("initialization failed", "error", errors.New("environment variable TABLE_NAME is required"))
		os.Exit(1)
	}
	handler := func(ctx context.Context, e testEvent) (testResponse, error) {
		start := time.Now()
		switch {
		case e.Fail != "":
			return testResponse{}, errors.New(e.Fail)
		case e.Panic != "":
			panic(e.Panic)
		case e.Exit != 0:
			slog.Error("giving up", "error", fmt.Sprintf("exit %d", e.Exit))
			os.Exit(e.Exit)
		}
		time.Sleep(time.Duration(e.Sleep) * time.Millisecond)
		deadline, _ := ctx.Deadline()
		return testResponse{
			Say:        e.Say,
			PID:        os.Getpid(),
			Memory:     os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
			Name:       os.Getenv("AWS_LAMBDA_FUNCTION_NAME"),
			Region:     os.Getenv("AWS_REGION"),
			TaskRoot:   os.Getenv("LAMBDA_TASK_ROOT"),
			DeadlineIn: time.Until(deadline).Milliseconds(),
			Start:      start.UnixNano(),
			End:        time.Now().UnixNano(),
		}, nil
	}
	var options []lambda.Option
	if mode == "sigterm" {
		options = append(options, lambda.WithEnableSIGTERM(func() {
			slog.Info("shutting down")
			os.Exit(0)
		}))
	}
	lambda.StartWithOptions(handler, options...)
}

// fakeLocalAWS prints settings as a -local-aws command does.
func fakeLocalAWS(mode string) {
	settings := `{"endpoint":"http://127.0.0.1:4566","region":"eu-west-1","functions":{"ApiFunction":` +
		`{"env":{"TABLE_NAME":"my-service-table","LOG_LEVEL":"DEBUG"},"memory":512,"timeout":7}}}`
	switch mode {
	case "serve": // a banner first, as npm run prints, then the settings; runs until stdin closes
		fmt.Println("> local-aws")
		fmt.Fprintln(os.Stderr, "local AWS ready")
		fmt.Println(settings)
		_, _ = io.Copy(io.Discard, os.Stdin)
	case "reuse": // found one running: prints and exits
		fmt.Println(settings)
	case "fail":
		fmt.Fprintln(os.Stderr, "port 4566 is in use")
		os.Exit(3)
	case "silent":
		time.Sleep(time.Minute)
	}
}

func decodeResponse(t *testing.T, payload []byte) testResponse {
	t.Helper()
	var r testResponse
	if err := json.Unmarshal(payload, &r); err != nil {
		t.Fatalf("response %s: %v", payload, err)
	}
	return r
}
