// Package handler adapts API Gateway events to the service layer. Each
// Lambda function has one handler type here (APIHandler, HelloHandler, ...)
// whose Handle method is the function's entry point; everything the
// handlers share lives in pkg/middleware.
package handler
