package main

import "strings"

// A configuration group is one mapping of a template: the properties of one function (a
// CloudFormation resource's Properties, a Serverless function, a Terraform block), with its
// keys lower-cased. The checks of runtimes, handlers and architectures run on groups, whatever
// format they came from.
type group struct {
	path    string // keys from the root joined with "/", list items as "[]"
	entries map[string]entry
}

type entry struct {
	value   string // a scalar's text without quotes; empty for a list or a mapping
	literal bool   // a plain value, not a reference (!Ref, ${...}, var.x)
	line    int
	items   []item // a list's scalar items
}

type item struct {
	value string
	line  int
}

func newGroup(path string) *group {
	return &group{path: path, entries: map[string]entry{}}
}

func (g *group) set(key string, e entry) {
	g.entries[strings.ToLower(key)] = e
}

func (g *group) get(key string) (entry, bool) {
	e, ok := g.entries[key]
	return e, ok
}

// goRuntimes run Go functions: go1.x, and the OS-only runtimes a Go binary named bootstrap runs on.
var goRuntimes = map[string]bool{"go1.x": true, "provided": true, "provided.al2": true, "provided.al2023": true}

// defaultGroupPaths are where a format sets every function's defaults: SAM's Globals and the
// Serverless Framework's provider.
var defaultGroupPaths = []string{"globals/function", "provider"}

// checkGroups reports go1.x runtimes anywhere, and the handlers and x86_64 architectures of the
// groups that describe Go functions (their own runtime, or the file's default runtime, is Go).
func checkGroups(file string, groups []*group) []Finding {
	defaultRuntime := ""
	for _, g := range groups {
		for _, p := range defaultGroupPaths {
			if strings.EqualFold(g.path, p) {
				if rt, ok := g.get("runtime"); ok {
					defaultRuntime = rt.value
				}
			}
		}
	}
	var findings []Finding
	for _, g := range groups {
		runtime := defaultRuntime
		if rt, ok := g.get("runtime"); ok {
			runtime = rt.value
			if rt.value == "go1.x" {
				findings = append(findings, runtimeFinding(file, rt.line, rt.value))
			}
		}
		if !goRuntimes[runtime] {
			continue
		}
		if h, ok := g.get("handler"); ok && h.literal && h.value != "" && h.value != "bootstrap" {
			findings = append(findings, handlerFinding(file, h.line, h.value))
		}
		for _, key := range []string{"architectures", "architecture"} {
			a, ok := g.get(key)
			if !ok {
				continue
			}
			if a.value == "x86_64" {
				findings = append(findings, x86Finding(file, a.line, key+": x86_64"))
			}
			for _, it := range a.items {
				if it.value == "x86_64" {
					findings = append(findings, x86Finding(file, it.line, key+": x86_64"))
				}
			}
		}
	}
	return findings
}

// unquote strips one pair of matching quotes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// flowItems splits an inline list, [a, "b"], into its scalar items.
func flowItems(value string, line int) ([]item, bool) {
	v := strings.TrimSpace(value)
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") {
		return nil, false
	}
	var items []item
	for _, part := range strings.Split(v[1:len(v)-1], ",") {
		if p := unquote(strings.TrimSpace(part)); p != "" {
			items = append(items, item{value: p, line: line})
		}
	}
	return items, true
}
