package main

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
)

// output is where the functions' output goes: their log lines and the REPORT lines. One lock
// for every function, so that lines of functions running side by side (make dev) never mix.
type output struct {
	mu      sync.Mutex
	logs    io.Writer
	reports io.Writer
	verbose bool // also the emulator's own lines and START/END
}

func (o *output) log(line string) { o.write(o.logs, line) }

func (o *output) report(line string) { o.write(o.reports, line) }

// trace is for lines Lambda writes around the function's own (START, END, the emulator's
// diagnostics): noise while all is well, so only with -verbose.
func (o *output) trace(line string) {
	if o.verbose {
		o.write(o.logs, line)
	}
}

// Write takes log text from elsewhere (a local AWS's stderr) under the same lock.
func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.logs.Write(p)
}

func (o *output) write(w io.Writer, line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, _ = fmt.Fprintln(w, line)
}

// lineWriter takes a process's stdout and stderr (both: one pipe, in order) and passes them on
// to output a line at a time, sorting the emulator's own lines out. It remembers the last error
// the function logged, which is all there is to explain an init failure or a crash.
type lineWriter struct {
	out      *output
	emulator bool // the process is aws-lambda-rie, which mixes its own lines in

	partial []byte // written by exec's copying goroutine only

	mu         sync.Mutex
	reason     string // the last error record, since resetReason
	exitStatus string // the emulator's word on how the runtime exited
	lastTrace  string // the emulator's last line, for when it cannot start
}

// maxLine is where a line without a newline is cut, to bound memory.
const maxLine = 1 << 20

func (w *lineWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.line(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
	if len(w.partial) > maxLine {
		w.flush()
	}
	return len(p), nil
}

// flush passes on a last line without a newline; call it once the process has exited.
func (w *lineWriter) flush() {
	if len(w.partial) > 0 {
		w.line(string(w.partial))
		w.partial = nil
	}
}

// emulatorLine matches aws-lambda-rie's own diagnostics: "02 Dec 2026 17:50:49,600 [INFO] (rapid) ...".
var emulatorLine = regexp.MustCompile(`^\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2},\d{3} \[[A-Z]+\] `)

// runtimeExited finds how the runtime exited in the emulator's diagnostics.
var runtimeExited = regexp.MustCompile(`Runtime exited with error: (.+?)(?:\s+InvokeID=.*)?$`)

func (w *lineWriter) line(line string) {
	line = strings.TrimSuffix(line, "\r")
	if w.emulator {
		switch {
		case emulatorLine.MatchString(line):
			w.mu.Lock()
			if m := runtimeExited.FindStringSubmatch(line); m != nil {
				w.exitStatus = m[1]
			}
			w.lastTrace = line
			w.mu.Unlock()
			w.out.trace(line)
			return
		case strings.HasPrefix(line, "START RequestId: "), strings.HasPrefix(line, "END RequestId: "):
			w.out.trace(line)
			return
		case strings.HasPrefix(line, "REPORT RequestId: "):
			w.out.report(lambdaReport(line))
			return
		}
	}
	if reason, ok := failureReason(line); ok {
		w.mu.Lock()
		w.reason = reason
		w.mu.Unlock()
	}
	w.out.log(line)
}

// resetReason forgets errors logged before the invocation that starts now.
func (w *lineWriter) resetReason() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reason, w.exitStatus = "", ""
}

// failure returns the last error record and, under the emulator, how the runtime exited.
func (w *lineWriter) failure() (reason, exitStatus string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reason, w.exitStatus
}

// emulatorSaid returns the emulator's last line of its own.
func (w *lineWriter) emulatorSaid() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastTrace
}

// lambdaReport rewrites the emulator's REPORT line in Lambda's field order (Init Duration last)
// without its Max Memory Used, which is only the memory size again.
func lambdaReport(line string) string {
	var fields []string
	var init string
	for field := range strings.SplitSeq(strings.TrimRight(line, "\t "), "\t") {
		switch {
		case strings.HasPrefix(field, "Max Memory Used:"):
		case strings.HasPrefix(field, "Init Duration:"):
			init = field
		default:
			fields = append(fields, field)
		}
	}
	if init != "" {
		fields = append(fields, init)
	}
	return strings.Join(fields, "\t")
}
