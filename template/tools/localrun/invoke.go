package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
)

// invoke runs one event through the function: the response goes to stdout, the function's logs
// and the emulator's REPORT line (durations, memory) to stderr.
func invoke(ctx context.Context, rie, bootstrap, name, eventFile string) error {
	event, err := os.ReadFile(eventFile) //nolint:gosec // G304: the event file is the caller's choice.
	if err != nil {
		return err
	}
	if !json.Valid(event) {
		return fmt.Errorf("%s is not valid JSON", eventFile)
	}
	e, err := startEmulator(ctx, rie, bootstrap, name, os.Stderr)
	if err != nil {
		return err
	}
	defer e.stop()
	response, err := e.invoke(ctx, event)
	if err != nil {
		return err
	}
	e.report() // the REPORT line is in the emulator's output; wait for it before stopping
	var pretty bytes.Buffer
	if json.Indent(&pretty, response, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(response)
	}
	_, err = fmt.Println(pretty.String())
	return err
}
