package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// authorization is what the authorizer in front of a function established, for the function's
// event (the caller the handler sees in middleware.Request.Caller).
type authorization struct {
	claims    map[string]any // cognito, jwt: the token's claims
	context   map[string]any // lambda: the context the authorizer function returned
	principal string         // lambda (REST): its principal; iam: localPrincipal
	iam       bool
}

// refusal is the answer of an authorizer that refuses a request, as API Gateway gives it.
type refusal struct {
	status int
	reason string // for make dev's log: what to do about it
}

func (r *refusal) write(w http.ResponseWriter) {
	message := http.StatusText(r.status)
	if r.status == http.StatusInternalServerError {
		message = "Internal Server Error: the authorizer failed"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": message})
}

// authorize plays the function's authorizer (fn.auth) for r: what it passes on to the
// function, or its refusal.
func (g *gateway) authorize(ctx context.Context, r *http.Request, rt *route, params map[string]string) (*authorization, *refusal) {
	switch g.fn.auth {
	case "cognito", "jwt":
		token := bearerToken(r.Header.Get("Authorization"))
		if token == "" {
			return nil, &refusal{http.StatusUnauthorized, "no token: send Authorization: Bearer $(make token)"}
		}
		claims, err := verifyToken(token, time.Now())
		if err != nil {
			return nil, &refusal{http.StatusUnauthorized, err.Error()}
		}
		return &authorization{claims: claims}, nil
	case "iam":
		// Not enforced locally: make dev checks no SigV4 signature.
		return &authorization{principal: localPrincipal, iam: true}, nil
	case "lambda":
		return g.authorizeWithFunction(ctx, r, rt, params)
	default:
		return nil, nil
	}
}

// authorizeWithFunction invokes the authorizer function as API Gateway does: not without an
// Authorization header (the identity source), with the REQUEST event of the API's kind, and
// reads its answer: a REST API's IAM policy (or its "Unauthorized" error), an HTTP API's simple
// response.
func (g *gateway) authorizeWithFunction(ctx context.Context, r *http.Request, rt *route, params map[string]string) (*authorization, *refusal) {
	if r.Header.Get("Authorization") == "" {
		return nil, &refusal{http.StatusUnauthorized, "no Authorization header: send Authorization: Bearer $(make token)"}
	}
	if g.authorizer == nil {
		return nil, &refusal{http.StatusInternalServerError, "its authorizer function " + g.fn.authorizer + " is not running"}
	}
	rest := g.fn.kind == "apigw-rest"
	methodARN := localAPIARN + "/" + r.Method + r.URL.Path
	var event any
	if rest {
		event = restAuthorizerEvent(r, *rt, params, methodARN)
	} else {
		event = httpAuthorizerEvent(r, *rt, params, methodARN)
	}
	payload, err := json.Marshal(event)
	if err != nil {
		return nil, &refusal{http.StatusInternalServerError, err.Error()}
	}
	answer, err := g.authorizer(ctx, payload)
	var failed *invocationError
	switch {
	case rest && errors.As(err, &failed) && failed.Message == "Unauthorized":
		return nil, &refusal{http.StatusUnauthorized, g.fn.authorizer + " refused the token"}
	case err != nil:
		return nil, &refusal{http.StatusInternalServerError, g.fn.authorizer + ": " + err.Error()}
	case rest:
		return restAuthorization(answer, methodARN, g.fn.authorizer)
	default:
		return httpAuthorization(answer, g.fn.authorizer)
	}
}

// restAuthorization reads a REST authorizer's policy: the request passes when a statement
// allows execute-api:Invoke on its method and none denies it.
func restAuthorization(answer []byte, methodARN, name string) (*authorization, *refusal) {
	var resp events.APIGatewayCustomAuthorizerResponse
	if err := json.Unmarshal(answer, &resp); err != nil || resp.PrincipalID == "" {
		return nil, &refusal{http.StatusInternalServerError, name + " answered no policy with a principal: " + string(answer)}
	}
	allowed := false
	for _, statement := range resp.PolicyDocument.Statement {
		if !matchesAny(statement.Resource, methodARN) {
			continue
		}
		if strings.EqualFold(statement.Effect, "Deny") {
			return nil, &refusal{http.StatusForbidden, name + " denied " + methodARN}
		}
		allowed = allowed || strings.EqualFold(statement.Effect, "Allow")
	}
	if !allowed {
		return nil, &refusal{http.StatusForbidden, name + "'s policy does not allow " + methodARN}
	}
	return &authorization{principal: resp.PrincipalID, context: resp.Context}, nil
}

// httpAuthorization reads an HTTP API authorizer's simple response.
func httpAuthorization(answer []byte, name string) (*authorization, *refusal) {
	var resp events.APIGatewayV2CustomAuthorizerSimpleResponse
	if err := json.Unmarshal(answer, &resp); err != nil {
		return nil, &refusal{http.StatusInternalServerError, name + " answered no simple response: " + string(answer)}
	}
	if !resp.IsAuthorized {
		return nil, &refusal{http.StatusForbidden, name + " did not authorize the request"}
	}
	return &authorization{context: resp.Context}, nil
}

// matchesAny reports whether an IAM resource pattern of resources (* and ? wildcards) matches arn.
func matchesAny(resources []string, arn string) bool {
	for _, pattern := range resources {
		quoted := regexp.QuoteMeta(pattern)
		quoted = strings.ReplaceAll(strings.ReplaceAll(quoted, `\*`, ".*"), `\?`, ".")
		if regexp.MustCompile("^" + quoted + "$").MatchString(arn) {
			return true
		}
	}
	return false
}

// localAPIARN is the execute-api ARN prefix of the local API: arn:...:<api id>/<stage>.
const localAPIARN = "arn:aws:execute-api:us-east-1:123456789012:local/local"

// restAuthorizerEvent is a REST API's REQUEST authorizer event for r.
func restAuthorizerEvent(r *http.Request, rt route, params map[string]string, methodARN string) events.APIGatewayCustomAuthorizerRequestTypeRequest {
	query := r.URL.Query()
	return events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type:                            "REQUEST",
		MethodArn:                       methodARN,
		Resource:                        rt.path,
		Path:                            r.URL.Path,
		HTTPMethod:                      r.Method,
		Headers:                         lastValues(r.Header),
		MultiValueHeaders:               r.Header,
		QueryStringParameters:           lastValues(query),
		MultiValueQueryStringParameters: query,
		PathParameters:                  params,
		RequestContext: events.APIGatewayCustomAuthorizerRequestTypeRequestContext{
			Path: r.URL.Path, Stage: "local", RequestID: rand.Text(), ResourcePath: rt.path, HTTPMethod: r.Method,
			APIID: "local", AccountID: "123456789012",
			Identity: events.APIGatewayCustomAuthorizerRequestTypeRequestIdentity{SourceIP: sourceIP(r.RemoteAddr)},
		},
	}
}

// httpAuthorizerEvent is an HTTP API's payload 2.0 REQUEST authorizer event for r.
func httpAuthorizerEvent(r *http.Request, rt route, params map[string]string, routeARN string) events.APIGatewayV2CustomAuthorizerV2Request {
	headers, cookies := v2Headers(r)
	routeKey := rt.method + " " + rt.path
	return events.APIGatewayV2CustomAuthorizerV2Request{
		Version:               "2.0",
		Type:                  "REQUEST",
		RouteArn:              routeARN,
		IdentitySource:        []string{r.Header.Get("Authorization")},
		RouteKey:              routeKey,
		RawPath:               r.URL.EscapedPath(),
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: joinedValues(r.URL.Query()),
		PathParameters:        params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: routeKey, Stage: "$default", RequestID: rand.Text(), TimeEpoch: time.Now().UnixMilli(),
			APIID: "local", AccountID: "123456789012", HTTP: v2HTTP(r),
		},
	}
}

// restAuthorizer is what a REST API passes on in requestContext.authorizer: a Cognito
// authorizer's claims (as strings), a Lambda authorizer's principal and context.
func (a *authorization) restAuthorizer() map[string]any {
	switch {
	case a == nil || a.iam:
		return nil
	case a.claims != nil:
		claims := map[string]any{}
		for k, v := range stringClaims(a.claims) {
			claims[k] = v
		}
		return map[string]any{"claims": claims}
	default:
		out := map[string]any{"principalId": a.principal, "integrationLatency": 0}
		for k, v := range a.context {
			out[k] = v
		}
		return out
	}
}

// httpAuthorizer is what an HTTP API (or, for IAM, a function URL) passes on in
// requestContext.authorizer.
func (a *authorization) httpAuthorizer() *events.APIGatewayV2HTTPRequestContextAuthorizerDescription {
	switch {
	case a == nil:
		return nil
	case a.iam:
		return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
			AccountID: "123456789012", UserARN: a.principal, CallerID: "localrun", UserID: "localrun",
		}}
	case a.claims != nil:
		claims := stringClaims(a.claims)
		var scopes []string
		if scope := claims["scope"]; scope != "" {
			scopes = strings.Fields(scope)
		}
		return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
			Claims: claims, Scopes: scopes,
		}}
	default:
		return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: a.context}
	}
}

// functionURLAuthorizer is what a function URL with auth iam passes on.
func (a *authorization) functionURLAuthorizer() *events.LambdaFunctionURLRequestContextAuthorizerDescription {
	if a == nil || !a.iam {
		return nil
	}
	return &events.LambdaFunctionURLRequestContextAuthorizerDescription{IAM: &events.LambdaFunctionURLRequestContextAuthorizerIAMDescription{
		AccountID: "123456789012", UserARN: a.principal, CallerID: "localrun", UserID: "localrun",
	}}
}

// describeAuth says how make dev plays a function's auth, for its line at start.
func describeAuth(fn function) string {
	switch fn.auth {
	case "cognito", "jwt":
		return fmt.Sprintf("auth %s: send Authorization: Bearer $(make token)", fn.auth)
	case "iam":
		return "auth iam: not enforced locally, the caller is " + localPrincipal
	case "lambda":
		return "auth lambda: " + fn.authorizer + " decides; send Authorization: Bearer $(make token)"
	case "none":
		return "auth none: public"
	default:
		return ""
	}
}
