// Package pathtemplate matches request paths against route templates such as
// "/users/{userId}", as API Gateway does: {name} matches one path segment and
// a final {name+} the rest of the path. The HTTP functions' router (for
// events that name no route: ALB, function URL, an HTTP API's $default
// route) and the local gateway of `make dev` (tools/localrun) share it.
package pathtemplate

import (
	"net/url"
	"strings"
)

// Match matches path, as sent (escaped), against template and returns the
// values of its parameters, unescaped as API Gateway passes them; an empty,
// non-nil map when the template has none. ok is false when path does not
// match.
func Match(template, path string) (params map[string]string, ok bool) {
	want := strings.Split(strings.Trim(template, "/"), "/")
	got := strings.Split(strings.Trim(path, "/"), "/")
	params = map[string]string{}
	for i, segment := range want {
		name, isParam := strings.CutPrefix(segment, "{")
		if greedy, ok := strings.CutSuffix(name, "+}"); ok && isParam && i == len(want)-1 {
			if i >= len(got) || got[i] == "" {
				return nil, false
			}
			params[greedy] = unescape(strings.Join(got[i:], "/"))
			return params, true
		}
		switch {
		case i >= len(got):
			return nil, false
		case isParam && got[i] != "":
			params[strings.TrimSuffix(name, "}")] = unescape(got[i])
		case isParam || segment != got[i]:
			return nil, false
		}
	}
	if len(got) != len(want) {
		return nil, false
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
