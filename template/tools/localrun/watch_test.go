package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o750))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
}

// touch gives path a modification time later than any before it, as a save in an editor does
// (some file systems keep mtimes at coarse resolution).
func touch(t *testing.T, path string, offset time.Duration) {
	t.Helper()
	when := time.Now().Add(offset)
	require.NoError(t, os.Chtimes(path, when, when))
}

func TestScanSourcesSeesWhatABuildReads(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{
		"go.mod", "go.sum", "cmd/api/main.go", "internal/handler/api.go", "README.md",
		"build/local/x.go", ".tools/x.go", "infrastructure/node_modules/x/x.go", "node_modules/x.go",
		"internal/handler/testdata/x.go", "vendor/x/x.go", ".git/x.go", ".idea/x.go",
	} {
		writeFile(t, filepath.Join(root, name), "package x\n")
	}

	files := scanSources(root)

	var names []string
	for path := range files {
		rel, err := filepath.Rel(root, path)
		require.NoError(t, err)
		names = append(names, filepath.ToSlash(rel))
	}
	assert.ElementsMatch(t, []string{"go.mod", "go.sum", "cmd/api/main.go", "internal/handler/api.go"}, names)
}

func TestChangedSourcesFindsEditsAdditionsAndRemovals(t *testing.T) {
	root := t.TempDir()
	mainGo := filepath.Join(root, "cmd/api/main.go")
	handler := filepath.Join(root, "internal/handler/api.go")
	gone := filepath.Join(root, "internal/handler/old.go")
	for _, path := range []string{mainGo, handler, gone} {
		writeFile(t, path, "package x\n")
	}
	before := scanSources(root)
	assert.Empty(t, changedSources(before, scanSources(root)), "nothing changed")

	writeFile(t, handler, "package x // edited\n")
	touch(t, handler, time.Second)
	added := filepath.Join(root, "internal/handler/new.go")
	writeFile(t, added, "package x\n")
	require.NoError(t, os.Remove(gone))
	writeFile(t, filepath.Join(root, "README.md"), "not a source")
	writeFile(t, filepath.Join(root, "build/local/api/main.go"), "skipped")

	assert.Equal(t, []string{handler, added, gone}, changedSources(before, scanSources(root)))
}

func TestWatchSourcesCallsBackOnAChange(t *testing.T) {
	root := t.TempDir()
	source := filepath.Join(root, "main.go")
	writeFile(t, source, "package main\n")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changes := make(chan []string, 1)
	go watchSources(ctx, root, 10*time.Millisecond, func(changed []string) { changes <- changed })

	time.Sleep(50 * time.Millisecond) // the first scan
	writeFile(t, source, "package main // saved\n")
	touch(t, source, time.Second)

	select {
	case changed := <-changes:
		assert.Equal(t, []string{source}, changed)
	case <-time.After(2 * time.Second):
		t.Fatal("no change seen")
	}
}

func TestBuildBootstrapLeavesADebugWrapperAlone(t *testing.T) {
	wrapper := filepath.Join(t.TempDir(), "bootstrap")
	writeFile(t, wrapper, "#!/bin/sh\nexec dlv exec --headless ./debug\n")

	result := buildBootstrap(t.Context(), t.TempDir(), "api", wrapper)

	assert.Contains(t, result.skipped, "is a script")
	content, err := os.ReadFile(wrapper) //nolint:gosec // G304: the test's own file.
	require.NoError(t, err)
	assert.Contains(t, string(content), "exec dlv")
}
