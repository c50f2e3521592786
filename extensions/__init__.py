"""Python side of go-lambda-template: event catalogue, answer validators, render plan, tasks."""
