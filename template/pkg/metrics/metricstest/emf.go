// Package metricstest checks lines written by package metrics against the
// CloudWatch embedded metric format (EMF) specification, for the tests of
// every package that writes metrics.
package metricstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// The units CloudWatch accepts.
var units = map[string]bool{
	"Seconds": true, "Microseconds": true, "Milliseconds": true, "Bytes": true, "Kilobytes": true,
	"Megabytes": true, "Gigabytes": true, "Terabytes": true, "Bits": true, "Kilobits": true,
	"Megabits": true, "Gigabits": true, "Terabits": true, "Percent": true, "Count": true,
	"Bytes/Second": true, "Kilobytes/Second": true, "Megabytes/Second": true, "Gigabytes/Second": true,
	"Terabytes/Second": true, "Bits/Second": true, "Kilobits/Second": true, "Megabits/Second": true,
	"Gigabits/Second": true, "Terabits/Second": true, "Count/Second": true, "None": true,
}

var namespacePattern = regexp.MustCompile(`^[a-zA-Z0-9._#:/-]{1,256}$`)

// Lines parses output, one EMF object a line, and checks each against the
// specification (see Check).
func Lines(output string) ([]map[string]any, error) {
	var lines []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(output, "\n"), "\n") {
		if line == "" && len(lines) == 0 && i == 0 {
			return nil, nil // no output at all
		}
		object, err := Check([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("line %d %s: %w", i+1, line, err)
		}
		lines = append(lines, object)
	}
	return lines, nil
}

// Check parses one line and checks it against the specification: a JSON
// object whose root member _aws holds Timestamp, milliseconds since the epoch
// as an integer (no more than 14 days old or 2 hours ahead), and
// CloudWatchMetrics, directives of a namespace, dimension sets (at most 30
// names each) and metric definitions (at most 100, units CloudWatch knows,
// StorageResolution 1 or 60); every dimension named is a top-level string
// member and every metric a top-level number or array of at most 100 numbers.
// It returns the object, numbers as float64.
func Check(line []byte) (map[string]any, error) {
	decoder := json.NewDecoder(bytes.NewReader(line))
	decoder.UseNumber()
	var object map[string]any
	if err := decoder.Decode(&object); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if decoder.More() {
		return nil, errors.New("more than one JSON value")
	}
	aws, ok := object["_aws"].(map[string]any)
	if !ok {
		return nil, errors.New("no _aws object")
	}
	if err := checkTimestamp(aws["Timestamp"]); err != nil {
		return nil, err
	}
	directives, ok := aws["CloudWatchMetrics"].([]any)
	if !ok || len(directives) == 0 {
		return nil, errors.New("_aws.CloudWatchMetrics: not a non-empty array")
	}
	for i, d := range directives {
		if err := checkDirective(d, object); err != nil {
			return nil, fmt.Errorf("_aws.CloudWatchMetrics[%d]: %w", i, err)
		}
	}
	return plain(object).(map[string]any), nil
}

func checkTimestamp(v any) error {
	n, ok := v.(json.Number)
	if !ok {
		return errors.New("_aws.Timestamp: not a number")
	}
	ms, err := n.Int64()
	if err != nil {
		return fmt.Errorf("_aws.Timestamp %s: not an integer of milliseconds", n)
	}
	now := time.Now()
	if t := time.UnixMilli(ms); t.Before(now.Add(-14*24*time.Hour)) || t.After(now.Add(2*time.Hour)) {
		return fmt.Errorf("_aws.Timestamp %d: more than 14 days ago or 2 hours ahead", ms)
	}
	return nil
}

func checkDirective(v any, object map[string]any) error {
	d, ok := v.(map[string]any)
	if !ok {
		return errors.New("not an object")
	}
	if ns, _ := d["Namespace"].(string); !namespacePattern.MatchString(ns) {
		return fmt.Errorf("_aws namespace %q: 1 to 256 of letters, digits and ._#:/-", ns)
	}
	sets, ok := d["Dimensions"].([]any)
	if !ok {
		return errors.New("the Dimensions member: not an array")
	}
	for _, s := range sets {
		set, ok := s.([]any)
		if !ok || len(set) > 30 {
			return fmt.Errorf("dimension set %v: not an array of at most 30 names", s)
		}
		for _, name := range set {
			key, _ := name.(string)
			if _, ok := object[key].(string); !ok {
				return fmt.Errorf("dimension %v: not a top-level string member", name)
			}
		}
	}
	metrics, ok := d["Metrics"].([]any)
	if !ok || len(metrics) > 100 {
		return errors.New("the Metrics member: not an array of at most 100 definitions")
	}
	for _, m := range metrics {
		if err := checkMetric(m, object); err != nil {
			return err
		}
	}
	return nil
}

func checkMetric(v any, object map[string]any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("metric %v: not an object", v)
	}
	name, _ := m["Name"].(string)
	if name == "" {
		return fmt.Errorf("metric %v: no Name", m)
	}
	if unit, set := m["Unit"]; set && !units[fmt.Sprint(unit)] {
		return fmt.Errorf("metric %s: unit %v is not a CloudWatch unit", name, unit)
	}
	if r, set := m["StorageResolution"]; set && fmt.Sprint(r) != "1" && fmt.Sprint(r) != "60" {
		return fmt.Errorf("metric %s: StorageResolution %v, not 1 or 60", name, r)
	}
	switch value := object[name].(type) {
	case json.Number:
	case []any:
		if len(value) > 100 {
			return fmt.Errorf("metric %s: more than 100 values", name)
		}
		for _, x := range value {
			if _, ok := x.(json.Number); !ok {
				return fmt.Errorf("metric %s: value %v is not a number", name, x)
			}
		}
	default:
		return fmt.Errorf("metric %s: not a top-level number or array of numbers", name)
	}
	return nil
}

// plain turns the json.Numbers of v into float64s, as json.Unmarshal does.
func plain(v any) any {
	switch v := v.(type) {
	case json.Number:
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = plain(x)
		}
	case []any:
		for i, x := range v {
			v[i] = plain(x)
		}
	}
	return v
}
