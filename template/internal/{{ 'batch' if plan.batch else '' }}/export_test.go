package batch

import "io"

// SetMetricsOutput sends the metric lines to w until the returned function
// restores the standard output.
func SetMetricsOutput(w io.Writer) (restore func()) {
	metricsMu.Lock()
	defer metricsMu.Unlock()
	previous := metricsOut
	metricsOut = w
	return func() {
		metricsMu.Lock()
		defer metricsMu.Unlock()
		metricsOut = previous
	}
}
