package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// authGateway returns a gateway for a function of kind with auth, serving GET /users/{id},
// whose function answers 200 and records its event, and whose authorizer function (for auth
// lambda) answers with authorizer; invoked counts the function's invocations.
func authGateway(kind, auth string, authorizer func(event []byte) ([]byte, error)) (g *gateway, got *[]byte, invoked *int, log *bytes.Buffer) {
	got, invoked, log = new([]byte), new(int), new(bytes.Buffer)
	g = &gateway{
		fn: function{name: "fn", kind: kind, auth: auth, authorizer: "gate", routes: []route{
			{method: "GET", path: "/users/{id}"},
		}},
		invoke: func(_ context.Context, event []byte) ([]byte, error) {
			*got, *invoked = event, *invoked+1
			return []byte(`{"statusCode":200,"body":"{}"}`), nil
		},
		log: log,
	}
	if authorizer != nil {
		g.authorizer = func(_ context.Context, event []byte) ([]byte, error) { return authorizer(event) }
	}
	return g, got, invoked, log
}

func callGateway(t *testing.T, g *gateway, authorization string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/users/42", nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, req)
	return rec
}

// token is a token of make token's: the default claims, and claims on top.
func token(t *testing.T, claims map[string]any) string {
	t.Helper()
	all := defaultClaims()
	maps.Copy(all, claims)
	tok, err := mintToken(all, time.Now(), time.Hour)
	require.NoError(t, err)
	return tok
}

func TestGatewayPlaysTokenAuthorizers(t *testing.T) {
	expired, err := mintToken(nil, time.Now().Add(-2*time.Hour), time.Hour)
	require.NoError(t, err)
	for _, kind := range []string{"apigw-rest", "apigw-http"} {
		for _, auth := range []string{"cognito", "jwt"} {
			t.Run(kind+" "+auth, func(t *testing.T) {
				g, _, invoked, log := authGateway(kind, auth, nil)
				for _, tt := range []struct{ header, why string }{
					{"", "no token"},
					{"Bearer not.a.token", "not signed by localrun's key"},
					{"Bearer " + expired, "expired"},
					{"Digest realm=local", "no token"},
				} {
					rec := callGateway(t, g, tt.header)
					assert.Equal(t, http.StatusUnauthorized, rec.Code, tt.header)
					assert.JSONEq(t, `{"message":"Unauthorized"}`, rec.Body.String(), "API Gateway's own answer")
					assert.Contains(t, log.String(), "fn: 401 for GET /users/42: ")
					assert.Contains(t, log.String(), tt.why)
				}
				assert.Zero(t, *invoked, "a refused request never reaches the function")
			})
		}
	}
}

func TestGatewayPassesTheTokensClaimsOn(t *testing.T) {
	tok := token(t, map[string]any{"email": "ada@example.com", "scope": "users/read users/write", "email_verified": true})

	g, got, _, _ := authGateway("apigw-rest", "cognito", nil)
	require.Equal(t, http.StatusOK, callGateway(t, g, "Bearer "+tok).Code)
	var rest events.APIGatewayProxyRequest
	require.NoError(t, json.Unmarshal(*got, &rest))
	claims := rest.RequestContext.Authorizer["claims"].(map[string]any)
	assert.Equal(t, "ada@example.com", claims["email"])
	assert.Equal(t, "true", claims["email_verified"], "a REST API passes every claim as a string")
	assert.Equal(t, "local-user", claims["sub"])

	g, got, _, _ = authGateway("apigw-http", "jwt", nil)
	require.Equal(t, http.StatusOK, callGateway(t, g, tok).Code, "a bare token, too")
	var v2 events.APIGatewayV2HTTPRequest
	require.NoError(t, json.Unmarshal(*got, &v2))
	require.NotNil(t, v2.RequestContext.Authorizer)
	assert.Equal(t, "ada@example.com", v2.RequestContext.Authorizer.JWT.Claims["email"])
	assert.Equal(t, []string{"users/read", "users/write"}, v2.RequestContext.Authorizer.JWT.Scopes)
}

func TestGatewayDoesNotEnforceIAM(t *testing.T) {
	g, got, _, _ := authGateway("apigw-rest", "iam", nil)
	require.Equal(t, http.StatusOK, callGateway(t, g, "").Code, "no signature is checked locally")
	var rest events.APIGatewayProxyRequest
	require.NoError(t, json.Unmarshal(*got, &rest))
	assert.Equal(t, localPrincipal, rest.RequestContext.Identity.UserArn)
	assert.Nil(t, rest.RequestContext.Authorizer)

	g, got, _, _ = authGateway("apigw-http", "iam", nil)
	require.Equal(t, http.StatusOK, callGateway(t, g, "").Code)
	var v2 events.APIGatewayV2HTTPRequest
	require.NoError(t, json.Unmarshal(*got, &v2))
	assert.Equal(t, localPrincipal, v2.RequestContext.Authorizer.IAM.UserARN)

	url := &gateway{fn: function{name: "url", kind: "function-url", auth: "iam"}, invoke: func(_ context.Context, event []byte) ([]byte, error) {
		var in events.LambdaFunctionURLRequest
		require.NoError(t, json.Unmarshal(event, &in))
		assert.Equal(t, localPrincipal, in.RequestContext.Authorizer.IAM.UserARN)
		return []byte(`{"statusCode":204}`), nil
	}}
	rec := httptest.NewRecorder()
	url.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/anything", nil))
	assert.Equal(t, http.StatusNoContent, rec.Code)
}

func TestGatewayAsksTheRESTAuthorizerFunction(t *testing.T) {
	policy := func(effect, resource string) ([]byte, error) {
		return json.Marshal(events.APIGatewayCustomAuthorizerResponse{
			PrincipalID: "ada",
			PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{
				{Action: []string{"execute-api:Invoke"}, Effect: effect, Resource: []string{resource}},
			}},
			Context: map[string]any{"email": "ada@example.com"},
		})
	}
	var asked events.APIGatewayCustomAuthorizerRequestTypeRequest
	tests := []struct {
		name   string
		answer func(event []byte) ([]byte, error)
		status int
	}{
		{"allowed on the stage", func(event []byte) ([]byte, error) {
			require.NoError(t, json.Unmarshal(event, &asked))
			return policy("Allow", localAPIARN+"/*")
		}, http.StatusOK},
		{"allowed on another method only", func([]byte) ([]byte, error) { return policy("Allow", localAPIARN+"/POST/*") }, http.StatusForbidden},
		{"denied", func([]byte) ([]byte, error) { return policy("Deny", localAPIARN+"/*/users/*") }, http.StatusForbidden},
		{"Unauthorized", func([]byte) ([]byte, error) {
			return nil, &invocationError{Type: "errorString", Message: "Unauthorized"}
		}, http.StatusUnauthorized},
		{"failed", func([]byte) ([]byte, error) { return nil, errors.New("issuer keys unavailable") }, http.StatusInternalServerError},
		{"no policy", func([]byte) ([]byte, error) { return []byte(`{}`), nil }, http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, got, invoked, _ := authGateway("apigw-rest", "lambda", tt.answer)
			rec := callGateway(t, g, "Bearer anything")
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			assert.Equal(t, tt.status == http.StatusOK, *invoked == 1)
			if tt.status != http.StatusOK {
				return
			}
			assert.Equal(t, "REQUEST", asked.Type)
			assert.Equal(t, localAPIARN+"/GET/users/42", asked.MethodArn)
			assert.Equal(t, "/users/{id}", asked.Resource)
			assert.Equal(t, "Bearer anything", asked.Headers["Authorization"])
			var rest events.APIGatewayProxyRequest
			require.NoError(t, json.Unmarshal(*got, &rest))
			assert.Equal(t, "ada", rest.RequestContext.Authorizer["principalId"])
			assert.Equal(t, "ada@example.com", rest.RequestContext.Authorizer["email"])
		})
	}
}

func TestGatewayAsksTheHTTPAuthorizerFunction(t *testing.T) {
	var asked events.APIGatewayV2CustomAuthorizerV2Request
	g, got, _, _ := authGateway("apigw-http", "lambda", func(event []byte) ([]byte, error) {
		require.NoError(t, json.Unmarshal(event, &asked))
		return []byte(`{"isAuthorized":true,"context":{"principalId":"ada","admin":true}}`), nil
	})
	require.Equal(t, http.StatusOK, callGateway(t, g, "Bearer anything").Code)
	assert.Equal(t, []string{"2.0", "REQUEST", "GET /users/{id}"}, []string{asked.Version, asked.Type, asked.RouteKey})
	assert.Equal(t, []string{"Bearer anything"}, asked.IdentitySource)
	var v2 events.APIGatewayV2HTTPRequest
	require.NoError(t, json.Unmarshal(*got, &v2))
	assert.Equal(t, map[string]any{"principalId": "ada", "admin": true}, v2.RequestContext.Authorizer.Lambda)

	g, _, invoked, _ := authGateway("apigw-http", "lambda", func([]byte) ([]byte, error) {
		return []byte(`{"isAuthorized":false}`), nil
	})
	assert.Equal(t, http.StatusForbidden, callGateway(t, g, "Bearer anything").Code)
	assert.Zero(t, *invoked)
}

func TestGatewayDoesNotAskTheAuthorizerWithoutAnAuthorizationHeader(t *testing.T) {
	for _, kind := range []string{"apigw-rest", "apigw-http"} {
		g, _, invoked, _ := authGateway(kind, "lambda", func([]byte) ([]byte, error) {
			t.Error("the authorizer function was invoked without its identity source")
			return nil, nil
		})
		assert.Equal(t, http.StatusUnauthorized, callGateway(t, g, "").Code, kind)
		assert.Zero(t, *invoked)
	}
	g, _, _, log := authGateway("apigw-rest", "lambda", nil)
	assert.Equal(t, http.StatusInternalServerError, callGateway(t, g, "Bearer x").Code)
	assert.Contains(t, log.String(), "its authorizer function gate is not running")
}

func TestDescribeAuth(t *testing.T) {
	for auth, want := range map[string]string{
		"cognito": "auth cognito: send Authorization: Bearer $(make token)",
		"iam":     "auth iam: not enforced locally, the caller is " + localPrincipal,
		"lambda":  "auth lambda: gate decides; send Authorization: Bearer $(make token)",
		"none":    "auth none: public",
		"":        "",
	} {
		assert.Equal(t, want, describeAuth(function{auth: auth, authorizer: "gate"}), auth)
	}
}
