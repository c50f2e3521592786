package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// skippedDirs hold dependencies, generated output and tool state: not the project's own files.
var skippedDirs = map[string]bool{
	".git": true, "node_modules": true, "vendor": true, "testdata": true, "cdk.out": true,
	".aws-sam": true, ".serverless": true, ".terraform": true, "build": true, "dist": true,
	".tools": true, ".venv": true, "__pycache__": true,
}

// maxFileSize keeps a stray data file from slowing the walk; configuration is never this large.
const maxFileSize = 4 << 20

// scanTree checks every file under root that this check reads; paths in findings are root's
// joined with the file's path below it.
func scanTree(root string) ([]Finding, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", root)
	}
	var findings []Finding
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return walkErr
		}
		if d.IsDir() {
			if p != root && skippedDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		check := checkerFor(p)
		if check == nil || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.Size() > maxFileSize {
			return err
		}
		data, err := os.ReadFile(p) //nolint:gosec // G304: reading the files of the tree the user asked to check is the job
		if err != nil {
			return err
		}
		found, err := check(filepath.ToSlash(p), string(data))
		if errors.Is(err, errSkip) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		findings = append(findings, found...)
		return nil
	})
	return findings, err
}

// checker reads one file's text and returns its findings, or errSkip when the file turns out
// not to be one this check understands.
type checker func(file, text string) ([]Finding, error)

// checkerFor picks the checker by the file's name (and, for YAML and JSON, its place).
func checkerFor(p string) checker {
	slashed := filepath.ToSlash(p)
	name := path.Base(slashed)
	lower := strings.ToLower(name)
	inWorkflows := strings.Contains(slashed, ".github/workflows/")
	switch {
	case name == "go.mod":
		return checkGoMod
	case lower == "makefile" || lower == "gnumakefile" || strings.HasSuffix(lower, ".mk"):
		return checkMakefile
	case strings.HasSuffix(lower, ".sh") || strings.HasSuffix(lower, ".bash"):
		return checkScript
	case strings.HasSuffix(lower, ".tf"):
		return checkTerraform
	case strings.HasSuffix(lower, ".tf.json"):
		return checkJSONConfig
	case lower == "serverless.yml" || lower == "serverless.yaml":
		return checkYAMLConfig
	case (strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")) &&
		(inWorkflows || strings.HasPrefix(lower, "buildspec")):
		return checkScript
	case strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml"):
		return checkCloudFormationYAML
	case strings.HasSuffix(lower, ".json"):
		return checkJSONConfig
	case lower == "serverless.ts" || lower == "serverless.js":
		return checkServerlessSource
	case strings.HasSuffix(lower, ".d.ts"):
		return nil
	case strings.HasSuffix(lower, ".ts") || strings.HasSuffix(lower, ".js") ||
		strings.HasSuffix(lower, ".mjs") || strings.HasSuffix(lower, ".cjs"):
		return checkCDKScript
	case strings.HasSuffix(lower, ".py"):
		return checkCDKPython
	case strings.HasSuffix(lower, ".go"):
		return checkCDKGo
	}
	return nil
}

// lineAt turns byte offsets into 1-based line numbers.
type lineIndex []int

func newLineIndex(text string) lineIndex {
	var starts lineIndex
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i)
		}
	}
	return starts
}

// line of the byte at offset: one more than the newlines before it.
func (idx lineIndex) line(offset int) int {
	lo, hi := 0, len(idx)
	for lo < hi {
		mid := (lo + hi) / 2
		if idx[mid] < offset {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo + 1
}
