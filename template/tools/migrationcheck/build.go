package main

import (
	"path"
	"regexp"
	"strings"
)

// A Lambda build is a `go build` for GOOS=linux: on go1.x it wrote a binary named after the
// handler (often main); the provided runtimes need one named bootstrap, and -tags lambda.norpc
// leaves out the RPC server only go1.x spoke.

var (
	goBuild     = regexp.MustCompile(`(^|[\s;&|(@])go\s+build(\s|$)`)
	goOutput    = regexp.MustCompile(`\s-o[\s=]+("[^"]+"|'[^']+'|\S+)`)
	goarchAMD64 = regexp.MustCompile(`\bGOARCH=["']?amd64\b`)
	makeVarDef  = regexp.MustCompile(`^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(:::=|::=|:=|\?=|\+=|!=|=)\s*(.*)$`)
	makeVarRef  = regexp.MustCompile(`\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]`)
	makeCall    = regexp.MustCompile(`\$\(call\s+([A-Za-z_][A-Za-z0-9_]*)`)
)

// logicalLine is a command with its backslash continuations joined, and the line it starts on.
type logicalLine struct {
	text string
	line int
}

func joinContinuations(lines []string, first int) []logicalLine {
	var out []logicalLine
	var cur strings.Builder
	start := -1
	for i, l := range lines {
		if start < 0 {
			start = first + i
		}
		l = cutComment(l)
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\"))
			cur.WriteString(" ")
			continue
		}
		cur.WriteString(l)
		out = append(out, logicalLine{text: cur.String(), line: start})
		cur.Reset()
		start = -1
	}
	if start >= 0 {
		out = append(out, logicalLine{text: cur.String(), line: start})
	}
	return out
}

// checkBuilds reports the Lambda builds among commands, which together make one unit of work
// (a Makefile rule, a script): a build may write elsewhere when the unit then installs its
// output as bootstrap, as the Makefile of go-lambda-template does.
func checkBuilds(file string, commands []logicalLine, unit string) []Finding {
	var findings []Finding
	for _, c := range commands {
		text := strings.TrimSpace(c.text)
		if strings.HasPrefix(text, "#") || !goBuild.MatchString(text) || !strings.Contains(text, "GOOS=linux") {
			continue
		}
		if !strings.Contains(text, "lambda.norpc") {
			findings = append(findings, noRPCFinding(file, c.line))
		}
		output := "the package's name (no -o)"
		if m := goOutput.FindStringSubmatch(text); m != nil {
			output = unquote(m[1])
		}
		if path.Base(output) != "bootstrap" && !strings.Contains(unit, "bootstrap") {
			findings = append(findings, outputFinding(file, c.line, output))
		}
		if goarchAMD64.MatchString(text) {
			findings = append(findings, x86Finding(file, c.line, "GOARCH=amd64"))
		}
	}
	return findings
}

// checkScript reads shell scripts, GitHub workflows and CodeBuild buildspecs: the file is the unit.
func checkScript(file, text string) ([]Finding, error) {
	commands := joinContinuations(strings.Split(text, "\n"), 1)
	var unit strings.Builder
	for _, c := range commands {
		unit.WriteString(c.text)
		unit.WriteString("\n")
	}
	return checkBuilds(file, commands, unit.String()), nil
}

// checkMakefile reads a Makefile: each rule (its target line and recipe) is a unit, and the
// recipe's $(VAR) references are expanded with the file's own variables, as make would.
func checkMakefile(file, text string) ([]Finding, error) {
	lines := joinContinuations(strings.Split(text, "\n"), 1)
	vars := map[string]string{}
	for _, l := range lines {
		if strings.HasPrefix(l.text, "\t") {
			continue
		}
		if m := makeVarDef.FindStringSubmatch(strings.TrimSpace(l.text)); m != nil {
			name, op, value := m[1], m[2], strings.TrimSpace(m[3])
			switch op {
			case "+=":
				vars[name] = strings.TrimSpace(vars[name] + " " + value)
			case "?=":
				if _, set := vars[name]; !set {
					vars[name] = value
				}
			case "!=":
				// a shell command's output: unknown here
			default:
				vars[name] = value
			}
		}
	}

	var findings []Finding
	var rule []logicalLine
	flush := func() {
		if len(rule) == 0 {
			return
		}
		var unit strings.Builder
		for i := range rule {
			rule[i].text = expandMake(rule[i].text, vars)
			unit.WriteString(rule[i].text)
			unit.WriteString("\n")
		}
		findings = append(findings, checkBuilds(file, rule, unit.String())...)
		rule = nil
	}
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l.text, "\t"):
			rule = append(rule, l)
		case strings.TrimSpace(l.text) == "" || strings.HasPrefix(strings.TrimSpace(l.text), "#"):
		case makeVarDef.MatchString(strings.TrimSpace(l.text)):
		case strings.Contains(l.text, ":"):
			flush()
			rule = append(rule, logicalLine{text: "#rule " + l.text, line: l.line})
		}
	}
	flush()
	return findings, nil
}

// expandMake replaces $(VAR), ${VAR} and $(call VAR,...) with the variables' values (a few
// levels deep); unknown references stay as they are.
func expandMake(s string, vars map[string]string) string {
	for range 8 {
		next := makeCall.ReplaceAllStringFunc(s, func(ref string) string {
			name := makeCall.FindStringSubmatch(ref)[1]
			if v, ok := vars[name]; ok {
				return "$(call " + v
			}
			return ref
		})
		next = makeVarRef.ReplaceAllStringFunc(next, func(ref string) string {
			if v, ok := vars[makeVarRef.FindStringSubmatch(ref)[1]]; ok {
				return v
			}
			return ref
		})
		if next == s {
			break
		}
		s = next
	}
	return s
}
