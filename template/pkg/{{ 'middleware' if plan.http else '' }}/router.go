package middleware

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Routes maps a route template, such as "/users/{userId}", and an HTTP
// method to the Handler serving it. In a template, {name} matches one path
// segment and a final {name+} the rest of the path.
type Routes map[string]map[string]Handler

// Router returns the Handler of an HTTP function: it dispatches on the route
// and the method, behind the middleware of Wrap. An unknown route gets 404;
// a known route with an unsupported method gets 405 and an Allow header.
//
// API Gateway names the route of a request; when the event does not (ALB,
// function URL, an HTTP API's $default route), the router matches the path
// against the templates and fills in Route and PathParameters before the
// request is logged. routes must not be modified afterwards.
func Router(routes Routes) Handler {
	templates := slices.Sorted(maps.Keys(routes)) // a fixed order for path matching
	allow := make(map[string]string, len(routes))
	for route, methods := range routes {
		allow[route] = strings.Join(slices.Sorted(maps.Keys(methods)), ", ")
	}
	dispatch := Wrap(func(ctx context.Context, req Request) (Response, error) {
		methods, ok := routes[req.Route]
		if !ok {
			return statusResponse(http.StatusNotFound), nil
		}
		next, ok := methods[req.Method]
		if !ok {
			resp := statusResponse(http.StatusMethodNotAllowed)
			resp.Headers["Allow"] = allow[req.Route]
			return resp, nil
		}
		return next(ctx, req)
	})
	return func(ctx context.Context, req Request) (Response, error) {
		if req.Route == "" {
			for _, template := range templates {
				if params, ok := matchPath(template, req.Path); ok {
					req.Route, req.PathParameters = template, params
					break
				}
			}
		}
		return dispatch(ctx, req)
	}
}

// matchPath matches a request path against a route template and returns the
// values of its {name} segments, unescaped as API Gateway passes them.
func matchPath(template, path string) (map[string]string, bool) {
	want := strings.Split(strings.Trim(template, "/"), "/")
	got := strings.Split(strings.Trim(path, "/"), "/")
	params := map[string]string{}
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
