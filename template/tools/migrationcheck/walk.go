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
	var findings, builds []Finding
	modules := map[string]bool{} // directory of each go.mod (and dep, glide file): requires aws-lambda-go
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
		check, isBuild := checkerFor(p)
		if (check == nil && !dependencyFiles[d.Name()]) || !d.Type().IsRegular() {
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
		if dependencyFiles[d.Name()] {
			dir := filepath.ToSlash(filepath.Dir(p))
			modules[dir] = modules[dir] || strings.Contains(string(data), lambdaGoModule)
		}
		if check == nil {
			return nil
		}
		found, err := check(filepath.ToSlash(p), string(data))
		if errors.Is(err, errSkip) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if isBuild {
			builds = append(builds, found...)
		} else {
			findings = append(findings, found...)
		}
		return nil
	})
	// A GOOS=linux build is a Lambda build only in a module of Lambda functions: the nearest go.mod
	// (or dep, glide file) above the build's file requires aws-lambda-go, or, with none above it,
	// the tree deploys a go1.x function. Elsewhere it builds a Linux program (a CLI, a server)
	// whose name and tags are its own business.
	deploysGo1x := hasRule(findings, ruleRuntime)
	for _, b := range builds {
		if lambda, found := nearestModule(modules, path.Dir(b.File), filepath.ToSlash(root)); (found && lambda) || (!found && deploysGo1x) {
			findings = append(findings, b)
		}
	}
	return findings, err
}

// nearestModule looks for a dependency file in dir and its parents up to root.
func nearestModule(modules map[string]bool, dir, root string) (lambda, found bool) {
	for {
		if lambda, ok := modules[dir]; ok {
			return lambda, true
		}
		if dir == root || dir == "." || dir == "/" {
			return false, false
		}
		parent := path.Dir(dir)
		if parent == dir {
			return false, false
		}
		dir = parent
	}
}

// dependencyFiles name a Go project's dependencies: go.mod, and dep's and glide's from before it.
var dependencyFiles = map[string]bool{
	"go.mod": true, "Gopkg.toml": true, "Gopkg.lock": true, "glide.yaml": true, "glide.lock": true,
}

func hasRule(findings []Finding, rule string) bool {
	for _, f := range findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// checker reads one file's text and returns its findings, or errSkip when the file turns out
// not to be one this check understands.
type checker func(file, text string) ([]Finding, error)

// checkerFor picks the checker by the file's name (and, for YAML and JSON, its place), and
// tells whether it reads build commands.
func checkerFor(p string) (checker, bool) {
	slashed := filepath.ToSlash(p)
	name := path.Base(slashed)
	lower := strings.ToLower(name)
	inWorkflows := strings.Contains(slashed, ".github/workflows/")
	switch {
	case name == "go.mod":
		return checkGoMod, false
	case lower == "makefile" || lower == "gnumakefile" || strings.HasSuffix(lower, ".mk"):
		return checkMakefile, true
	case strings.HasSuffix(lower, ".sh") || strings.HasSuffix(lower, ".bash"):
		return checkScript, true
	case strings.HasSuffix(lower, ".tf"):
		return checkTerraform, false
	case strings.HasSuffix(lower, ".tf.json"):
		return checkJSONConfig, false
	case lower == "serverless.yml" || lower == "serverless.yaml":
		return checkYAMLConfig, false
	case (strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")) &&
		(inWorkflows || strings.HasPrefix(lower, "buildspec")):
		return checkScript, true
	case strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml"):
		return checkCloudFormationYAML, false
	case strings.HasSuffix(lower, ".json"):
		return checkJSONConfig, false
	case lower == "serverless.ts" || lower == "serverless.js":
		return checkServerlessSource, false
	case strings.HasSuffix(lower, ".d.ts"):
		return nil, false
	case strings.HasSuffix(lower, ".ts") || strings.HasSuffix(lower, ".js") ||
		strings.HasSuffix(lower, ".mjs") || strings.HasSuffix(lower, ".cjs"):
		return checkCDKScript, false
	case strings.HasSuffix(lower, ".py"):
		return checkCDKPython, false
	case strings.HasSuffix(lower, ".go"):
		return checkCDKGo, false
	}
	return nil, false
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
