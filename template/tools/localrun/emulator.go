package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// emulator runs a function under the AWS Lambda Runtime Interface Emulator (aws-lambda-rie),
// AWS's own Runtime API, on loopback. It runs on Linux only.
type emulator struct {
	rie string
	cfg functionConfig
	out *output

	mu   sync.Mutex // one invocation at a time: the emulator refuses a second one
	proc *rieProcess
}

// rieProcess is one emulator process; it starts the bootstrap on its first invocation.
type rieProcess struct {
	cmd    *exec.Cmd
	url    string // invocation endpoint
	logs   *lineWriter
	exited chan struct{}
}

func (e *emulator) invoke(ctx context.Context, event []byte) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.proc == nil {
		p, err := startEmulator(ctx, e.rie, e.cfg, e.out)
		if err != nil {
			return nil, err
		}
		e.proc = p
	}
	e.proc.logs.resetReason()
	status, body, err := e.proc.post(ctx, event, e.cfg.timeout)
	switch {
	case err != nil:
		e.discard()
		return nil, err
	case status == http.StatusOK && bytes.HasPrefix(body, []byte("Task timed out after ")):
		// The emulator has reset the runtime; a fresh emulator makes the next one a cold start.
		e.discard()
		return nil, &invocationError{Type: "Sandbox.Timedout", Message: string(body)}
	case status == http.StatusOK:
		if failed, ok := asFunctionError(body); ok {
			return nil, failed
		}
		return body, nil
	case status == http.StatusBadGateway:
		// The runtime exited (init failure, crash); its last words are in the output, which is
		// complete once the emulator has stopped.
		logs := e.proc.logs
		e.discard()
		reason, exit := logs.failure()
		failed := exitError(first(exit, "exit status unknown"), reason)
		if reported, ok := asFunctionError(body); ok && reported.Type != "Runtime.ExitError" {
			failed = reported
		}
		return nil, failed
	default:
		e.discard()
		return nil, fmt.Errorf("function %s: the emulator answered %d: %s", e.cfg.name, status, bytes.TrimSpace(body))
	}
}

func (e *emulator) stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.discard()
}

func (e *emulator) discard() {
	if e.proc != nil {
		e.proc.stop()
		e.proc = nil
	}
}

// startEmulator starts the emulator for cfg's bootstrap and waits until it accepts invocations.
func startEmulator(ctx context.Context, rie string, cfg functionConfig, out *output) (*rieProcess, error) {
	apiAddr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	runtimeAddr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	//nolint:gosec // G204: the emulator and bootstrap paths come from the Makefile, not from input.
	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", apiAddr,
		"--runtime-api-address", runtimeAddr,
		cfg.bootstrap)
	// The emulator passes its environment on to the function; it reads the timeout (whole
	// seconds) and the memory size itself.
	cmd.Env = append(lambdaEnv(cfg), "AWS_LAMBDA_FUNCTION_TIMEOUT="+strconv.Itoa(int((cfg.timeout+time.Second-1)/time.Second)))
	logs := &lineWriter{out: out, emulator: true}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.WaitDelay = time.Second
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", rie, err)
	}
	p := &rieProcess{
		cmd:    cmd,
		url:    "http://" + apiAddr + "/2015-03-31/functions/function/invocations",
		logs:   logs,
		exited: make(chan struct{}),
	}
	go func() {
		_ = cmd.Wait()
		logs.flush()
		close(p.exited)
	}()
	if err := waitForListener(ctx, apiAddr, p.exited); err != nil {
		p.stop()
		if said := logs.emulatorSaid(); said != "" {
			err = fmt.Errorf("%w; it said: %s", err, said)
		}
		return nil, fmt.Errorf("function %s: the emulator did not start: %w", cfg.name, err)
	}
	return p, nil
}

// post sends one event. The emulator enforces the timeout itself; the client's own limit is a
// backstop in case it never answers.
func (p *rieProcess) post(ctx context.Context, event []byte, timeout time.Duration) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(event))
	if err != nil {
		return 0, nil, err
	}
	client := &http.Client{Timeout: timeout + 10*time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// stop asks the emulator to shut down, which gives the function its SIGTERM and grace period
// when it registered an extension, and kills what is left after 3 s.
func (p *rieProcess) stop() {
	endGroup(p.cmd, p.exited, syscall.SIGINT, 3*time.Second)
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
			return errors.New("the emulator exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("nothing listens on %s after 10s", addr)
}
