package main

import (
	"net/url"
	"sort"
	"strings"
)

// function is one Lambda function of this project, as the local gateway needs to know it.
type function struct {
	name   string
	kind   string
	routes []route // empty for functions that are not invoked over HTTP
}

// route is a path template such as /users/{userId} with one method: an API Gateway route, or
// for an ALB target or a function URL, a route its handler serves.
type route struct {
	method string
	path   string
}

// match finds the route for a request and its path parameters. When the path exists but not for
// this method it returns the allowed methods instead.
func (f function) match(method, path string) (*route, map[string]string, []string) {
	var allowed []string
	for i := range f.routes {
		params, ok := matchPath(f.routes[i].path, path)
		if !ok {
			continue
		}
		if f.routes[i].method == method || f.routes[i].method == "ANY" {
			return &f.routes[i], params, nil
		}
		allowed = append(allowed, f.routes[i].method)
	}
	sort.Strings(allowed)
	return nil, nil, allowed
}

func (f function) describeRoutes() string {
	parts := make([]string, 0, len(f.routes))
	for _, r := range f.routes {
		parts = append(parts, r.method+" "+r.path)
	}
	return strings.Join(parts, ", ")
}

// matchPath matches a request path, as sent (escaped), against a resource template: {name}
// takes one segment, a final {name+} takes the rest. Parameter values are unescaped, as API
// Gateway passes them.
func matchPath(template, path string) (map[string]string, bool) {
	want := strings.Split(strings.Trim(template, "/"), "/")
	got := strings.Split(strings.Trim(path, "/"), "/")
	params := map[string]string{}
	for i, segment := range want {
		if name, ok := strings.CutPrefix(segment, "{"); ok && strings.HasSuffix(name, "+}") && i == len(want)-1 {
			if i >= len(got) || got[i] == "" {
				return nil, false
			}
			params[strings.TrimSuffix(name, "+}")] = unescape(strings.Join(got[i:], "/"))
			return params, true
		}
		if i >= len(got) {
			return nil, false
		}
		if name, ok := strings.CutPrefix(segment, "{"); ok {
			if got[i] == "" {
				return nil, false
			}
			params[strings.TrimSuffix(name, "}")] = unescape(got[i])
			continue
		}
		if segment != got[i] {
			return nil, false
		}
	}
	if len(got) != len(want) {
		return nil, false
	}
	if len(params) == 0 {
		params = nil
	}
	return params, true
}

// unescape decodes %XX escapes; a malformed escape is kept as sent.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
