package main

import (
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

// CDK apps are code, so their settings are found by the shapes the CDK's own APIs give them in
// each language: lambda.Runtime.GO_1_X, architecture: lambda.Architecture.X86_64, handler: 'main'.
// Only files that import the CDK are read (so a linter's source that merely names these never is).
type cdkSyntax struct {
	imports      *regexp.Regexp
	goRuntime    *regexp.Regexp // a go1.x runtime
	x86          *regexp.Regexp // an architecture property set to x86_64
	handler      *regexp.Regexp // a handler property with a string literal; group 1 is the value
	construct    *regexp.Regexp // where a function's properties begin
	goFamily     *regexp.Regexp // a runtime a Go binary runs on
	x86Setting   string
	handlerGroup int
}

var (
	tsConstruct = regexp.MustCompile(`\w*Function\s*\(`)
	tsGoFamily  = regexp.MustCompile(`Runtime\.(GO_1_X|PROVIDED|PROVIDED_AL2|PROVIDED_AL2023)\b`)

	cdkScript = cdkSyntax{
		imports:      regexp.MustCompile(`(?m)(from\s+|require\(\s*)['"](aws-cdk-lib|@aws-cdk/)`),
		goRuntime:    regexp.MustCompile(`\bRuntime\.GO_1_X\b`),
		x86:          regexp.MustCompile(`\barchitectures?\s*:\s*\[?\s*[\w.]*Architecture\.X86_64\b`),
		handler:      regexp.MustCompile("\\bhandler\\s*:\\s*(['\"`])([^'\"`$]+)['\"`]"),
		construct:    tsConstruct,
		goFamily:     tsGoFamily,
		x86Setting:   "architecture: Architecture.X86_64",
		handlerGroup: 2,
	}
	cdkPython = cdkSyntax{
		imports:      regexp.MustCompile(`(?m)^\s*(from\s+aws_cdk\b|import\s+aws_cdk\b)`),
		goRuntime:    regexp.MustCompile(`\bRuntime\.GO_1_X\b`),
		x86:          regexp.MustCompile(`\barchitectures?\s*=\s*\[?\s*[\w.]*Architecture\.X86_64\b`),
		handler:      regexp.MustCompile(`\bhandler\s*=\s*(['"])([^'"]+)['"]`),
		construct:    tsConstruct,
		goFamily:     tsGoFamily,
		x86Setting:   "architecture=Architecture.X86_64",
		handlerGroup: 2,
	}
	cdkGo = cdkSyntax{
		goRuntime:    regexp.MustCompile(`\bRuntime_GO_1_X\(\)`),
		x86:          regexp.MustCompile(`\bArchitectures?\s*:\s*(&?\[\]\s*awslambda\.Architecture\s*\{\s*)?[\w.]*Architecture_X86_64\(\)`),
		handler:      regexp.MustCompile(`\bHandler\s*:\s*jsii\.String\(\s*"([^"]+)"\s*\)`),
		construct:    regexp.MustCompile(`\w*Function\w*\s*\(`),
		goFamily:     regexp.MustCompile(`\bRuntime_(GO_1_X|PROVIDED|PROVIDED_AL2|PROVIDED_AL2023)\(\)`),
		x86Setting:   "Architecture: awslambda.Architecture_X86_64()",
		handlerGroup: 1,
	}
)

func checkCDKScript(file, text string) ([]Finding, error) {
	if !cdkScript.imports.MatchString(text) {
		return nil, errSkip
	}
	return cdkScript.check(file, text), nil
}

func checkCDKPython(file, text string) ([]Finding, error) {
	if !cdkPython.imports.MatchString(text) {
		return nil, errSkip
	}
	return cdkPython.check(file, text), nil
}

// checkCDKGo reads Go files that import the CDK for Go (github.com/aws/aws-cdk-go/awscdk...).
func checkCDKGo(file, text string) ([]Finding, error) {
	parsed, err := parser.ParseFile(token.NewFileSet(), file, text, parser.ImportsOnly)
	if err != nil {
		return nil, errSkip // not Go this toolchain parses: not a CDK app to check
	}
	for _, imp := range parsed.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil && strings.HasPrefix(p, "github.com/aws/aws-cdk-go/awscdk") {
			return cdkGo.check(file, text), nil
		}
	}
	return nil, errSkip
}

func (s cdkSyntax) check(file, text string) []Finding {
	lines := newLineIndex(text)
	var findings []Finding
	for _, loc := range s.goRuntime.FindAllStringIndex(text, -1) {
		findings = append(findings, runtimeFinding(file, lines.line(loc[0]), "go1.x ("+text[loc[0]:loc[1]]+")"))
	}
	for _, loc := range s.x86.FindAllStringIndex(text, -1) {
		findings = append(findings, x86Finding(file, lines.line(loc[0]), s.x86Setting))
	}
	starts := s.construct.FindAllStringIndex(text, -1)
	for _, m := range s.handler.FindAllStringSubmatchIndex(text, -1) {
		value := text[m[2*s.handlerGroup]:m[2*s.handlerGroup+1]]
		if value == "bootstrap" {
			continue
		}
		from, to := region(starts, m[0], len(text))
		if s.goFamily.MatchString(text[from:to]) {
			findings = append(findings, handlerFinding(file, lines.line(m[0]), value))
		}
	}
	return findings
}

// region is the span of the construct call around offset: from the last construct start
// before it to the next one (or the end of the file).
func region(starts [][]int, offset, end int) (int, int) {
	from, to := 0, end
	for _, s := range starts {
		if s[0] > offset {
			to = s[0]
			break
		}
		from = s[0]
	}
	return from, to
}

var (
	slsRuntime = regexp.MustCompile(`\bruntime\s*:\s*['"]go1\.x['"]`)
	slsGo      = regexp.MustCompile(`\bruntime\s*:\s*['"](go1\.x|provided(\.al2|\.al2023)?)['"]`)
	slsX86     = regexp.MustCompile(`\barchitecture\s*:\s*['"]x86_64['"]`)
	slsHandler = regexp.MustCompile(`\bhandler\s*:\s*['"]([^'"]+)['"]`)
)

// checkServerlessSource reads a Serverless Framework configuration written in TypeScript or
// JavaScript (serverless.ts, serverless.js).
func checkServerlessSource(file, text string) ([]Finding, error) {
	lines := newLineIndex(text)
	var findings []Finding
	for _, loc := range slsRuntime.FindAllStringIndex(text, -1) {
		findings = append(findings, runtimeFinding(file, lines.line(loc[0]), "go1.x"))
	}
	if !slsGo.MatchString(text) {
		return findings, nil
	}
	for _, loc := range slsX86.FindAllStringIndex(text, -1) {
		findings = append(findings, x86Finding(file, lines.line(loc[0]), "architecture: 'x86_64'"))
	}
	for _, m := range slsHandler.FindAllStringSubmatchIndex(text, -1) {
		if value := text[m[2]:m[3]]; value != "bootstrap" {
			findings = append(findings, handlerFinding(file, lines.line(m[0]), value))
		}
	}
	return findings, nil
}
