package metricstest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCheck_rejects proves that the checker fails lines that break the
// specification, so that tests relying on it can fail.
func TestCheck_rejects(t *testing.T) {
	now := time.Now().UnixMilli()
	directive := `{"Namespace":"svc","Dimensions":[["FunctionName"]],"Metrics":[{"Name":"Hits","Unit":"Count"}]}`
	line := func(timestamp any, directive string, members string) string {
		return fmt.Sprintf(`{"_aws":{"Timestamp":%v,"CloudWatchMetrics":[%s]}%s}`, timestamp, directive, members)
	}
	valid := line(now, directive, `,"FunctionName":"f","Hits":1`)
	if _, err := Check([]byte(valid)); err != nil {
		t.Fatalf("valid line rejected: %v", err)
	}
	thirtyOne := make([]string, 31)
	for i := range thirtyOne {
		thirtyOne[i] = fmt.Sprintf(`"D%d"`, i)
	}
	for name, bad := range map[string]string{
		"not JSON":                `_aws`,
		"no _aws":                 `{"FunctionName":"f","Hits":1}`,
		"timestamp in seconds":    line(now/1000, directive, `,"FunctionName":"f","Hits":1`),
		"fractional timestamp":    line(fmt.Sprintf("%d.5", now), directive, `,"FunctionName":"f","Hits":1`),
		"timestamp a string":      line(fmt.Sprintf("%q", fmt.Sprint(now)), directive, `,"FunctionName":"f","Hits":1`),
		"no directives":           line(now, ``, `,"FunctionName":"f","Hits":1`),
		"bad namespace":           line(now, strings.Replace(directive, "svc", "my service", 1), `,"FunctionName":"f","Hits":1`),
		"dimension missing":       line(now, directive, `,"Hits":1`),
		"dimension not a string":  line(now, directive, `,"FunctionName":1,"Hits":1`),
		"dimension nested":        line(now, directive, `,"dims":{"FunctionName":"f"},"Hits":1`),
		"metric missing":          line(now, directive, `,"FunctionName":"f"`),
		"metric a string":         line(now, directive, `,"FunctionName":"f","Hits":"1"`),
		"metric nested":           line(now, directive, `,"FunctionName":"f","metrics":{"Hits":1}`),
		"unknown unit":            line(now, strings.Replace(directive, "Count", "Things", 1), `,"FunctionName":"f","Hits":1`),
		"storage resolution 5":    line(now, strings.Replace(directive, `"Unit":"Count"`, `"StorageResolution":5`, 1), `,"FunctionName":"f","Hits":1`),
		"31 dimensions":           line(now, strings.Replace(directive, `["FunctionName"]`, "["+strings.Join(thirtyOne, ",")+"]", 1), `,"Hits":1`),
		"101 values":              line(now, directive, `,"FunctionName":"f","Hits":[`+strings.Repeat("1,", 100)+`1]`),
		"two objects on one line": valid + valid,
	} {
		if _, err := Check([]byte(bad)); err == nil {
			t.Errorf("%s: accepted %s", name, bad)
		}
	}
}
