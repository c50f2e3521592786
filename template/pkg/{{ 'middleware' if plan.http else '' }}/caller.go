package middleware

import (
	"encoding/json"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Caller is who made a request, as the authorizer in front of the function
// established it before the function ran: API Gateway's Cognito, JWT, IAM
// or Lambda authorizer, or a function URL's IAM auth. A request that passed
// no authorizer (auth none, an ALB target) has the zero Caller, and so does
// every request of a local run that does not play the authorizer.
type Caller struct {
	// Principal identifies the caller: the token's subject ("sub") behind a
	// Cognito or JWT authorizer, the principal a Lambda authorizer returned
	// ("principalId"), or the ARN of the IAM principal that signed the
	// request.
	Principal string
	// Claims holds the token's claims (Cognito, JWT) or the context a Lambda
	// authorizer returned, as strings: numbers and booleans as JSON writes
	// them, lists and objects as JSON. Nil behind IAM auth.
	Claims map[string]string
	// Scopes holds the scopes of an access token; nil for ID tokens.
	Scopes []string
}

// Authenticated reports whether an authorizer identified the caller.
func (c Caller) Authenticated() bool {
	return c.Principal != ""
}

// restCaller returns the caller of a REST API request: the claims of a
// Cognito authorizer, the context of a Lambda authorizer, or the IAM
// principal of a signed request (IAM auth).
func restCaller(rc events.APIGatewayProxyRequestContext) Caller {
	if claims, ok := rc.Authorizer["claims"].(map[string]any); ok {
		return tokenCaller(stringValues(claims), nil)
	}
	if _, ok := rc.Authorizer["principalId"]; ok {
		return lambdaCaller(rc.Authorizer)
	}
	return Caller{Principal: rc.Identity.UserArn}
}

// httpCaller returns the caller of an HTTP API request (payload 2.0).
func httpCaller(a *events.APIGatewayV2HTTPRequestContextAuthorizerDescription) Caller {
	switch {
	case a == nil:
		return Caller{}
	case a.JWT != nil:
		return tokenCaller(a.JWT.Claims, a.JWT.Scopes)
	case a.Lambda != nil:
		return lambdaCaller(a.Lambda)
	case a.IAM != nil:
		return Caller{Principal: a.IAM.UserARN}
	default:
		return Caller{}
	}
}

// functionURLCaller returns the caller of a function URL request: the IAM
// principal when the URL's auth type is AWS_IAM.
func functionURLCaller(a *events.LambdaFunctionURLRequestContextAuthorizerDescription) Caller {
	if a == nil || a.IAM == nil {
		return Caller{}
	}
	return Caller{Principal: a.IAM.UserARN}
}

// tokenCaller returns the caller of a verified JWT. Cognito's REST
// authorizer passes no scopes apart: an access token's are its "scope" claim.
func tokenCaller(claims map[string]string, scopes []string) Caller {
	if scopes == nil && claims["scope"] != "" {
		scopes = strings.Fields(claims["scope"])
	}
	return Caller{Principal: claims["sub"], Claims: claims, Scopes: scopes}
}

// lambdaCaller returns the caller a Lambda authorizer described: its
// principal ID (REST) or the "principalId" of its context (HTTP API simple
// responses, which have no principal of their own), else the context's
// "sub". API Gateway adds the authorizer's latency, which is not a claim.
func lambdaCaller(authorizer map[string]any) Caller {
	claims := stringValues(authorizer)
	delete(claims, "integrationLatency")
	principal := claims["principalId"]
	delete(claims, "principalId")
	if principal == "" {
		principal = claims["sub"]
	}
	return Caller{Principal: principal, Claims: claims}
}

// stringValues returns values with each value as a string: strings as they
// are, anything else as JSON.
func stringValues(values map[string]any) map[string]string {
	out := make(map[string]string, len(values))
	for k, v := range values {
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		if b, err := json.Marshal(v); err == nil {
			out[k] = string(b)
		}
	}
	return out
}
