package main

import (
	"fmt"
	"sort"
)

// Finding is one thing to change, where it is and how.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

// The rules, as the JSON output names them.
const (
	ruleRuntime  = "go1x-runtime"
	ruleHandler  = "handler-not-bootstrap"
	ruleOutput   = "build-not-bootstrap"
	ruleNoRPC    = "build-without-norpc"
	ruleX86      = "x86_64"
	ruleLambdaGo = "aws-lambda-go-too-old"
)

// minLambdaGo is the first aws-lambda-go release that speaks the Lambda Runtime API, which the
// provided runtimes use (and that has -tags lambda.norpc); older ones only serve go1.x's RPC.
const minLambdaGo = "v1.18.0"

func runtimeFinding(file string, line int, value string) Finding {
	return Finding{
		File: file, Line: line, Rule: ruleRuntime,
		Message: fmt.Sprintf("runtime %s: Lambda retired go1.x and blocks creating and updating its functions", value),
		Fix:     "use the provided.al2023 runtime with an executable named bootstrap (and arm64)",
	}
}

func handlerFinding(file string, line int, value string) Finding {
	return Finding{
		File: file, Line: line, Rule: ruleHandler,
		Message: fmt.Sprintf("handler %q names the go1.x binary; the provided runtimes start the executable named bootstrap", value),
		Fix:     "set the handler to bootstrap and put the binary at the root of the package as bootstrap",
	}
}

func outputFinding(file string, line int, output string) Finding {
	return Finding{
		File: file, Line: line, Rule: ruleOutput,
		Message: fmt.Sprintf("this Lambda build writes %q, not bootstrap", output),
		Fix:     "build with -o <dir>/bootstrap (the zip must hold bootstrap at its root), e.g. -o build/<fn>/bootstrap",
	}
}

func noRPCFinding(file string, line int) Finding {
	return Finding{
		File: file, Line: line, Rule: ruleNoRPC,
		Message: "this Lambda build lacks -tags lambda.norpc, so the binary carries the RPC server only go1.x used",
		Fix:     "add -tags lambda.norpc (a quarter smaller binary, no code change)",
	}
}

func x86Finding(file string, line int, setting string) Finding {
	return Finding{
		File: file, Line: line, Rule: ruleX86,
		Message: fmt.Sprintf("%s pins x86_64, the only architecture go1.x had", setting),
		Fix:     "choose arm64 (Graviton: about 20% cheaper, same code) and build with GOARCH=arm64; or run with -allow-x86_64 to keep x86_64 on purpose",
	}
}

func lambdaGoFinding(file string, line int, version string) Finding {
	return Finding{
		File: file, Line: line, Rule: ruleLambdaGo,
		Message: fmt.Sprintf("github.com/aws/aws-lambda-go %s predates %s, the first release that runs on the provided runtimes", version, minLambdaGo),
		Fix:     "go get github.com/aws/aws-lambda-go@latest && go mod tidy",
	}
}

func without(findings []Finding, rule string) []Finding {
	kept := findings[:0]
	for _, f := range findings {
		if f.Rule != rule {
			kept = append(kept, f)
		}
	}
	return kept
}

func sortFindings(findings []Finding) {
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Rule < b.Rule
	})
}
