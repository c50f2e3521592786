package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// builtin runs a function's bootstrap against localrun's own Runtime API on loopback. It is the
// runner where the emulator cannot run (it is Linux-only: macOS, Windows through WSL without
// it), and on Linux when asked to (-runtime builtin), which is how the tests exercise it.
type builtin struct {
	cfg functionConfig
	out *output

	mu sync.Mutex // one invocation at a time, as in one Lambda execution environment
	sb *sandbox   // the running process: nil until the first invocation, and after a stop
}

// sandbox is one bootstrap process and the Runtime API it talks to.
type sandbox struct {
	cmd     *exec.Cmd
	api     *runtimeAPI
	server  *http.Server
	logs    *lineWriter
	started time.Time
	exited  chan struct{} // closed once the process has exited and all its output is read
}

func (b *builtin) invoke(ctx context.Context, event []byte) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		cold := b.sb == nil
		if cold {
			sb, err := startSandbox(b.cfg, b.out)
			if err != nil {
				return nil, err
			}
			b.sb = sb
		}
		payload, stale, err := b.run(ctx, event, cold)
		if !stale {
			return payload, err
		}
		// The warm process exited after its last invocation (a panic ends it once it has
		// answered): as in Lambda, this invocation gets a fresh one.
		b.discard()
	}
}

// run sends event to the sandbox and waits for its answer. stale says the process had exited
// before this invocation: nothing ran.
func (b *builtin) run(ctx context.Context, event []byte, cold bool) (payload []byte, stale bool, err error) {
	sb := b.sb
	inv := &invocation{id: newRequestID(), event: event, result: make(chan outcome, 1)}
	rep := report{requestID: inv.id, memorySize: b.cfg.memory}
	sb.logs.resetReason()
	b.out.trace("START RequestId: " + inv.id + " Version: $LATEST")
	start := time.Now()
	var end time.Time // when the function answered; otherwise when this goroutine saw the outcome
	// The timeout bounds the init phase too: a function stuck in init would block make dev.
	timer := time.NewTimer(b.cfg.timeout)
	defer timer.Stop()

	var failed *invocationError
	reset := true // the sandbox is done for: a timeout, a crash
	select {
	case sb.api.events <- inv:
		handedOver := time.Now()
		timer.Reset(b.cfg.timeout)
		select {
		case o := <-inv.result:
			payload, failed, reset, end = o.payload, o.err, false, o.at
		case <-sb.exited:
			failed = sb.exitError()
		case <-timer.C:
			failed = timedOut(b.cfg.timeout)
		case <-ctx.Done():
			b.discard()
			return nil, false, ctx.Err()
		}
		// Lambda's clock, the Runtime API's: this goroutine may have resumed late.
		start = inv.deliveredAt(handedOver)
		if cold {
			rep.init = start.Sub(sb.started)
		}
	case <-sb.exited:
		if !cold {
			return nil, true, nil
		}
		failed = sb.exitError()
	case failed = <-sb.api.initFailed:
	case <-timer.C:
		failed = timedOut(b.cfg.timeout)
	case <-ctx.Done():
		b.discard()
		return nil, false, ctx.Err()
	}
	if end.IsZero() {
		end = time.Now()
	}
	rep.duration = end.Sub(start)
	rep.maxMemory = maxMemoryMB(sb.cmd.Process.Pid)
	if reset {
		b.discard()
		rep.status, rep.errorType = "error", failed.Type
		if failed.Type == "Sandbox.Timedout" {
			rep.status, rep.errorType = "timeout", ""
		}
	} else {
		// What the function logged before it answered is in the pipe, a moment away from the
		// copier; make dev prints logs and REPORT lines as they come, in this order.
		time.Sleep(time.Millisecond)
	}
	b.out.trace("END RequestId: " + inv.id)
	b.out.report(rep.String())
	if failed != nil {
		return nil, false, failed
	}
	return payload, false, nil
}

func (b *builtin) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.discard()
}

// discard stops the sandbox, if any; the next invocation starts a new one.
func (b *builtin) discard() {
	if b.sb != nil {
		b.sb.stop()
		b.sb = nil
	}
}

// startSandbox starts the bootstrap with AWS_LAMBDA_RUNTIME_API pointing at a Runtime API of
// its own, on a free loopback port.
func startSandbox(cfg functionConfig, out *output) (*sandbox, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	api := newRuntimeAPI(cfg)
	server := &http.Server{Handler: api.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = server.Serve(listener) }()

	logs := &lineWriter{out: out}
	cmd := exec.Command(cfg.bootstrap) //nolint:gosec // G204: the bootstrap comes from the Makefile (or is a debug wrapper).
	cmd.Env = append(lambdaEnv(cfg), "AWS_LAMBDA_RUNTIME_API="+listener.Addr().String())
	cmd.Stdout, cmd.Stderr = logs, logs // one pipe: the lines stay in order
	cmd.WaitDelay = time.Second         // a child left holding the pipe must not hang Wait
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		_ = server.Close()
		return nil, fmt.Errorf("function %s: %w", cfg.name, err)
	}
	sb := &sandbox{cmd: cmd, api: api, server: server, logs: logs, started: time.Now(), exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // the status is in cmd.ProcessState
		logs.flush()
		close(sb.exited)
	}()
	return sb, nil
}

// exitError is Lambda's error for the exited process, with the reason it logged; call it once
// exited is closed.
func (sb *sandbox) exitError() *invocationError {
	reason, _ := sb.logs.failure()
	return exitError(sb.cmd.ProcessState.String(), reason)
}

// stop ends the process as Lambda does: when an extension registered (WithEnableSIGTERM), with
// SIGTERM and 500 ms to exit (the grace Lambda gives with an internal extension), else with
// SIGKILL at once.
func (sb *sandbox) stop() {
	var sig syscall.Signal // SIGKILL at once
	if sb.api.extension.Load() {
		sig = syscall.SIGTERM
	}
	endGroup(sb.cmd, sb.exited, sig, 500*time.Millisecond)
	close(sb.api.closed)
	_ = sb.server.Close()
}
