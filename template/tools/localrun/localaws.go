package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// localAWS is a local AWS (moto, LocalStack, ...) that a command of the project's started
// (-local-aws), with what that command printed: the endpoint, and for each function the
// environment the stack gives it (table names, ...), its memory and its timeout.
type localAWS struct {
	command  string
	settings localAWSSettings
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	exited   chan struct{}
}

// localAWSSettings is the command's one JSON line; functions are keyed by CDK construct id.
type localAWSSettings struct {
	Endpoint  string                           `json:"endpoint"`
	Region    string                           `json:"region"`
	Functions map[string]localFunctionSettings `json:"functions"`
}

type localFunctionSettings struct {
	Env     map[string]string `json:"env"`
	Memory  int               `json:"memory"`
	Timeout int               `json:"timeout"`
}

// localAWSWait is how long the command may take to print its settings (it may have a server
// to start, or tables to create).
const localAWSWait = 120 * time.Second

// invokeURLVariable tells the local AWS where make dev serves the Invoke API (invokeapi.go),
// for the events it routes to functions; make invoke sets none.
const invokeURLVariable = "LOCALRUN_INVOKE_URL"

// startLocalAWS runs commandLine (split at spaces) with env and reads its settings: the first
// line of its stdout that is a JSON object. Other stdout lines, and its stderr, go to stderr.
// The command may keep running (it then runs until stop) or exit 0 once it has printed.
func startLocalAWS(ctx context.Context, commandLine string, env []string, stderr io.Writer, wait time.Duration) (*localAWS, error) {
	args := strings.Fields(commandLine)
	if len(args) == 0 {
		return nil, errors.New("-local-aws: no command")
	}
	cmd := exec.Command(args[0], args[1:]...) //nolint:gosec // G204: the command is the Makefile's, which the developer wrote.
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout := &settingsWriter{found: make(chan []byte, 1), rest: stderr}
	tail := &tailWriter{}
	cmd.Stdout = stdout
	cmd.Stderr = io.MultiWriter(stderr, tail)
	cmd.WaitDelay = time.Second
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("-local-aws: %w", err)
	}
	l := &localAWS{command: commandLine, cmd: cmd, stdin: stdin, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(l.exited)
	}()

	fail := func(format string, a ...any) error {
		return fmt.Errorf("-local-aws %q %s%s", commandLine, fmt.Sprintf(format, a...), tail.describe())
	}
	var line []byte
	select {
	case line = <-stdout.found:
	case <-l.exited:
		// Its stdout is all read once it has exited: a line it printed is there.
		if !cmd.ProcessState.Success() {
			return nil, fail("failed (%s)", cmd.ProcessState)
		}
		select {
		case line = <-stdout.found:
		default:
			return nil, fail("exited without printing its settings (one JSON line on stdout)")
		}
	case <-time.After(wait):
		l.stop()
		return nil, fail("printed no settings (one JSON line on stdout) within %s", wait)
	case <-ctx.Done():
		l.stop()
		return nil, ctx.Err()
	}
	if err := json.Unmarshal(line, &l.settings); err != nil || l.settings.Endpoint == "" {
		l.stop()
		return nil, fail("printed settings without an endpoint, or not valid JSON (%v): %s", err, line)
	}
	return l, nil
}

// describe says, once, where the functions' AWS calls go.
func (l *localAWS) describe() string {
	return fmt.Sprintf("local AWS: the functions call %s (%s)", l.settings.Endpoint, first(l.settings.Region, "the default region"))
}

// function returns fn's settings, keyed by its CDK construct id.
func (l *localAWS) function(fn function) (localFunctionSettings, error) {
	if s, ok := l.settings.Functions[fn.cdkID]; ok && fn.cdkID != "" {
		return s, nil
	}
	return localFunctionSettings{}, fmt.Errorf("-local-aws %q printed no settings for function %s (CDK construct id %q); it has: %s",
		l.command, fn.name, fn.cdkID, strings.Join(slices.Sorted(maps.Keys(l.settings.Functions)), ", "))
}

// environ points env at the local AWS: its endpoint, dummy credentials (no profile or session
// token of the caller's gets in the way) and region, then the function's own variables.
func (l *localAWS) environ(env []string, fn localFunctionSettings) []string {
	out := make([]string, 0, len(env)+len(fn.Env)+5)
	for _, kv := range env {
		if key, _, _ := strings.Cut(kv, "="); key != "AWS_PROFILE" && key != "AWS_SESSION_TOKEN" {
			out = append(out, kv)
		}
	}
	out = append(out,
		"AWS_ENDPOINT_URL="+l.settings.Endpoint,
		"AWS_ACCESS_KEY_ID=testing",
		"AWS_SECRET_ACCESS_KEY=testing",
	)
	if l.settings.Region != "" {
		out = append(out, "AWS_REGION="+l.settings.Region, "AWS_DEFAULT_REGION="+l.settings.Region)
	}
	for _, key := range slices.Sorted(maps.Keys(fn.Env)) {
		out = append(out, key+"="+fn.Env[key])
	}
	return out
}

// stop ends the command, if it still runs: EOF on its stdin, then SIGINT, then after 5 s SIGKILL.
// A command that exited after printing (it found a local AWS running) leaves that one alone.
func (l *localAWS) stop() {
	_ = l.stdin.Close()
	endGroup(l.cmd, l.exited, syscall.SIGINT, 5*time.Second)
}

// settingsWriter is the command's stdout: it sends the first line that is a JSON object to
// found and passes everything else on to rest.
type settingsWriter struct {
	found   chan []byte
	rest    io.Writer
	partial []byte
	done    bool
}

func (w *settingsWriter) Write(p []byte) (int, error) {
	if w.done {
		return w.rest.Write(p)
	}
	w.partial = append(w.partial, p...)
	for !w.done {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		line := w.partial[:i+1]
		w.partial = w.partial[i+1:]
		if trimmed := bytes.TrimSpace(line); bytes.HasPrefix(trimmed, []byte("{")) {
			w.found <- bytes.Clone(trimmed)
			w.done = true
			continue
		}
		_, _ = w.rest.Write(line)
	}
	if w.done && len(w.partial) > 0 {
		_, _ = w.rest.Write(w.partial)
		w.partial = nil
	}
	return len(p), nil
}

// tailWriter keeps the end of the command's stderr, to quote when it fails.
type tailWriter struct {
	mu   sync.Mutex
	tail []byte
}

const tailSize = 2048

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.tail = append(w.tail, p...)
	if len(w.tail) > tailSize {
		w.tail = w.tail[len(w.tail)-tailSize:]
	}
	return len(p), nil
}

func (w *tailWriter) describe() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	tail := strings.TrimSpace(string(w.tail))
	if tail == "" {
		return ""
	}
	return "; the end of its stderr:\n" + tail
}
