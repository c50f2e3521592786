package main

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// checkJSONConfig reads CloudFormation and SAM templates in JSON (an object with Resources),
// Terraform's JSON syntax (.tf.json) and serverless.json; other JSON is skipped.
func checkJSONConfig(file, text string) ([]Finding, error) {
	lower := strings.ToLower(file)
	known := strings.HasSuffix(lower, ".tf.json") || strings.HasSuffix(lower, "/serverless.json") || lower == "serverless.json"
	if !known && !strings.Contains(text, `"Resources"`) {
		return nil, errSkip
	}
	groups, err := jsonGroups(text)
	if err != nil {
		if known {
			return nil, err
		}
		return nil, errSkip // not JSON after all (e.g. JSON with comments): not a template this reads
	}
	return checkGroups(file, groups), nil
}

// jsonGroups returns every object of the document as a group, with the line of each key. It
// walks the tokens itself because encoding/json's values carry no positions.
func jsonGroups(text string) ([]*group, error) {
	w := &jsonWalker{dec: json.NewDecoder(strings.NewReader(text)), lines: newLineIndex(text)}
	w.dec.UseNumber()
	if _, err := w.entry(""); err != nil {
		return nil, err
	}
	if _, err := w.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON document")
	}
	return w.groups, nil
}

type jsonWalker struct {
	dec    *json.Decoder
	lines  lineIndex
	groups []*group
}

func (w *jsonWalker) line() int {
	return w.lines.line(int(w.dec.InputOffset()))
}

// entry reads one value at path and describes it as a group entry (scalars and lists of
// scalars); the objects in it become groups.
func (w *jsonWalker) entry(path string) (entry, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return entry{}, err
	}
	line := w.line()
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return entry{line: line}, w.object(path)
		case '[':
			e := entry{line: line}
			for w.dec.More() {
				it, err := w.entry(path + "/[]")
				if err != nil {
					return entry{}, err
				}
				if it.literal {
					e.items = append(e.items, item{value: it.value, line: it.line})
				}
			}
			_, err := w.dec.Token() // ]
			return e, err
		}
		return entry{}, errors.New("unexpected delimiter")
	case string:
		return entry{value: t, literal: isLiteral(t), line: line}, nil
	default:
		return entry{line: line}, nil
	}
}

func (w *jsonWalker) object(path string) error {
	g := newGroup(strings.TrimPrefix(path, "/"))
	w.groups = append(w.groups, g)
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return errors.New("object key is not a string")
		}
		keyLine := w.line()
		e, err := w.entry(path + "/" + key)
		if err != nil {
			return err
		}
		if e.value != "" || len(e.items) == 0 {
			e.line = keyLine
		}
		g.set(key, e)
	}
	_, err := w.dec.Token() // }
	return err
}
