package batch

import (
	"encoding/json"
	"io"
	"os"
	"sync"
	"time"
)

// The FailedItems metric: the records of a batch reported as failed, written
// after every batch in CloudWatch's embedded metric format (EMF), a JSON log
// line that CloudWatch Logs turns into a metric. The stack alarms on it.
// Its namespace is METRICS_NAMESPACE, which the stack sets on every function;
// without it (unit tests, local runs) nothing is written. Its one dimension
// is FunctionName, the function's name in Lambda.
const (
	namespaceVariable = "METRICS_NAMESPACE"
	failedItemsMetric = "FailedItems"
)

var (
	dimensions  = []string{"FunctionName"}
	failedItems = emfMetric{Name: failedItemsMetric, Unit: "Count"}

	metricsMu  sync.Mutex
	metricsOut io.Writer = os.Stdout // one whole line per write, for the log
)

// emfRecord is one EMF log line holding the FailedItems value.
type emfRecord struct {
	AWS          emfMetadata `json:"_aws"`
	FunctionName string      `json:"FunctionName"`
	FailedItems  int         `json:"FailedItems"`
}

type emfMetadata struct {
	Timestamp         int64          `json:"Timestamp"` // milliseconds since the epoch
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// reported writes the FailedItems metric of a batch and returns its failed
// ids unchanged, so that each Process function ends with it.
func reported(failedIDs []string) []string {
	namespace := os.Getenv(namespaceVariable)
	if namespace == "" {
		return failedIDs
	}
	directive := emfDirective{
		Namespace:  namespace,
		Dimensions: [][]string{dimensions},
		Metrics:    []emfMetric{failedItems},
	}
	line, err := json.Marshal(emfRecord{
		AWS:          emfMetadata{Timestamp: time.Now().UnixMilli(), CloudWatchMetrics: []emfDirective{directive}},
		FunctionName: os.Getenv("AWS_LAMBDA_FUNCTION_NAME"),
		FailedItems:  len(failedIDs),
	})
	if err != nil { // cannot happen: the record has only strings and numbers
		return failedIDs
	}
	metricsMu.Lock()
	defer metricsMu.Unlock()
	_, _ = metricsOut.Write(append(line, '\n')) // a lost metric must not fail the batch
	return failedIDs
}
