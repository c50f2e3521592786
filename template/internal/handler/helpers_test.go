package handler_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"testing"

	"github.com/stretchr/testify/require"
)

// Helpers shared by the tests of every handler in this package, whatever its event kind.

// readEvents decodes every sample event in dir into the aws-lambda-go type
// E, keyed by file name: the sample events are also what `make invoke` sends.
func readEvents[E any](tb testing.TB, dir string) map[string]E {
	tb.Helper()
	fsys := os.DirFS(dir)
	names, err := fs.Glob(fsys, "*.json")
	require.NoError(tb, err)
	require.NotEmpty(tb, names, "no events in %s", dir)

	reqs := make(map[string]E, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		require.NoError(tb, err)
		var req E
		require.NoError(tb, json.Unmarshal(b, &req), path.Join(dir, name))
		reqs[name] = req
	}
	return reqs
}

// captureLogs sends the default logger's output, as JSON, to the returned
// buffer for the rest of the test. Tests using it must not run in parallel.
func captureLogs(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return &buf
}
