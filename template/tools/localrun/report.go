package main

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// report is the REPORT line Lambda logs after each invocation.
type report struct {
	requestID  string
	duration   time.Duration
	init       time.Duration // cold starts only
	memorySize int           // MB
	maxMemory  int           // MB; 0 when unknown
	status     string        // "timeout" or "error" when the runtime did not answer
	errorType  string
}

// String formats the line as Lambda does. Billed Duration includes the init phase, as it does
// for the OS-only runtimes.
func (r report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.f ms\tMemory Size: %d MB",
		r.requestID, ms(r.duration), math.Ceil(ms(r.duration+r.init)), r.memorySize)
	if r.maxMemory > 0 {
		fmt.Fprintf(&b, "\tMax Memory Used: %d MB", r.maxMemory)
	}
	if r.init > 0 {
		fmt.Fprintf(&b, "\tInit Duration: %.2f ms", ms(r.init))
	}
	if r.status != "" {
		fmt.Fprintf(&b, "\tStatus: %s", r.status)
	}
	if r.errorType != "" {
		fmt.Fprintf(&b, "\tError Type: %s", r.errorType)
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// maxMemoryMB is the peak resident memory of a running process (Linux's VmHWM), in MB, or 0
// where there is no /proc (macOS): the REPORT line then leaves the field out.
func maxMemoryMB(pid int) int {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if value, ok := strings.CutPrefix(lines.Text(), "VmHWM:"); ok {
			kB, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB")))
			if err != nil {
				return 0
			}
			return (kB + 1023) / 1024
		}
	}
	return 0
}

// newRequestID returns a random UUID, the form of Lambda's request ids.
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
