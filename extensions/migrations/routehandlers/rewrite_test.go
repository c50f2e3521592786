package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const mwPath = "example.com/svc/pkg/middleware"

// migrate runs MigratePackage on one package and checks a second run changes
// nothing: Copier may run the migration again on an already migrated project.
func migrate(t *testing.T, sources map[string]string) (map[string]string, []string) {
	t.Helper()
	in := map[string][]byte{}
	for name, src := range sources {
		in[name] = []byte(src)
	}
	changed, notes := MigratePackage(in, mwPath)
	out := map[string]string{}
	for name, src := range sources {
		out[name] = src
	}
	again := map[string][]byte{}
	for name, src := range changed {
		out[name] = string(src)
	}
	for name, src := range out {
		again[name] = []byte(src)
	}
	if twice, _ := MigratePackage(again, mwPath); len(twice) != 0 {
		t.Errorf("a second run changed %v", sortedKeys(twice))
	}
	return out, notes
}

func TestRouteMethodsTakeTheNeutralRequest(t *testing.T) {
	got, notes := migrate(t, map[string]string{"h.go": `package h

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"example.com/svc/pkg/middleware"
)

type H struct {
	handle middleware.Handler
}

func New() *H {
	h := &H{}
	h.handle = middleware.Wrap(middleware.Router(middleware.Routes{
		"/orders": {http.MethodGet: h.list},
	}))
	return h
}

func (h *H) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return h.handle(ctx, req)
}

func (h *H) list(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	if req.HTTPMethod != http.MethodGet || req.Resource == "" {
		return events.APIGatewayProxyResponse{StatusCode: 400}, nil
	}
	token := req.Headers["Authorization"]
	return middleware.JSON(http.StatusOK, map[string]string{"q": req.QueryStringParameters["q"], "t": token})
}
`})
	want := `package h

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"example.com/svc/pkg/middleware"
)

type H struct {
	handle func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)
}

func New() *H {
	h := &H{}
	h.handle = middleware.APIGatewayProxy(middleware.Router(middleware.Routes{
		"/orders": {http.MethodGet: h.list},
	}))
	return h
}

func (h *H) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return h.handle(ctx, req)
}

func (h *H) list(ctx context.Context, req middleware.Request) (middleware.Response, error) {
	if req.Method != http.MethodGet || req.Route == "" {
		return middleware.Response{StatusCode: 400}, nil
	}
	token := req.Headers["authorization"]
	return middleware.JSON(http.StatusOK, map[string]string{"q": req.Query["q"], "t": token})
}
`
	if got["h.go"] != want {
		t.Errorf("got:\n%s", got["h.go"])
	}
	if len(notes) != 0 {
		t.Errorf("notes: %v", notes)
	}
}

// Routes in a file of their own, which imports events but not middleware:
// the middleware import is added and the unused events import dropped.
func TestRoutesInAnotherFileGetTheirImportsFixed(t *testing.T) {
	got, _ := migrate(t, map[string]string{
		"new.go": `package h

import mw "example.com/svc/pkg/middleware"

var routes = mw.Routes{"/a": {"GET": get}}
`,
		"routes.go": `package h

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

func get(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return events.APIGatewayProxyResponse{StatusCode: 204}, nil
}
`,
	})
	want := `package h

import (
	"context"

	"example.com/svc/pkg/middleware"
)

func get(ctx context.Context, req middleware.Request) (middleware.Response, error) {
	return middleware.Response{StatusCode: 204}, nil
}
`
	if got["routes.go"] != want {
		t.Errorf("got:\n%s", got["routes.go"])
	}
}

// The request passed on to a helper, a helper's response returned, a user
// middleware returning a Handler literal, and a literal route handler.
func TestHelpersMiddlewareAndLiteralsFollowTheRequest(t *testing.T) {
	got, _ := migrate(t, map[string]string{"h.go": `package h

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"example.com/svc/pkg/middleware"
)

var routes = middleware.Routes{
	"/a": {"GET": auth(get), "POST": func(ctx context.Context, r events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return denied(), nil
	}},
}

func auth(next middleware.Handler) middleware.Handler {
	return func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		if userOf(req) == "" {
			return denied(), nil
		}
		return next(ctx, req)
	}
}

func get(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return middleware.JSON(200, userOf(req))
}

func userOf(req events.APIGatewayProxyRequest) string { return req.Headers["X-User"] }

func denied() events.APIGatewayProxyResponse { return events.APIGatewayProxyResponse{StatusCode: 403} }
`})
	want := `package h

import (
	"context"

	"example.com/svc/pkg/middleware"
)

var routes = middleware.Routes{
	"/a": {"GET": auth(get), "POST": func(ctx context.Context, r middleware.Request) (middleware.Response, error) {
		return denied(), nil
	}},
}

func auth(next middleware.Handler) middleware.Handler {
	return func(ctx context.Context, req middleware.Request) (middleware.Response, error) {
		if userOf(req) == "" {
			return denied(), nil
		}
		return next(ctx, req)
	}
}

func get(ctx context.Context, req middleware.Request) (middleware.Response, error) {
	return middleware.JSON(200, userOf(req))
}

func userOf(req middleware.Request) string { return req.Headers["x-user"] }

func denied() middleware.Response { return middleware.Response{StatusCode: 403} }
`
	if got["h.go"] != want {
		t.Errorf("got:\n%s", got["h.go"])
	}
}

// What has no equivalent is left in place, with a note naming the line.
func TestWhatCannotBeRewrittenIsNamed(t *testing.T) {
	got, notes := migrate(t, map[string]string{"h.go": `package h

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"example.com/svc/pkg/middleware"
)

var routes = middleware.Routes{"/a": {"GET": get}}

func get(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	id := req.RequestContext.RequestID
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: id, IsBase64Encoded: true}, nil
}
`})
	if !strings.Contains(got["h.go"], "req middleware.Request) (middleware.Response, error)") {
		t.Errorf("not converted:\n%s", got["h.go"])
	}
	want := []string{
		"h.go:14: req.RequestContext is not on middleware.Request: read it in Handle from the events request and pass what the route needs through the context",
		"h.go:15: IsBase64Encoded is not on middleware.Response (it has StatusCode, Headers and Body)",
	}
	if !reflect.DeepEqual(notes, want) {
		t.Errorf("notes:\n%q\nwant\n%q", notes, want)
	}
}

// Code already in the 0.2.0 form, Lambda entry points of other kinds, and a
// file with conflict markers are left alone.
func TestNewFormAndOtherCodeAreUntouched(t *testing.T) {
	sources := map[string]string{
		"new.go": `package h

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"example.com/svc/pkg/middleware"
)

type H struct {
	handle func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)
}

func (h *H) init() {
	h.handle = middleware.APIGatewayProxy(middleware.Router(middleware.Routes{"/a": {"GET": h.get}}))
}

func (h *H) get(ctx context.Context, req middleware.Request) (middleware.Response, error) {
	return middleware.NoContent(), nil
}

func (h *H) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return h.handle(ctx, req)
}
`,
		"conflict.go": "package h\n<<<<<<< before updating\n",
	}
	in := map[string][]byte{}
	for name, src := range sources {
		in[name] = []byte(src)
	}
	changed, notes := MigratePackage(in, mwPath)
	if len(changed) != 0 {
		t.Errorf("changed %v", sortedKeys(changed))
	}
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "conflict.go: not migrated, it does not parse") {
		t.Errorf("notes: %q", notes)
	}
}

func TestMigrateProjectSkipsDependenciesAndTheMiddlewareItself(t *testing.T) {
	dir := t.TempDir()
	old := "package x\n\nimport (\n\t\"context\"\n\n\t\"github.com/aws/aws-lambda-go/events\"\n\n\t\"example.com/svc/pkg/middleware\"\n)\n\n" +
		"var r = middleware.Routes{\"/\": {\"GET\": get}}\n\n" +
		"func get(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {\n\treturn events.APIGatewayProxyResponse{}, nil\n}\n"
	files := map[string]string{
		"go.mod":                                "module example.com/svc\n\ngo 1.26\n",
		"internal/orders/orders.go":             old,
		"pkg/middleware/old.go":                 old,
		"infrastructure/node_modules/x/x.go":    old,
		"internal/orders/testdata/fixture.go":   old,
		"tools/other/go.mod":                    "module other\n",
		"tools/other/other.go":                  old,
		"internal/orders/.hidden/should_not.go": old,
	}
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	report, err := MigrateProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(report.Rewritten, []string{"internal/orders/orders.go"}) {
		t.Errorf("rewrote %v", report.Rewritten)
	}
	for name := range files {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		if name != "internal/orders/orders.go" && string(data) != files[name] {
			t.Errorf("%s changed", name)
		}
	}
}
