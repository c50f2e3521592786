// Package metrics writes CloudWatch metrics in the embedded metric format
// (EMF): one JSON line per Emit on the standard output, which CloudWatch Logs
// turns into metrics without an agent or an API call.
//
// The namespace is METRICS_NAMESPACE, which the stack sets on every function;
// without it (unit tests, local runs) nothing is written. Every metric has the
// dimension FunctionName (AWS_LAMBDA_FUNCTION_NAME) and the dimensions the
// caller adds. The request id is a property of the line, searchable in Logs
// Insights, not a dimension, which would make a metric per request.
//
// Each line is written before Emit returns: nothing is buffered, so nothing is
// lost when an invocation ends or times out after it. The line is JSON already,
// so Lambda's JSON log format passes it through as it is, and it carries a
// "level" the function's application log level lets through (see Level), so
// log-level filtering keeps it.
package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// NamespaceVariable names the environment variable holding the namespace.
const NamespaceVariable = "METRICS_NAMESPACE"

// FunctionNameDimension is the dimension every metric has: the function's
// name in Lambda.
const FunctionNameDimension = "FunctionName"

// The limits of the EMF specification and of CloudWatch.
const (
	MaxMetrics         = 100 // metrics per line (one directive)
	MaxDimensions      = 30  // dimensions per dimension set, FunctionName included
	maxNameLength      = 255 // CloudWatch metric and dimension names
	maxValueLength     = 1024
	maxNamespaceLength = 256
)

// Unit is a CloudWatch unit.
type Unit string

// The units the generated code uses; any CloudWatch unit name is valid.
const (
	UnitCount        Unit = "Count"
	UnitMilliseconds Unit = "Milliseconds"
	UnitBytes        Unit = "Bytes"
	UnitNone         Unit = "None"
)

// Metric is one value of a metric.
type Metric struct {
	Name  string
	Unit  Unit
	Value float64
}

// Dimension is a name and value that a metric is broken down by. Keep the
// values few (a class, an outcome), never ids: each value is a metric of its
// own, billed as such.
type Dimension struct {
	Name  string
	Value string
}

// Keys the line holds besides the metrics and dimensions.
const (
	awsKey       = "_aws"
	levelKey     = "level"
	requestIDKey = "requestId"
)

var (
	namespacePattern = regexp.MustCompile(`^[a-zA-Z0-9._#:/-]+$`)

	outMu sync.Mutex
	out   io.Writer = os.Stdout
)

// Emit writes one line holding the metrics, each broken down by FunctionName
// and dims. It writes nothing without METRICS_NAMESPACE, and nothing but a
// warning in the log when the metrics or dimensions break a rule of EMF: a
// lost metric must not fail an invocation.
func Emit(ctx context.Context, dims []Dimension, metrics ...Metric) {
	namespace := os.Getenv(NamespaceVariable)
	if namespace == "" || len(metrics) == 0 {
		return
	}
	line, err := encode(ctx, namespace, time.Now(), dims, metrics)
	if err != nil {
		slog.WarnContext(ctx, "metrics not written", "error", err)
		return
	}
	outMu.Lock()
	defer outMu.Unlock()
	_, _ = out.Write(line) // one whole line per write, for the log
}

// Count writes one metric counting n of something, such as a created user.
func Count(ctx context.Context, name string, n int, dims ...Dimension) {
	Emit(ctx, dims, Metric{Name: name, Unit: UnitCount, Value: float64(n)})
}

// ColdStart counts a new execution environment: main calls it once, in the
// init phase, so the Sum of ColdStart over a period is the number of cold
// starts in it.
func ColdStart() {
	Count(context.Background(), "ColdStart", 1)
}

// SetOutput sends the lines to w instead of the standard output until the
// returned function restores the previous writer; for tests.
func SetOutput(w io.Writer) (restore func()) {
	outMu.Lock()
	defer outMu.Unlock()
	previous := out
	out = w
	return func() {
		outMu.Lock()
		defer outMu.Unlock()
		out = previous
	}
}

type directive struct {
	Namespace  string             `json:"Namespace"`
	Dimensions [][]string         `json:"Dimensions"`
	Metrics    []metricDefinition `json:"Metrics"`
}

type metricDefinition struct {
	Name string `json:"Name"`
	Unit Unit   `json:"Unit,omitempty"`
}

type metadata struct {
	Timestamp         int64       `json:"Timestamp"` // milliseconds since the epoch
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

// encode returns the EMF line, newline included, or why the metrics break a
// rule of the specification.
func encode(ctx context.Context, namespace string, now time.Time, dims []Dimension, metrics []Metric) ([]byte, error) {
	if len(namespace) > maxNamespaceLength || !namespacePattern.MatchString(namespace) {
		return nil, fmt.Errorf("%s %q: up to %d letters, digits and ._#:/- only", NamespaceVariable, namespace, maxNamespaceLength)
	}
	function := Dimension{Name: FunctionNameDimension, Value: os.Getenv("AWS_LAMBDA_FUNCTION_NAME")}
	dims = append([]Dimension{function}, dims...)
	if len(dims) > MaxDimensions {
		return nil, fmt.Errorf("%d dimensions: at most %d, %s included", len(dims), MaxDimensions, FunctionNameDimension)
	}
	if len(metrics) > MaxMetrics {
		return nil, fmt.Errorf("%d metrics: at most %d a line", len(metrics), MaxMetrics)
	}
	line := map[string]any{levelKey: Level()}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		line[requestIDKey] = lc.AwsRequestID
	}
	names := make([]string, 0, len(dims))
	for _, d := range dims {
		if err := checkName("dimension", d.Name, line); err != nil {
			return nil, err
		}
		if len(d.Value) > maxValueLength {
			return nil, fmt.Errorf("dimension %s: value longer than %d characters", d.Name, maxValueLength)
		}
		line[d.Name] = d.Value // EMF: dimension values are strings, top-level
		names = append(names, d.Name)
	}
	definitions := make([]metricDefinition, 0, len(metrics))
	for _, m := range metrics {
		if err := checkName("metric", m.Name, line); err != nil {
			return nil, err
		}
		if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
			return nil, fmt.Errorf("metric %s: %v is not a number CloudWatch takes", m.Name, m.Value)
		}
		line[m.Name] = m.Value // EMF: metric values are numbers, top-level
		definitions = append(definitions, metricDefinition{Name: m.Name, Unit: m.Unit})
	}
	d := directive{Namespace: namespace, Dimensions: [][]string{names}, Metrics: definitions}
	line[awsKey] = metadata{Timestamp: now.UnixMilli(), CloudWatchMetrics: []directive{d}}
	b, err := json.Marshal(line)
	if err != nil { // cannot happen: strings and finite numbers only
		return nil, fmt.Errorf("encode metrics: %w", err)
	}
	return append(b, '\n'), nil
}

// checkName reports a metric or dimension name that is empty, too long, or
// already a key of the line (another metric or dimension, or one of the
// line's own keys).
func checkName(what, name string, line map[string]any) error {
	if name == "" || len(name) > maxNameLength {
		return fmt.Errorf("%s name %q: 1 to %d characters", what, name, maxNameLength)
	}
	if _, taken := line[name]; taken || name == awsKey || name == requestIDKey {
		return fmt.Errorf("%s name %q: used twice in one line, or a key of the line itself", what, name)
	}
	return nil
}

// Level returns the "level" of the metric lines: INFO, or the function's
// application log level (AWS_LAMBDA_LOG_LEVEL) when that is higher, because
// Lambda drops the JSON lines below it, and counts a line without a level as
// INFO.
func Level() string {
	switch level := strings.ToUpper(os.Getenv("AWS_LAMBDA_LOG_LEVEL")); level {
	case "WARN", "ERROR", "FATAL":
		return level
	default:
		return "INFO"
	}
}
