package main

import (
	"strconv"
	"strings"
)

const lambdaGoModule = "github.com/aws/aws-lambda-go"

// checkGoMod reports a required aws-lambda-go older than minLambdaGo.
func checkGoMod(file, text string) ([]Finding, error) {
	var findings []Finding
	inRequire := false
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if c := strings.Index(line, "//"); c >= 0 {
			line = strings.TrimSpace(line[:c])
		}
		switch {
		case strings.HasPrefix(line, "require ("):
			inRequire = true
			continue
		case inRequire && line == ")":
			inRequire = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimSpace(strings.TrimPrefix(line, "require "))
		case !inRequire:
			continue
		}
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == lambdaGoModule && semverLess(fields[1], minLambdaGo) {
			findings = append(findings, lambdaGoFinding(file, i+1, fields[1]))
		}
	}
	return findings, nil
}

// semverLess compares vMAJOR.MINOR.PATCH versions (pre-release and pseudo-version suffixes
// count as their base version: close enough for a floor this old).
func semverLess(a, b string) bool {
	pa, pb := semverParts(a), semverParts(b)
	for i := range pa {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return false
}

func semverParts(v string) [3]int {
	var parts [3]int
	v = strings.TrimPrefix(v, "v")
	if cut := strings.IndexAny(v, "-+"); cut >= 0 {
		v = v[:cut]
	}
	for i, s := range strings.SplitN(v, ".", 3) {
		parts[i], _ = strconv.Atoi(s)
	}
	return parts
}
