package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// errReported ends localrun with exit status 1 once it has said what went wrong itself.
var errReported = errors.New("reported")

// invocationError is a failed invocation as Lambda reports it to the invoker: the error the
// function returned (the body of the runtime's /error call), or Lambda's own when the runtime
// could not answer (Sandbox.Timedout, Runtime.ExitError).
type invocationError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

// Error is "errorType: errorMessage" on one line, as localrun prints it after the function name.
func (e *invocationError) Error() string {
	return e.Type + ": " + strings.Join(strings.Fields(e.Message), " ")
}

// timedOut is Lambda's answer for an invocation that outlived the function's timeout.
func timedOut(timeout time.Duration) *invocationError {
	return &invocationError{
		Type:    "Sandbox.Timedout",
		Message: fmt.Sprintf("Task timed out after %.2f seconds", timeout.Seconds()),
	}
}

// exitError is Lambda's answer when the runtime process exits (an init failure, a crash);
// status is how it exited ("exit status 1", "signal: killed"). Lambda says no more than that;
// reason, the error the function logged last, is what tells you what to fix.
func exitError(status, reason string) *invocationError {
	message := "Runtime exited with error: " + status
	switch {
	case reason != "":
		message = reason + " (" + status + ")"
	case status == "exit status 0":
		message = "Runtime exited without providing a reason"
	}
	return &invocationError{Type: "Runtime.ExitError", Message: message}
}

// parseInvocationError reads an error as aws-lambda-go sends it, {"errorMessage": ...,
// "errorType": ..., "stackTrace": [...]}; headerType is the Lambda-Runtime-Function-Error-Type
// that came with it, for a body that names no type.
func parseInvocationError(body []byte, headerType string) *invocationError {
	var e invocationError
	if json.Unmarshal(body, &e) != nil {
		e = invocationError{Message: strings.TrimSpace(string(body))}
	}
	if e.Type == "" {
		e.Type = headerType
	}
	if e.Type == "" {
		e.Type = "Unhandled"
	}
	return &e
}

// asFunctionError tells whether a payload is an error rather than a response. The emulator
// answers both with 200 and drops Lambda's X-Amz-Function-Error header, so the shape is all
// there is: aws-lambda-go's error object, with no other field.
func asFunctionError(payload []byte) (*invocationError, bool) {
	var fields map[string]json.RawMessage
	if isObject := json.Unmarshal(payload, &fields) == nil; !isObject || fields["errorType"] == nil {
		return nil, false
	}
	for key := range fields {
		if key != "errorType" && key != "errorMessage" && key != "stackTrace" {
			return nil, false
		}
	}
	e := parseInvocationError(payload, "")
	return e, e.Type != "" && e.Type != "Unhandled"
}

// failureReason returns "msg: error" when a line of the function's output is a log/slog record
// of level ERROR (JSON or text, with slog's key names or Lambda's timestamp/message), or the
// line itself when it is a Go panic. It is how an init failure or a crash explains itself:
// the generated main logs "initialization failed" with the error, then exits.
func failureReason(line string) (string, bool) {
	if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
		return line, true
	}
	var attrs map[string]string
	if strings.HasPrefix(line, "{") {
		attrs = jsonAttrs(line)
	} else {
		attrs = slogTextAttrs(line)
	}
	if !strings.HasPrefix(attrs["level"], "ERROR") {
		return "", false
	}
	msg := first(attrs["msg"], attrs["message"])
	if cause := first(attrs["error"], attrs["err"]); cause != "" {
		if msg == "" {
			return cause, true
		}
		return msg + ": " + cause, true
	}
	return msg, msg != ""
}

// jsonAttrs returns the top-level fields of a JSON log record, non-strings as JSON.
func jsonAttrs(line string) map[string]string {
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(line), &fields) != nil {
		return nil
	}
	attrs := make(map[string]string, len(fields))
	for key, raw := range fields {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = string(raw)
		}
		attrs[key] = s
	}
	return attrs
}

// slogTextAttrs parses a line of slog's TextHandler: key=value pairs separated by spaces, the
// values quoted (Go syntax) when they need it. Any other line gives nil.
func slogTextAttrs(line string) map[string]string {
	attrs := map[string]string{}
	for rest := strings.TrimSpace(line); rest != ""; rest = strings.TrimLeft(rest, " ") {
		key, value, ok := strings.Cut(rest, "=")
		if !ok || key == "" || strings.ContainsAny(key, " \"") {
			return nil
		}
		if strings.HasPrefix(value, `"`) {
			quoted, err := strconv.QuotedPrefix(value)
			if err != nil {
				return nil
			}
			attrs[key], _ = strconv.Unquote(quoted)
			rest = value[len(quoted):]
		} else {
			attrs[key], rest, _ = strings.Cut(value, " ")
		}
	}
	return attrs
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
