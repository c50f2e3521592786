package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Report says what a migration changed and what it left for the user.
type Report struct {
	Rewritten []string // files rewritten, relative to the project
	Notes     []string // "file:line: what to do by hand"
}

// Lines is the report as printed after the update.
func (r Report) Lines() []string {
	var lines []string
	for _, f := range r.Rewritten {
		lines = append(lines, "rewrote "+f)
	}
	for _, n := range r.Notes {
		lines = append(lines, "by hand: "+n)
	}
	return lines
}

// skippedDirs hold no code of the user's own: dependencies, build output,
// and the middleware package itself, which the update has already replaced.
var skippedDirs = map[string]bool{"node_modules": true, "vendor": true, "testdata": true, "build": true, "cdk.out": true}

// MigrateProject rewrites every package of the Go module in dir.
func MigrateProject(dir string) (Report, error) {
	var report Report
	module, err := modulePath(filepath.Join(dir, "go.mod"))
	if err != nil {
		return report, err
	}
	middlewareDir := filepath.Join(dir, "pkg", "middleware")
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != dir && (skippedDirs[name] || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		if path == middlewareDir {
			return nil
		}
		if path != dir {
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
		}
		return migrateDir(dir, path, module+"/pkg/middleware", &report)
	})
	return report, err
}

func migrateDir(root, dir, middlewarePath string, report *Report) error {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(names) == 0 {
		return err
	}
	sort.Strings(names)
	sources := make(map[string][]byte, len(names))
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, name)
		sources[filepath.ToSlash(rel)] = src
	}
	changed, notes := MigratePackage(sources, middlewarePath)
	report.Notes = append(report.Notes, notes...)
	for _, rel := range sortedKeys(changed) {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), changed[rel], 0o644); err != nil {
			return err
		}
		report.Rewritten = append(report.Rewritten, rel)
	}
	return nil
}

func modulePath(goMod string) (string, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return "", err
	}
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for scanner.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(scanner.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", errors.New(goMod + " has no module line")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func position(file string, line int) string { return fmt.Sprintf("%s:%d", file, line) }
