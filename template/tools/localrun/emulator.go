package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// emulator is one aws-lambda-rie process running one function's bootstrap, bound to loopback.
type emulator struct {
	cmd     *exec.Cmd
	url     string      // invocation endpoint
	reports chan string // the emulator's REPORT line after each invocation
	done    chan struct{}
}

// startEmulator starts the emulator for bootstrap and waits until it accepts invocations. The
// function's and the emulator's output goes to logs, one line at a time.
func startEmulator(ctx context.Context, rie, bootstrap, name string, logs io.Writer) (*emulator, error) {
	if _, err := os.Stat(bootstrap); err != nil { //nolint:gosec // G703: the path comes from the Makefile.
		return nil, fmt.Errorf("function %s: %w (build it first)", name, err)
	}
	apiAddr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	runtimeAddr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	//nolint:gosec // G204: the emulator and bootstrap paths come from the Makefile, not from input.
	cmd := exec.CommandContext(ctx, rie,
		"--runtime-interface-emulator-address", apiAddr,
		"--runtime-api-address", runtimeAddr,
		bootstrap)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_FUNCTION_NAME="+name)
	output, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", rie, err)
	}
	e := &emulator{
		cmd:     cmd,
		url:     "http://" + apiAddr + "/2015-03-31/functions/function/invocations",
		reports: make(chan string, 16),
		done:    make(chan struct{}),
	}
	go e.copyLogs(output, logs)
	if err := waitForListener(ctx, apiAddr, e.done); err != nil {
		e.stop()
		return nil, fmt.Errorf("function %s: emulator did not start: %w", name, err)
	}
	return e, nil
}

func (e *emulator) copyLogs(output io.Reader, logs io.Writer) {
	defer close(e.done)
	lines := bufio.NewScanner(output)
	lines.Buffer(make([]byte, 64*1024), 1024*1024)
	for lines.Scan() {
		line := lines.Text()
		_, _ = fmt.Fprintln(logs, line)
		if strings.HasPrefix(line, "REPORT ") {
			select {
			case e.reports <- line:
			default: // nobody is waiting for it
			}
		}
	}
}

// invoke sends one event and returns the function's response payload.
func (e *emulator) invoke(ctx context.Context, event []byte) ([]byte, error) {
	// G704: e.url is the emulator's loopback address, chosen by startEmulator.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(event)) //nolint:gosec // see above

	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req) //nolint:gosec // G704: see above.
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the function failed (%s; its output is above) %s", resp.Status, body)
	}
	return body, nil
}

// report waits briefly for the REPORT line (durations, memory) of the last invocation.
func (e *emulator) report() string {
	select {
	case line := <-e.reports:
		return line
	case <-time.After(2 * time.Second):
		return ""
	}
}

func (e *emulator) stop() {
	if e.cmd.Process == nil {
		return
	}
	_ = e.cmd.Process.Signal(os.Interrupt)
	select {
	case <-e.done:
	case <-time.After(3 * time.Second):
		_ = e.cmd.Process.Kill()
	}
	_ = e.cmd.Wait()
}

func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}

func waitForListener(ctx context.Context, addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(10 * time.Second)
	var dialer net.Dialer
	for time.Now().Before(deadline) {
		conn, err := dialer.DialContext(ctx, "tcp", addr)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-exited:
			return errors.New("the emulator exited (see its output above)")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("nothing listens on %s after 10s", addr)
}
