package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// watchInterval is how often dev looks for changed sources. Polling needs no dependency and
// works the same on every file system (WSL's mounts, Docker volumes).
const watchInterval = 500 * time.Millisecond

// skipDirs are never sources of a function: output, tools, the CDK app, other people's code.
var skipDirs = map[string]bool{
	".git": true, "build": true, ".tools": true, "infrastructure": true,
	"node_modules": true, "testdata": true, "vendor": true,
}

// stamp is what tells a changed file: its modification time and size.
type stamp struct {
	modTime time.Time
	size    int64
}

// scanSources returns the stamps of the files a build reads (*.go, go.mod, go.sum) under root.
func scanSources(root string) map[string]stamp {
	files := map[string]stamp{}
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil //nolint:nilerr // a file gone while walking is not a source; the next scan sees
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (skipDirs[name] || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum" {
			if info, err := d.Info(); err == nil {
				files[path] = stamp{info.ModTime(), info.Size()}
			}
		}
		return nil
	})
	return files
}

// changedSources lists the files added, removed or modified between two scans, sorted.
func changedSources(before, after map[string]stamp) []string {
	var changed []string
	for path, s := range after {
		if old, ok := before[path]; !ok || !old.modTime.Equal(s.modTime) || old.size != s.size {
			changed = append(changed, path)
		}
	}
	for path := range before {
		if _, ok := after[path]; !ok {
			changed = append(changed, path)
		}
	}
	slices.Sort(changed)
	return changed
}

// watchSources calls onChange with the changed files whenever a scan finds some, until ctx is
// done. Changes made while onChange runs are found by the next scan.
func watchSources(ctx context.Context, root string, interval time.Duration, onChange func([]string)) {
	before := scanSources(root)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			after := scanSources(root)
			if changed := changedSources(before, after); len(changed) > 0 {
				before = after
				onChange(changed)
			}
		}
	}
}

// served is a function make dev serves, with its runner.
type served struct {
	fn        function
	bootstrap string // absolute
	run       runner
}

// rebuild builds the served functions again, in parallel, and restarts those whose bootstrap
// changed: the next request cold-starts the new build; requests arriving meanwhile wait for
// the old process to stop. A failed build is reported and changes nothing: the previous build
// keeps serving.
func rebuild(ctx context.Context, root string, functions []served, changed []string, log io.Writer) {
	started := time.Now()
	results := make([]buildResult, len(functions))
	var wg sync.WaitGroup
	for i, s := range functions {
		wg.Go(func() { results[i] = buildBootstrap(ctx, root, s.fn.name, s.bootstrap) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return
	}

	failures := map[string][]string{} // compiler output -> functions: one shared error, said once
	restarted := 0
	for i, s := range functions {
		switch r := results[i]; {
		case r.err != nil:
			failures[r.output] = append(failures[r.output], s.fn.name)
		case r.skipped != "":
			_, _ = fmt.Fprintf(log, "%s: not rebuilt: %s\n", s.fn.name, r.skipped)
		case r.changed:
			restarted++
			wg.Go(func() { // each may take its SIGTERM grace period
				s.run.stop()
				_, _ = fmt.Fprintf(log, "%s: rebuilt and restarted in %.1fs\n", s.fn.name, time.Since(started).Seconds())
			})
		}
	}
	wg.Wait()
	for _, output := range slices.Sorted(maps.Keys(failures)) {
		_, _ = fmt.Fprintf(log, "%s: build failed, still serving the previous build:\n%s\n",
			strings.Join(failures[output], ", "), strings.TrimSpace(output))
	}
	if restarted == 0 && len(failures) == 0 {
		_, _ = fmt.Fprintf(log, "%s changed: no function's bootstrap did\n", describeChanges(root, changed))
	}
}

func describeChanges(root string, changed []string) string {
	name, err := filepath.Rel(root, changed[0])
	if err != nil {
		name = changed[0]
	}
	if len(changed) > 1 {
		return fmt.Sprintf("%s and %d more", name, len(changed)-1)
	}
	return name
}

type buildResult struct {
	changed bool
	skipped string // why the bootstrap was left alone
	output  string // the compiler's, when err
	err     error
}

// buildBootstrap builds ./cmd/<name> for this machine, as the Makefile's local build does, next
// to bootstrap, and moves it in place only when it differs: a cold start never sees a half
// written file, and an unchanged function keeps its warm process.
func buildBootstrap(ctx context.Context, root, name, bootstrap string) buildResult {
	if isScript(bootstrap) {
		return buildResult{skipped: bootstrap + " is a script (a debug wrapper?); run with -watch=false"}
	}
	next := bootstrap + ".next"
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", //nolint:gosec // G204: the function name is the table's.
		"-o", next, "./cmd/"+name)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if output, err := cmd.CombinedOutput(); err != nil {
		_ = os.Remove(next)
		return buildResult{output: string(output), err: err}
	}
	if sameContent(next, bootstrap) {
		return buildResult{err: os.Remove(next)}
	}
	if err := os.Rename(next, bootstrap); err != nil {
		return buildResult{output: err.Error(), err: err}
	}
	return buildResult{changed: true}
}

func isScript(path string) bool {
	f, err := os.Open(path) //nolint:gosec // G304: the bootstrap the Makefile names.
	if err != nil {
		return false
	}
	defer func() { _ = f.Close() }()
	head := make([]byte, 2)
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == "#!"
}

func sameContent(a, b string) bool {
	x, errA := os.ReadFile(a) //nolint:gosec // G304: build output.
	y, errB := os.ReadFile(b) //nolint:gosec // G304: build output.
	return errors.Join(errA, errB) == nil && bytes.Equal(x, y)
}

// moduleRoot is the directory of the go.mod at or above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isFile(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in the working directory or above")
		}
		dir = parent
	}
}
