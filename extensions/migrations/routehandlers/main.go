// Command routehandlers rewrites the HTTP route handlers of a project generated
// by go-lambda-template before 0.2.0 to the 0.2.0 form (CHANGELOG.md, 0.2.0,
// Breaking): routes take middleware.Request and return middleware.Response.
//
// Copier runs it through route_handlers.py, once, when a project updates across
// 0.2.0. It only uses the standard library, so it runs offline. Running it
// twice changes nothing the second time.
//
// Usage: go run . <project-dir>
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run . <project-dir>")
		os.Exit(2)
	}
	report, err := MigrateProject(os.Args[1])
	for _, line := range report.Lines() {
		fmt.Println(line)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "routehandlers:", err)
		os.Exit(1)
	}
}
