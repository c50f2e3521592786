package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatchPath(t *testing.T) {
	tests := []struct {
		template, path string
		params         map[string]string
		ok             bool
	}{
		{"/users", "/users", nil, true},
		{"/users", "/users/", nil, true},
		{"/users", "/user", nil, false},
		{"/users/{userId}", "/users/42", map[string]string{"userId": "42"}, true},
		{"/users/{userId}", "/users", nil, false},
		{"/users/{userId}", "/users/42/extra", nil, false},
		{"/files/{key+}", "/files/a/b/c.txt", map[string]string{"key": "a/b/c.txt"}, true},
		{"/files/{key+}", "/files", nil, false},
		{"/", "/", nil, true},
		{"/users/{userId}", "/users/a%2Fb%20c", map[string]string{"userId": "a/b c"}, true},
		{"/files/{key+}", "/files/a/b%25", map[string]string{"key": "a/b%"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.template+" "+tt.path, func(t *testing.T) {
			params, ok := matchPath(tt.template, tt.path)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.params, params)
		})
	}
}

func TestFunctionMatch(t *testing.T) {
	fn := function{name: "api", routes: []route{
		{method: "GET", path: "/users/{userId}"},
		{method: "DELETE", path: "/users/{userId}"},
	}}

	rt, params, _ := fn.match("DELETE", "/users/7")
	if assert.NotNil(t, rt) {
		assert.Equal(t, "DELETE", rt.method)
	}
	assert.Equal(t, map[string]string{"userId": "7"}, params)

	rt, _, allowed := fn.match("POST", "/users/7")
	assert.Nil(t, rt)
	assert.Equal(t, []string{"DELETE", "GET"}, allowed)

	rt, _, allowed = fn.match("GET", "/nowhere")
	assert.Nil(t, rt)
	assert.Empty(t, allowed)
}

func TestFunctionsTableMatchesTheProject(t *testing.T) {
	seen := map[string]bool{}
	for _, fn := range functions {
		assert.NotEmpty(t, fn.name)
		assert.False(t, seen[fn.name], "duplicate function %s", fn.name)
		seen[fn.name] = true
		assert.DirExists(t, "../../cmd/"+fn.name)
		assert.Positive(t, fn.memory, "%s: memory (MB) as deployed", fn.name)
		assert.Positive(t, fn.timeout, "%s: timeout (s) as deployed", fn.name)
		assert.Regexp(t, `^[A-Z][A-Za-z0-9]*Function$`, fn.cdkID, "%s: its CDK construct id", fn.name)
	}
}
